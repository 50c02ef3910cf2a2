import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_AUTH_KEY } from '@ct-protected-form/devserver';
import { FIELDS } from '@ct-protected-form/fields';
import { createStartTokens, OptionsError, type Verdict } from '@ct-protected-form/verifier';
import { ctProtectedForm, type ExpressCtProtectedFormOptions } from '@ct-protected-form/verifier/express';
import express, { type ErrorRequestHandler, type Express } from 'express';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { HOSTILE_FORM_BODIES, type HostileBody } from '../helpers/hostile-bodies.js';
import { useLocalCleanTalk } from '../helpers/local-cleantalk.js';
import {
  CONTRACT_FIELD,
  contactForm,
  multipart,
  stubStartTokens,
  urlencoded,
} from '../helpers/widget-form.js';

let server: Server | undefined;

const local = useLocalCleanTalk([DEFAULT_AUTH_KEY]);
afterEach(async () => {
  if (server) {
    server.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  }
});

const SECRET = 'express-test-secret-0123456789abcdef';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

interface Seen {
  body: Record<string, unknown>;
  verdict: Verdict | undefined;
}

/** A real server on port 0 with one protected `POST /contact`; `setup` runs before the routes. */
async function start(
  options: Partial<ExpressCtProtectedFormOptions> = {},
  setup: (app: Express) => void = () => {},
  routeConfig: Parameters<ReturnType<typeof ctProtectedForm>>[0] = { commentType: 'contact' },
) {
  const seen: Seen[] = [];
  const app = express();
  setup(app);
  const protect = ctProtectedForm({
    authKey: DEFAULT_AUTH_KEY,
    endpoint: local.server.apiUrl,
    timeoutMs: 1000,
    logger: { warn() {}, error() {} },
    startTokens: stubStartTokens,
    ...options,
  });
  app.use(protect.startTokenRoute);
  app.post('/contact', protect(routeConfig), (req, res) => {
    expectTypeOf(req.ctVerdict).toEqualTypeOf<Verdict | undefined>();
    seen.push({ body: { ...req.body }, verdict: req.ctVerdict });
    res.json({ ok: true, decision: req.ctVerdict?.decision });
  });
  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    res.status(error.statusCode ?? 500).json({ code: error.code, message: error.message });
  };
  app.use(onError);
  server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, protect };
}

const sent = () => local.server.lastRequest('check_message')?.body as Record<string, unknown>;
const post = (url: string, body: BodyInit, headers: Record<string, string> = FORM) =>
  fetch(`${url}/contact`, { method: 'POST', headers, body });

describe('Express middleware', () => {
  it('parses a urlencoded form itself, checks it and hands the verdict and a clean body on', async () => {
    const { url, seen } = await start();
    const response = await post(url, urlencoded(contactForm()), {
      ...FORM,
      'user-agent': 'Mozilla/5.0 Test',
    });
    expect(await response.json()).toEqual({ ok: true, decision: 'allow' });
    expect(seen[0]?.body).toEqual({
      email: 'ann@example.com',
      name: 'Ann',
      message: 'What a lovely garden.',
    });
    expect(seen[0]?.verdict).toMatchObject({ decision: 'allow', verified: true, jsProven: true });
    expect(sent()).toMatchObject({
      sender_ip: '127.0.0.1',
      sender_email: 'ann@example.com',
      sender_nickname: 'Ann',
      js_on: 1,
    });
    expect(JSON.parse(sent().post_info as string).comment_type).toBe('contact');
    expect(JSON.parse(sent().all_headers as string)['user-agent']).toBe('Mozilla/5.0 Test');
  });

  it('uses a body already parsed by express.urlencoded or express.json', async () => {
    const { url, seen } = await start({}, (app) => {
      app.use(express.urlencoded({ extended: false }));
      app.use(express.json());
    });
    await post(url, urlencoded(contactForm()));
    await post(url, JSON.stringify(contactForm()), { 'content-type': 'application/json' });
    expect(seen.map((s) => s.verdict?.decision)).toEqual(['allow', 'allow']);
    for (const { body } of seen) expect(Object.keys(body).some((k) => CONTRACT_FIELD.test(k))).toBe(false);
  });

  it('parses multipart forms and keeps uploads as files', async () => {
    const { url, seen } = await start();
    const { body, contentType } = await multipart(contactForm(), { photo: new File(['rose'], 'rose.txt') });
    const response = await post(url, new Uint8Array(body), { 'content-type': contentType });
    expect(response.status).toBe(200);
    expect(seen[0]?.verdict?.decision).toBe('allow');
    expect(Object.keys(seen[0]?.body ?? {})).toEqual(['email', 'name', 'message', 'photo']);
    expect(seen[0]?.body.photo).toBeInstanceOf(File);
  });

  it('answers a blocked submission with 403, HTML for a browser and JSON for a script', async () => {
    const { url, seen } = await start();
    const form = urlencoded(contactForm({ email: 'stop_email@example.com' }));
    const html = await post(url, form, { ...FORM, accept: 'text/html,*/*;q=0.8' });
    expect(html.status).toBe(403);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await html.text()).toContain('<p>Forbidden. Sender blacklisted.</p>');
    const json = await post(url, form, { ...FORM, accept: 'application/json' });
    expect(json.status).toBe(403);
    expect(await json.json()).toMatchObject({
      code: 'CT_BLOCKED',
      message: 'Forbidden. Sender blacklisted.',
    });
    expect(seen).toHaveLength(0);
  });

  it('lets the app answer blocked submissions itself, and passes review on', async () => {
    const { url, seen } = await start({
      onBlocked: (_req, res, verdict) => res.status(422).json({ sorry: verdict.codes }),
    });
    const blocked = await post(url, urlencoded(contactForm({ email: 'stop_email@example.com' })));
    expect(blocked.status).toBe(422);
    expect(await blocked.json()).toEqual({ sorry: ['FORBIDDEN', 'BL'] });
    const review = await post(url, urlencoded(contactForm({ message: 'please moderate_me' })));
    expect(await review.json()).toEqual({ ok: true, decision: 'review' });
    expect(seen).toHaveLength(1);
  });

  it('reads mapped fields for a registration', async () => {
    const { url } = await start({ defaults: { method: 'check_newuser' } }, undefined, {
      fields: { email: 'login', nickname: 'user' },
    });
    await post(url, urlencoded({ ...contactForm(), login: 'zoe@example.com', user: 'zoe' }));
    expect(local.server.lastRequest('check_newuser')?.body).toMatchObject({
      sender_email: 'zoe@example.com',
      sender_nickname: 'zoe',
    });
  });

  it('takes the client IP from req.ip: X-Forwarded-For only through trust proxy', async () => {
    const headers = { ...FORM, 'x-forwarded-for': '198.51.100.200' };
    const warnings: string[] = [];
    const logger = { warn: (message: string) => warnings.push(message), error() {} };
    const untrusted = await start({ logger });
    await post(untrusted.url, urlencoded(contactForm()), headers);
    await post(untrusted.url, urlencoded(contactForm()), headers);
    expect(sent().sender_ip).toBe('127.0.0.1');
    // The app is behind a proxy it does not trust: said once, through the app's logger.
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/127\.0\.0\.1.*X-Forwarded-For.*'trust proxy'/);
    server?.closeAllConnections();
    server?.close();

    warnings.length = 0;
    const trusted = await start({ logger }, (app) => app.set('trust proxy', 'loopback'));
    await post(trusted.url, urlencoded(contactForm()), headers);
    expect(sent().sender_ip).toBe('198.51.100.200');
    expect(warnings).toHaveLength(0);
  });

  it('refuses a misspelled route configuration key', () => {
    const protect = ctProtectedForm({ authKey: DEFAULT_AUTH_KEY });
    expect(() => protect({ comment_type: 'contact' } as never)).toThrow(/config\.comment_type.*unknown key/);
  });

  it('validates its options when created', () => {
    expect(() => ctProtectedForm({ authKey: '' })).toThrow(OptionsError);
    expect(() => ctProtectedForm({ authKey: DEFAULT_AUTH_KEY, bodyLimit: 0 })).toThrow(/bodyLimit/);
    expect(() => ctProtectedForm({ authKey: DEFAULT_AUTH_KEY, onBlocked: 1 as never })).toThrow(/onBlocked/);
    expect(() => ctProtectedForm({ authKey: DEFAULT_AUTH_KEY })({ method: 'x' as never })).toThrow(
      /config\.method/,
    );
  });
});

describe('Express middleware: start tokens', () => {
  it('serves uncached tokens that verify once', async () => {
    let clock = Date.now();
    const now = () => clock;
    const startTokens = createStartTokens({ secrets: [SECRET], now });
    const { url, seen, protect } = await start({ startTokens, now });
    expect(protect.startTokens).toBe(startTokens);
    const tokenResponse = await fetch(`${url}/ct-protected-form/start-token`);
    expect(tokenResponse.headers.get('cache-control')).toBe('no-store');
    const cookie = tokenResponse.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^ct_pf_session=[\w-]{22}; Path=\/; HttpOnly; SameSite=Lax$/);
    const { token } = await tokenResponse.json();
    clock += 15_000;
    const form = () =>
      urlencoded(
        contactForm({ [FIELDS.startToken]: token, [FIELDS.eventToken]: local.server.issueEventToken() }),
      );
    const session = { ...FORM, cookie: cookie.split(';')[0] ?? '' };
    expect(await (await post(url, form())).json()).toEqual({ ok: true, decision: 'review' });
    expect(seen[0]?.verdict?.startTime.problem).toBe('foreign');
    expect((await post(url, form(), session)).status).toBe(200);
    expect(seen[1]?.verdict?.startTime).toEqual({ source: 'signed', submitTimeSeconds: 15 });
    expect(await (await post(url, form(), session)).json()).toEqual({ ok: true, decision: 'review' });
    expect(seen[2]?.verdict?.startTime.problem).toBe('replayed');
  });

  it('limits tokens per client address with 429 and Retry-After', async () => {
    const startTokens = createStartTokens({ secrets: [SECRET] });
    const { url } = await start({ startTokens, startTokenRateLimit: { max: 2 } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${url}/ct-protected-form/start-token`)).status);
    expect(statuses).toEqual([200, 200, 429]);
    const refused = await fetch(`${url}/ct-protected-form/start-token`);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('passes every request on when no start tokens are configured', async () => {
    const { url } = await start();
    expect((await fetch(`${url}/ct-protected-form/start-token`)).status).toBe(404);
  });
});

describe('Express middleware: hostile input gets a verdict or a clear 4xx, never a 5xx', () => {
  const cases: HostileBody[] = [
    ['an unsupported content type', '<a/>', { 'content-type': 'application/xml' }, 415],
    ['JSON without a JSON parser', '{"a":1}', { 'content-type': 'application/json' }, 415],
    ['a compressed form', 'x', { ...FORM, 'content-encoding': 'gzip' }, 415],
    ...HOSTILE_FORM_BODIES,
  ];
  for (const [name, body, headers, expected] of cases) {
    it(`${name} → ${expected}`, async () => {
      const { url } = await start({ bodyLimit: 4096, startTokens: createStartTokens({ secrets: [SECRET] }) });
      const response = await post(url, body, headers);
      if (expected === 'verdict') {
        expect([200, 403]).toContain(response.status);
        expect(local.server.requests).toHaveLength(1);
      } else {
        expect(response.status).toBe(expected);
        expect(local.server.requests).toHaveLength(0);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  }

  it('Express’s own error handler answers the status the middleware gives', async () => {
    const app = express();
    app.post(
      '/contact',
      ctProtectedForm({
        authKey: DEFAULT_AUTH_KEY,
        endpoint: local.server.apiUrl,
        startTokens: stubStartTokens,
      })(),
      (_req, res) => {
        res.send('ok');
      },
    );
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    expect((await post(url, '<a/>', { 'content-type': 'application/xml' })).status).toBe(415);
    expect((await post(url, new Uint8Array([0x61, 0x3d, 0xff]), FORM)).status).toBe(400);
  });

  it('a request aborted while an earlier middleware was busy → next(error) with 400, never a hang', async () => {
    const errors: { statusCode?: number; code?: string }[] = [];
    let resolve: (value: 'handled') => void = () => {};
    const handled = new Promise<'handled'>((settle) => {
      resolve = settle;
    });
    const app = express();
    // An earlier middleware still busy (a session store, say) when the visitor goes away.
    app.post('/contact', (req, _res, next) => {
      if (req.destroyed) next();
      else req.once('close', () => next());
    });
    app.post(
      '/contact',
      ctProtectedForm({ authKey: DEFAULT_AUTH_KEY, endpoint: local.server.apiUrl })(),
      (_req, res) => {
        res.send('ok');
      },
    );
    const onError: ErrorRequestHandler = (error, _req, res, _next) => {
      errors.push(error);
      resolve('handled');
      res.status(error.statusCode ?? 500).end();
    };
    app.use(onError);
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { connect } = await import('node:net');
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write(
      'POST /contact HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nemail=a',
    );
    // The visitor goes away before the body is complete.
    setTimeout(() => socket.destroy(), 50);
    const outcome = await Promise.race([
      handled,
      new Promise<'no answer'>((settle) => setTimeout(() => settle('no answer'), 2000)),
    ]);
    expect(outcome).toBe('handled');
    expect(errors).toMatchObject([{ statusCode: 400, code: 'CT_BAD_BODY' }]);
    expect(local.server.requests).toHaveLength(0);
  });

  it('a declared length over the limit → 413 before reading the body', async () => {
    const { url } = await start({ bodyLimit: 10 });
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${url}/contact`,
        { method: 'POST', headers: { ...FORM, 'content-length': '1000000' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write('email=a');
      // The rest of the announced megabyte is never sent: the answer must not wait for it.
    });
    expect(status).toBe(413);
  });
});
