import { DEFAULT_AUTH_KEY } from '@ct-protected-form/devserver';
import { FIELDS } from '@ct-protected-form/fields';
import { createStartTokens, OptionsError, type Verdict } from '@ct-protected-form/verifier';
import ctProtectedForm, { type FastifyCtProtectedFormOptions } from '@ct-protected-form/verifier/fastify';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { useLocalCleanTalk } from '../helpers/local-cleantalk.js';
import {
  CONTRACT_FIELD,
  contactForm,
  multipart,
  stubStartTokens,
  urlencoded,
} from '../helpers/widget-form.js';

let app: FastifyInstance | undefined;

const local = useLocalCleanTalk([DEFAULT_AUTH_KEY]);
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const SECRET = 'fastify-test-secret-0123456789abcdef';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

interface Seen {
  body: Record<string, unknown>;
  verdict: Verdict | null;
}

/** A fresh app with the plugin and one protected `POST /contact` that records what the handler saw. */
async function build(
  options: Partial<FastifyCtProtectedFormOptions> = {},
  server: FastifyServerOptions = {},
  routeConfig: unknown = { commentType: 'contact' },
) {
  const seen: Seen[] = [];
  app = Fastify(server);
  await app.register(ctProtectedForm, {
    authKey: DEFAULT_AUTH_KEY,
    endpoint: local.server.apiUrl,
    timeoutMs: 1000,
    logger: { warn() {}, error() {} },
    startTokens: stubStartTokens,
    ...options,
  });
  app.post('/contact', { config: { ctProtectedForm: routeConfig as never } }, async (request) => {
    seen.push({ body: { ...(request.body as object) }, verdict: request.ctVerdict });
    return { ok: true, decision: request.ctVerdict?.decision };
  });
  app.post('/open', async (request) => {
    seen.push({ body: { ...(request.body as object) }, verdict: request.ctVerdict });
    return { ok: true };
  });
  await app.ready();
  return { app, seen };
}

const sent = () => local.server.lastRequest('check_message')?.body as Record<string, unknown>;

/** POSTs `form` to the protected `/contact` route, urlencoded, as a browser would. */
function postContact(
  app: FastifyInstance,
  form: Record<string, string>,
  headers: Record<string, string> = FORM,
  remoteAddress?: string,
) {
  return app.inject({ method: 'POST', url: '/contact', headers, payload: urlencoded(form), remoteAddress });
}

describe('Fastify plugin', () => {
  it('checks a protected route, passes the verdict to the handler and hides the contract’s fields', async () => {
    const { app, seen } = await build();
    const response = await postContact(
      app,
      contactForm(),
      { ...FORM, 'user-agent': 'Mozilla/5.0 Test', cookie: 'sid=secret' },
      '203.0.113.20',
    );
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ok: true, decision: 'allow' });
    expect(seen[0]?.verdict).toMatchObject({ decision: 'allow', verified: true, jsProven: true });
    expect(seen[0]?.body).toEqual({
      email: 'ann@example.com',
      name: 'Ann',
      message: 'What a lovely garden.',
    });
    expect(sent()).toMatchObject({
      sender_ip: '203.0.113.20',
      sender_email: 'ann@example.com',
      sender_nickname: 'Ann',
      message: 'What a lovely garden.',
      js_on: 1,
      submit_time: 12,
    });
    expect(JSON.parse(sent().post_info as string)).toMatchObject({ comment_type: 'contact' });
    expect(JSON.parse(sent().all_headers as string)).toMatchObject({ 'user-agent': 'Mozilla/5.0 Test' });
    expect(sent().all_headers).not.toContain('secret');
  });

  it('counts the fields the form posted for CleanTalk, its hidden fields left out', async () => {
    const { app } = await build();
    await postContact(app, contactForm(), FORM, '203.0.113.20');
    expect(JSON.parse(sent().sender_info as string)).toMatchObject({ fields_number: 3, direct_post: 0 });
  });

  it('answers a blocked submission with 403 and the escaped reason as HTML for a browser form post', async () => {
    const { app, seen } = await build();
    const response = await postContact(app, contactForm({ message: 'cheap stop_word here' }), {
      ...FORM,
      accept: 'text/html,application/xhtml+xml,*/*;q=0.8',
    });
    expect(response.statusCode).toBe(403);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body).toMatch(/<p>Forbidden\. The message contains a stop word ?\.<\/p>/);
    expect(response.body).not.toContain('<a');
    expect(seen).toHaveLength(0);
  });

  it('answers JSON to a client that asks for it', async () => {
    const { app } = await build();
    const response = await postContact(app, contactForm({ email: 'stop_email@example.com' }), {
      ...FORM,
      accept: 'application/json',
    });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({
      statusCode: 403,
      code: 'CT_BLOCKED',
      error: 'Forbidden',
      message: 'Forbidden. Sender blacklisted.',
    });
  });

  it('lets the app answer blocked submissions itself', async () => {
    const calls: Verdict[] = [];
    const { app } = await build({
      onBlocked: (_request, reply, verdict) => {
        calls.push(verdict);
        return reply.code(422).send({ sorry: verdict.reason });
      },
    });
    const response = await postContact(app, contactForm({ email: 'stop_email@example.com' }));
    expect(response.statusCode).toBe(422);
    expect(response.json()).toEqual({ sorry: 'Forbidden. Sender blacklisted.' });
    expect(calls[0]?.codes).toContain('BL');

    const { app: second } = await build({ onBlocked: () => 'custom page' });
    const returned = await postContact(second, contactForm({ email: 'stop_email@example.com' }));
    expect(returned.statusCode).toBe(403);
    expect(returned.body).toBe('custom page');
    await second.close();
  });

  it('falls back to the default 403 when onBlocked neither sends nor returns anything', async () => {
    const { app } = await build({ onBlocked: () => undefined });
    const response = await postContact(app, contactForm({ email: 'stop_email@example.com' }), {
      ...FORM,
      accept: 'application/json',
    });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ code: 'CT_BLOCKED', message: 'Forbidden. Sender blacklisted.' });
  });

  it('passes a submission held for review on to the handler', async () => {
    const { app, seen } = await build();
    const response = await postContact(app, contactForm({ email: 'review@example.com' }));
    expect(response.json()).toEqual({ ok: true, decision: 'review' });
    expect(seen[0]?.verdict?.decision).toBe('review');
  });

  it('leaves routes that do not opt in alone', async () => {
    const { app, seen } = await build();
    const payload = contactForm();
    await app.inject({ method: 'POST', url: '/open', headers: FORM, payload: urlencoded(payload) });
    expect(seen[0]).toEqual({ body: payload, verdict: null });
    expect(local.server.requests).toHaveLength(0);
  });

  it('reads mapped fields, joins several message fields and calls check_newuser when configured', async () => {
    const { app } = await build(
      {},
      {},
      {
        method: 'check_newuser',
        fields: { email: 'login', nickname: 'user', message: ['subject', 'body'] },
      },
    );
    await app.inject({
      method: 'POST',
      url: '/contact',
      headers: FORM,
      payload: urlencoded({
        ...contactForm(),
        login: 'zoe@example.com',
        user: 'zoe',
        subject: 'Hi',
        body: 'There',
      }),
    });
    expect(local.server.lastRequest('check_newuser')?.body).toMatchObject({
      sender_email: 'zoe@example.com',
      sender_nickname: 'zoe',
      message: 'Hi\nThere',
    });
  });

  it('runs a token-only check_bot for forms without text', async () => {
    const { app, seen } = await build({}, {}, { method: 'check_bot' });
    const token = local.server.issueEventToken();
    await postContact(app, { ...contactForm(), [FIELDS.eventToken]: token });
    expect(seen[0]?.verdict).toMatchObject({ method: 'check_bot', decision: 'allow' });
    expect(local.server.lastRequest('check_bot')?.body).toMatchObject({ event_token: token });
    expect(local.server.lastRequest('check_bot')?.body).not.toHaveProperty('message');
  });

  it('offers a preHandler for routes that prefer to add it themselves', async () => {
    app = Fastify();
    await app.register(ctProtectedForm, {
      authKey: DEFAULT_AUTH_KEY,
      endpoint: local.server.apiUrl,
      startTokens: stubStartTokens,
    });
    app.post(
      '/signup',
      { preHandler: app.ctProtectedForm.preHandler({ method: 'check_newuser' }) },
      async (request) => ({
        decision: request.ctVerdict?.decision,
        inactive: request.ctVerdict?.inactive,
        keys: Object.keys(request.body as object),
      }),
    );
    const response = await app.inject({
      method: 'POST',
      url: '/signup',
      headers: FORM,
      payload: urlencoded(contactForm({ email: 'inactive@example.com' })),
    });
    // allow 1 + inactive 1: create the account, inactive, which the app decides on as a review.
    expect(response.json()).toEqual({
      decision: 'review',
      inactive: true,
      keys: ['email', 'name', 'message'],
    });
    expect(local.server.lastRequest('check_newuser')).toBeDefined();
  });

  it('parses multipart forms and keeps uploads as files', async () => {
    app = Fastify();
    await app.register(ctProtectedForm, {
      authKey: DEFAULT_AUTH_KEY,
      endpoint: local.server.apiUrl,
      startTokens: stubStartTokens,
    });
    app.post('/upload', { config: { ctProtectedForm: true } }, async (request) => {
      const body = request.body as Record<string, unknown>;
      return {
        decision: request.ctVerdict?.decision,
        file: await (body.photo as File).text(),
        keys: Object.keys(body),
      };
    });
    const { body, contentType } = await multipart(contactForm(), { photo: new File(['rose'], 'rose.txt') });
    const response = await app.inject({
      method: 'POST',
      url: '/upload',
      headers: { 'content-type': contentType },
      payload: body,
    });
    expect(response.json()).toEqual({
      decision: 'allow',
      file: 'rose',
      keys: ['email', 'name', 'message', 'photo'],
    });
  });

  it('checks JSON bodies parsed by Fastify itself', async () => {
    const { app, seen } = await build();
    const response = await app.inject({ method: 'POST', url: '/contact', payload: contactForm() });
    expect(response.statusCode).toBe(200);
    expect(Object.keys(seen[0]?.body ?? {}).some((k) => CONTRACT_FIELD.test(k))).toBe(false);
  });

  it('takes the hidden fields out before schema validation, so strict schemas need not list them', async () => {
    app = Fastify();
    await app.register(ctProtectedForm, {
      authKey: DEFAULT_AUTH_KEY,
      endpoint: local.server.apiUrl,
      startTokens: stubStartTokens,
    });
    app.post(
      '/strict',
      {
        config: { ctProtectedForm: true },
        schema: {
          body: {
            type: 'object',
            additionalProperties: false,
            required: ['email'],
            properties: { email: { type: 'string' }, name: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
      async (request) => ({ verdict: request.ctVerdict }),
    );
    const response = await app.inject({ method: 'POST', url: '/strict', payload: contactForm() });
    expect(response.json().verdict).toMatchObject({ decision: 'allow', jsProven: true });
  });

  it('keeps a form parser the app registered before', async () => {
    app = Fastify();
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, async () => ({
      parsedBy: 'app',
    }));
    await app.register(ctProtectedForm, {
      authKey: DEFAULT_AUTH_KEY,
      endpoint: local.server.apiUrl,
      startTokens: stubStartTokens,
    });
    app.post('/x', async (request) => request.body);
    await app.ready();
    const response = await app.inject({ method: 'POST', url: '/x', headers: FORM, payload: 'a=1' });
    expect(response.json()).toEqual({ parsedBy: 'app' });
  });

  it('validates its options and route configurations when the app starts', async () => {
    app = Fastify();
    await expect(app.register(ctProtectedForm, { authKey: '' })).rejects.toBeInstanceOf(OptionsError);
    await app.close();

    app = Fastify();
    app.register(ctProtectedForm, { authKey: DEFAULT_AUTH_KEY, onBlocked: 'nope' as never });
    await expect(app.ready()).rejects.toMatchObject({ option: 'onBlocked' });
    await app.close();

    app = Fastify();
    await app.register(ctProtectedForm, { authKey: DEFAULT_AUTH_KEY });
    expect(() =>
      app?.post('/bad', { config: { ctProtectedForm: { method: 'check_spam' as never } } }, async () => 'x'),
    ).toThrow(/config\.ctProtectedForm of POST \/bad\.method/);
  });
});

describe('Fastify plugin: client IP', () => {
  const xff = { ...FORM, 'x-forwarded-for': '198.51.100.200' };

  it('ignores X-Forwarded-For from a peer the app does not trust', async () => {
    const { app } = await build();
    await postContact(app, contactForm(), xff, '203.0.113.30');
    expect(sent().sender_ip).toBe('203.0.113.30');
  });

  it('uses X-Forwarded-For from a trusted proxy, as Fastify’s trustProxy resolves it', async () => {
    const { app } = await build({}, { trustProxy: '10.0.0.1' });
    await postContact(app, contactForm(), xff, '10.0.0.1');
    expect(sent().sender_ip).toBe('198.51.100.200');
    await postContact(app, contactForm(), xff, '10.0.0.2');
    expect(sent().sender_ip).toBe('10.0.0.2');
  });

  it('answers 400, not 500, when a trusted proxy forwards garbage for the client address', async () => {
    const { app, seen } = await build({}, { trustProxy: true });
    const response = await postContact(app, contactForm(), { ...FORM, 'x-forwarded-for': 'not-an-ip' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'CT_BAD_CLIENT_IP' });
    expect(seen).toHaveLength(0);
  });
});

/** A Fastify logger writing warn-and-above lines into `lines`, parsed. */
function capturedLogger(lines: { level: number; msg: string }[]): FastifyServerOptions['logger'] {
  return {
    level: 'warn',
    stream: { write: (line: string) => lines.push(JSON.parse(line)) },
  };
}

describe('Fastify plugin: mistakes are loud', () => {
  it('still checks routes declared before the plugin finished registering (no await)', async () => {
    app = Fastify();
    void app.register(ctProtectedForm, {
      authKey: DEFAULT_AUTH_KEY,
      endpoint: local.server.apiUrl,
      startTokens: stubStartTokens,
    });
    app.post('/late', { config: { ctProtectedForm: { commentType: 'contact' } } }, async (request) => ({
      decision: request.ctVerdict?.decision,
    }));
    app.post('/late-default', { config: { ctProtectedForm: true } }, async (request) => ({
      decision: request.ctVerdict?.decision,
    }));
    await app.ready();
    const blocked = await app.inject({
      method: 'POST',
      url: '/late',
      headers: { ...FORM, accept: 'application/json' },
      payload: urlencoded(contactForm({ email: 'stop_email@example.com' })),
    });
    expect(blocked.statusCode).toBe(403);
    expect(JSON.parse(sent().post_info as string)).toMatchObject({ comment_type: 'contact' });
    const allowed = await app.inject({
      method: 'POST',
      url: '/late-default',
      headers: FORM,
      payload: urlencoded(contactForm()),
    });
    expect(allowed.json()).toEqual({ decision: 'allow' });
    expect(local.server.requests.filter((r) => r.methodName === 'check_message')).toHaveLength(2);
  });

  it('answers 500 naming the typo when a route declared before the plugin loaded misspells its key', async () => {
    app = Fastify();
    void app.register(ctProtectedForm, { authKey: DEFAULT_AUTH_KEY, endpoint: local.server.apiUrl });
    app.post('/typo', { config: { ctProtectedFrom: true } as never }, async () => 'unprotected');
    await app.ready();
    const response = await app.inject({
      method: 'POST',
      url: '/typo',
      headers: FORM,
      payload: urlencoded(contactForm()),
    });
    expect(response.statusCode).toBe(500);
    expect(response.json().message).toMatch(
      /config\.ctProtectedFrom of POST \/typo.*did you mean "ctProtectedForm"/,
    );
  });

  it('refuses misspelled route configuration keys when the route is declared', async () => {
    app = Fastify();
    await app.register(ctProtectedForm, { authKey: DEFAULT_AUTH_KEY });
    expect(() =>
      app?.post('/a', { config: { ctProtectedForm: { commentTyp: 'contact' } as never } }, async () => 'x'),
    ).toThrow(/config\.ctProtectedForm of POST \/a\.commentTyp.*did you mean "commentType"/);
    expect(() => app?.post('/b', { config: { ctProtectedFrom: true } as never }, async () => 'x')).toThrow(
      /config\.ctProtectedFrom of POST \/b.*did you mean "ctProtectedForm"/,
    );
    expect(() =>
      app?.post('/c', { config: { ctProtectedForm: { fields: { mail: 'x' } } as never } }, async () => 'x'),
    ).toThrow(/fields\.mail/);
  });

  it('logs an unverified check through app.log with the endpoint URL and the HTTP status', async () => {
    const lines: { level: number; msg: string }[] = [];
    const endpoint = `${local.server.url}/wrong-path`;
    app = Fastify({ logger: capturedLogger(lines) });
    await app.register(ctProtectedForm, { authKey: DEFAULT_AUTH_KEY, endpoint });
    app.post(
      '/contact',
      { config: { ctProtectedForm: true } },
      async (request) => request.ctVerdict?.decision,
    );
    await app.ready();
    const response = await postContact(app, contactForm());
    expect(response.body).toBe('review');
    const warning = lines.find((line) => line.msg.includes('check not verified'));
    expect(warning?.level).toBe(40);
    expect(warning?.msg).toContain(endpoint);
    expect(warning?.msg).toContain('HTTP 404');
    expect(warning?.msg).not.toContain(DEFAULT_AUTH_KEY);
  });

  it('warns once through app.log when X-Forwarded-For arrives from a local peer and no proxy is trusted', async () => {
    const lines: { level: number; msg: string }[] = [];
    app = Fastify({ logger: capturedLogger(lines) });
    await app.register(ctProtectedForm, { authKey: DEFAULT_AUTH_KEY, endpoint: local.server.apiUrl });
    app.post('/contact', { config: { ctProtectedForm: true } }, async () => 'ok');
    await app.ready();
    const post = (remoteAddress: string) =>
      app?.inject({
        method: 'POST',
        url: '/contact',
        headers: { ...FORM, 'x-forwarded-for': '198.51.100.7' },
        payload: urlencoded(contactForm()),
        remoteAddress,
      });
    await post('203.0.113.9');
    expect(lines.filter((line) => line.msg.includes('X-Forwarded-For'))).toHaveLength(0);
    await post('127.0.0.1');
    await post('10.1.2.3');
    const warnings = lines.filter((line) => line.msg.includes('X-Forwarded-For'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.msg).toMatch(/127\.0\.0\.1.*trustProxy/);
  });

  it('says nothing about X-Forwarded-For when Fastify trusts the proxy', async () => {
    const lines: { level: number; msg: string }[] = [];
    app = Fastify({ logger: capturedLogger(lines), trustProxy: '127.0.0.1' });
    await app.register(ctProtectedForm, { authKey: DEFAULT_AUTH_KEY, endpoint: local.server.apiUrl });
    app.post('/contact', { config: { ctProtectedForm: true } }, async () => 'ok');
    await app.ready();
    await postContact(app, contactForm(), { ...FORM, 'x-forwarded-for': '198.51.100.7' }, '127.0.0.1');
    expect(sent().sender_ip).toBe('198.51.100.7');
    expect(lines.filter((line) => line.msg.includes('X-Forwarded-For'))).toHaveLength(0);
  });
});

describe('Fastify plugin: start tokens', () => {
  /** Fetches a token as the widget does, with the cookies of `jar` (updated from Set-Cookie). */
  async function fetchToken(target: FastifyInstance, jar: { cookie?: string } = {}) {
    const response = await target.inject({
      method: 'GET',
      url: '/ct-protected-form/start-token',
      headers: jar.cookie ? { cookie: jar.cookie } : {},
    });
    const set = response.headers['set-cookie'];
    if (typeof set === 'string') jar.cookie = set.split(';')[0];
    return response;
  }
  /** A person's form with a detector token CleanTalk issued, so its answer does not hang on js_on. */
  const personForm = (token: string) =>
    urlencoded(
      contactForm({ [FIELDS.startToken]: token, [FIELDS.eventToken]: local.server.issueEventToken() }),
    );

  it('serves fresh tokens, uncached, bound to a session cookie, that make submit_time come from the server clock', async () => {
    let clock = Date.now();
    const now = () => clock;
    const startTokens = createStartTokens({ secrets: [SECRET], now });
    const { app, seen } = await build({ startTokens, now });
    const jar: { cookie?: string } = {};
    const tokenResponse = await fetchToken(app, jar);
    expect(tokenResponse.statusCode).toBe(200);
    expect(tokenResponse.headers['cache-control']).toBe('no-store');
    expect(tokenResponse.headers['set-cookie']).toMatch(
      /^ct_pf_session=[A-Za-z0-9_-]{22}; Path=\/; HttpOnly; SameSite=Lax$/,
    );
    const { token } = tokenResponse.json();
    expect(token).toMatch(/^[A-Za-z0-9_-]{100}$/);
    expect(app.ctProtectedForm.startTokens).toBe(startTokens);
    // The same session keeps its cookie.
    expect((await fetchToken(app, jar)).headers['set-cookie']).toBeUndefined();
    clock += 20_000;

    const post = (cookie = jar.cookie) =>
      app.inject({
        method: 'POST',
        url: '/contact',
        headers: { ...FORM, ...(cookie ? { cookie } : {}) },
        payload: personForm(token),
      });
    expect((await post('ct_pf_session=AAAAAAAAAAAAAAAAAAAAAA')).json()).toEqual({
      ok: true,
      decision: 'review',
    });
    expect(seen[0]?.verdict?.startTime.problem).toBe('foreign');
    expect((await post()).statusCode).toBe(200);
    expect(seen[1]?.verdict?.startTime).toEqual({ source: 'signed', submitTimeSeconds: 20 });
    expect(seen[1]?.verdict?.jsProven).toBe(true);
    expect(seen[1]?.body).not.toHaveProperty(FIELDS.startToken);
    expect((await post()).json()).toEqual({ ok: true, decision: 'review' });
    expect(seen[2]?.verdict?.startTime.problem).toBe('replayed');
  });

  it('keeps the session and signs the submission when 12 KB of other cookies come before it', async () => {
    let clock = Date.now();
    const startTokens = createStartTokens({ secrets: [SECRET], now: () => clock });
    const { app, seen } = await build({ startTokens, now: () => clock });
    const jar: { cookie?: string } = {};
    const { token } = (await fetchToken(app, jar)).json();
    const others = Array.from({ length: 60 }, (_, i) => `_ga_${i}=${'x'.repeat(200)}`).join('; ');
    const cookie = `${others}; ${jar.cookie}`;
    const again = await fetchToken(app, { cookie });
    expect(again.headers['set-cookie'], 'the same session keeps its cookie').toBeUndefined();
    clock += 20_000;
    const response = await app.inject({
      method: 'POST',
      url: '/contact',
      headers: { ...FORM, cookie },
      payload: personForm(token),
    });
    expect(response.json()).toEqual({ ok: true, decision: 'allow' });
    expect(seen[0]?.verdict?.startTime).toEqual({ source: 'signed', submitTimeSeconds: 20 });
  });

  it('limits tokens per client address with 429 and Retry-After, per IPv6 /64', async () => {
    let clock = Date.now();
    const startTokens = createStartTokens({ secrets: [SECRET] });
    const { app } = await build({
      startTokens,
      now: () => clock,
      startTokenRateLimit: { max: 3, windowMs: 60_000 },
    });
    const from = (remoteAddress: string) =>
      app.inject({ method: 'GET', url: '/ct-protected-form/start-token', remoteAddress });
    for (let i = 0; i < 3; i++) expect((await from('198.51.100.1')).statusCode).toBe(200);
    const refused = await from('198.51.100.1');
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('60');
    expect(refused.json()).toMatchObject({ code: 'CT_START_TOKEN_RATE_LIMIT' });
    expect((await from('198.51.100.2')).statusCode).toBe(200);
    for (const suffix of ['1', '2', 'abcd:1'])
      expect((await from(`2001:db8:1:2::${suffix}`)).statusCode).toBe(200);
    expect((await from('2001:db8:1:2:ffff::9')).statusCode).toBe(429);
    clock += 60_000;
    expect((await from('198.51.100.1')).statusCode).toBe(200);
  });

  it('issues unbound tokens without a cookie when startTokenCookie is false', async () => {
    const startTokens = createStartTokens({ secrets: [SECRET], minAgeMs: 0 });
    const { app, seen } = await build({ startTokens, startTokenCookie: false });
    const response = await fetchToken(app);
    expect(response.headers['set-cookie']).toBeUndefined();
    await app.inject({
      method: 'POST',
      url: '/contact',
      headers: FORM,
      payload: personForm(response.json().token),
    });
    expect(seen[0]?.verdict?.startTime.source).toBe('signed');
  });

  it('refuses ill-formed rate limits and cookie settings at register()', async () => {
    const startTokens = createStartTokens({ secrets: [SECRET] });
    await expect(build({ startTokens, startTokenRateLimit: { max: 0 } })).rejects.toThrow(
      /startTokenRateLimit\.max/,
    );
    await expect(build({ startTokens, startTokenRateLimit: { windowMs: 10 } })).rejects.toThrow(
      /startTokenRateLimit\.windowMs/,
    );
    await expect(build({ startTokens, startTokenCookie: 'yes' as never })).rejects.toThrow(
      /startTokenCookie/,
    );
  });

  it('serves the token route at a configured path, or not at all', async () => {
    const startTokens = createStartTokens({ secrets: [SECRET] });
    const { app } = await build({ startTokens, startTokenPath: '/forms/token' });
    expect((await app.inject({ method: 'GET', url: '/forms/token' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/ct-protected-form/start-token' })).statusCode).toBe(404);
    await app.close();
    const { app: none } = await build({ startTokens, startTokenPath: false });
    expect((await none.inject({ method: 'GET', url: '/ct-protected-form/start-token' })).statusCode).toBe(
      404,
    );
    await none.close();
  });

  it('blocks a forged token under invalidStartToken: block', async () => {
    const startTokens = createStartTokens({ secrets: [SECRET] });
    const { app } = await build({ startTokens, invalidStartToken: 'block' });
    const forged = await createStartTokens({ secrets: ['another-secret-0123456789abcdef0123'] }).issue();
    const response = await app.inject({
      method: 'POST',
      url: '/contact',
      headers: { ...FORM, accept: 'application/json' },
      payload: personForm(forged),
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().message).toMatch(/reload the page/);
  });
});

describe('Fastify plugin: hostile input gets a verdict or a clear 4xx, never a 5xx', () => {
  const cases: [string, { headers: Record<string, string>; payload: string | Buffer }, number | 'verdict'][] =
    [
      [
        'an unsupported content type',
        { headers: { 'content-type': 'application/xml' }, payload: '<a/>' },
        415,
      ],
      [
        'a malformed multipart body',
        { headers: { 'content-type': 'multipart/form-data; boundary=xyz' }, payload: '--xyz\r\nnonsense' },
        400,
      ],
      [
        'multipart without a boundary',
        { headers: { 'content-type': 'multipart/form-data' }, payload: 'a' },
        400,
      ],
      [
        'a form body that is not UTF-8',
        { headers: FORM, payload: Buffer.from([0x65, 0x3d, 0xff, 0xfe]) },
        400,
      ],
      ['malformed JSON', { headers: { 'content-type': 'application/json' }, payload: '{"email": ' }, 400],
      [
        'JSON with __proto__',
        {
          headers: { 'content-type': 'application/json' },
          payload: '{"__proto__": {"x": 1}, "email": "a@b.c"}',
        },
        400,
      ],
      ['a JSON array', { headers: { 'content-type': 'application/json' }, payload: '[1, 2]' }, 'verdict'],
      ['plain text', { headers: { 'content-type': 'text/plain' }, payload: 'hello' }, 'verdict'],
      ['no hidden fields at all', { headers: FORM, payload: 'email=a%40b.c&message=hi' }, 'verdict'],
      [
        '__proto__ and constructor as form fields',
        { headers: FORM, payload: '__proto__=x&constructor=y&__proto__%5Bpolluted%5D=1&email=a%40b.c' },
        'verdict',
      ],
      [
        'repeated hidden and visible fields',
        { headers: FORM, payload: `${urlencoded(contactForm())}&email=b%40c.d&ct_js=1&ct_started_at=x` },
        'verdict',
      ],
      [
        'more than 1000 fields',
        { headers: FORM, payload: Array.from({ length: 1001 }, (_, i) => `f${i}=1`).join('&') },
        413,
      ],
      ['an empty body', { headers: FORM, payload: '' }, 'verdict'],
      [
        // Found by the property tests: this answered 500 (a RangeError from the stack).
        'JSON with a message nested 30 000 arrays deep',
        {
          headers: { 'content-type': 'application/json' },
          payload: `{"message":${'['.repeat(30_000)}"x"${']'.repeat(30_000)}}`,
        },
        'verdict',
      ],
    ];

  for (const [name, request, expected] of cases) {
    it(`${name} → ${expected}`, async () => {
      const { app } = await build();
      const response = await app.inject({ method: 'POST', url: '/contact', ...request });
      if (expected === 'verdict') {
        expect([200, 403]).toContain(response.statusCode);
        expect(local.server.requests.length).toBe(1);
      } else {
        expect(response.statusCode).toBe(expected);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  }

  it('an oversized body → 413 within the app’s bodyLimit', async () => {
    const { app } = await build({}, { bodyLimit: 1024 });
    const response = await app.inject({
      method: 'POST',
      url: '/contact',
      headers: FORM,
      payload: `message=${'a'.repeat(2000)}`,
    });
    expect(response.statusCode).toBe(413);
    expect(local.server.requests).toHaveLength(0);
  });
});
