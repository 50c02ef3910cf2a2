import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_AUTH_KEY } from '@ct-protected-form/devserver';
import { FIELDS } from '@ct-protected-form/fields';
import { createStartTokens, OptionsError, type Verdict } from '@ct-protected-form/verifier';
import {
  createRequestProtector,
  type ProtectCallOptions,
  type RequestProtectorOptions,
} from '@ct-protected-form/verifier/fetch';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { HOSTILE_FORM_BODIES, type HostileBody } from '../helpers/hostile-bodies.js';
import { useLocalCleanTalk } from '../helpers/local-cleantalk.js';
import { serveWeb } from '../helpers/web-server.js';
import {
  CONTRACT_FIELD,
  contactForm,
  multipart,
  stubStartTokens,
  urlencoded,
} from '../helpers/widget-form.js';

let close: (() => Promise<void>) | undefined;

const local = useLocalCleanTalk([DEFAULT_AUTH_KEY]);
afterEach(async () => {
  await close?.();
  close = undefined;
});

const SECRET = 'fetch-test-secret-0123456789abcdef00';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

interface Seen {
  fields: Record<string, unknown>;
  verdict: Verdict;
}

/**
 * A server whose POST /contact runs the protector the way a route handler would: answer the
 * ready-made response if there is one, else handle the fields.
 */
async function start(
  options: Partial<RequestProtectorOptions> = {},
  call: ProtectCallOptions = { commentType: 'contact' },
) {
  const seen: Seen[] = [];
  const protect = createRequestProtector({
    authKey: DEFAULT_AUTH_KEY,
    endpoint: local.server.apiUrl,
    timeoutMs: 1000,
    logger: { warn() {}, error() {} },
    startTokens: stubStartTokens,
    ...options,
  });
  const server = await serveWeb(async (request, { remoteAddress }) => {
    const token = await protect.handleStartToken(request, { ip: remoteAddress });
    if (token) return token;
    const { verdict, fields, response } = await protect(request, { ...call, ip: call.ip ?? remoteAddress });
    if (response) return response;
    expectTypeOf(verdict).toEqualTypeOf<Verdict>();
    expectTypeOf(fields).toEqualTypeOf<Record<string, unknown>>();
    seen.push({ fields: { ...fields }, verdict });
    return Response.json({ ok: true, decision: verdict.decision });
  });
  close = server.close;
  return { url: server.url, seen, protect };
}

const post = (url: string, body: BodyInit, headers: Record<string, string> = FORM) =>
  fetch(`${url}/contact`, { method: 'POST', headers, body });
const sent = () => local.server.lastRequest('check_message')?.body as Record<string, unknown>;

describe('createRequestProtector', () => {
  it('checks a urlencoded form and returns the verdict with the fields minus the hidden ones', async () => {
    const { url, seen } = await start();
    const response = await post(url, urlencoded(contactForm()), {
      ...FORM,
      'user-agent': 'Mozilla/5.0 Test',
    });
    expect(await response.json()).toEqual({ ok: true, decision: 'allow' });
    expect(seen[0]?.fields).toEqual({
      email: 'ann@example.com',
      name: 'Ann',
      message: 'What a lovely garden.',
    });
    expect(sent()).toMatchObject({ sender_ip: '127.0.0.1', sender_email: 'ann@example.com', js_on: 1 });
    expect(JSON.parse(sent().all_headers as string)['user-agent']).toBe('Mozilla/5.0 Test');
  });

  it('reads multipart forms and JSON objects', async () => {
    const { url, seen } = await start();
    const { body, contentType } = await multipart(contactForm(), { photo: new File(['rose'], 'rose.txt') });
    await post(url, new Uint8Array(body), { 'content-type': contentType });
    await post(url, JSON.stringify(contactForm()), { 'content-type': 'application/json' });
    expect(seen.map((s) => s.verdict.decision)).toEqual(['allow', 'allow']);
    expect(seen[0]?.fields.photo).toBeInstanceOf(File);
    for (const { fields } of seen)
      expect(Object.keys(fields).some((k) => CONTRACT_FIELD.test(k))).toBe(false);
  });

  it('returns a ready 403 response for a blocked submission', async () => {
    const { url, seen } = await start();
    const form = urlencoded(contactForm({ email: 'stop_email@example.com' }));
    const html = await post(url, form, { ...FORM, accept: 'text/html' });
    expect(html.status).toBe(403);
    expect(await html.text()).toContain('<p>Forbidden. Sender blacklisted.</p>');
    const json = await post(url, form, { ...FORM, accept: 'application/json' });
    expect(await json.json()).toMatchObject({ statusCode: 403, code: 'CT_BLOCKED' });
    expect(seen).toHaveLength(0);
  });

  it('builds the blocked response with onBlocked when given', async () => {
    const { url } = await start({
      onBlocked: (_request, verdict) => Response.json({ no: verdict.reason }, { status: 451 }),
    });
    const response = await post(url, urlencoded(contactForm({ email: 'stop_email@example.com' })));
    expect(response.status).toBe(451);
    expect(await response.json()).toEqual({ no: 'Forbidden. Sender blacklisted.' });
  });

  it('falls back to the default 403 when onBlocked returns no Response', async () => {
    const { url } = await start({ onBlocked: () => undefined as unknown as Response });
    const response = await post(url, urlencoded(contactForm({ email: 'stop_email@example.com' })));
    expect(response.status).toBe(403);
  });

  it('takes the IP from the call, else from getIp, and never from X-Forwarded-For on its own', async () => {
    const warnings: string[] = [];
    const protect = createRequestProtector({
      authKey: DEFAULT_AUTH_KEY,
      endpoint: local.server.apiUrl,
      getIp: (request) => request.headers.get('cf-connecting-ip'),
      logger: { warn: (message) => warnings.push(message), error() {} },
    });
    const request = (headers: Record<string, string>) =>
      new Request('https://site.example/contact', {
        method: 'POST',
        headers: { ...FORM, 'x-forwarded-for': '198.51.100.1', ...headers },
        body: urlencoded(contactForm()),
      });
    await protect(request({ 'cf-connecting-ip': '203.0.113.40' }));
    expect(sent().sender_ip).toBe('203.0.113.40');
    await protect(request({ 'cf-connecting-ip': '203.0.113.40' }), { ip: '203.0.113.41' });
    expect(sent().sender_ip).toBe('203.0.113.41');
    const checks = local.server.requests.length;
    const noIp = await protect(request({}));
    expect(noIp.verdict).toBeNull();
    expect(noIp.response?.status).toBe(400);
    expect(await noIp.response?.json()).toMatchObject({ code: 'CT_NO_CLIENT_IP', message: /getIp/ });
    await protect(request({}));
    expect(local.server.requests.length).toBe(checks);
    expect(warnings.filter((w) => w.includes('getIp returned no client address'))).toHaveLength(1);

    const withoutGetIp = createRequestProtector({ authKey: DEFAULT_AUTH_KEY, endpoint: local.server.apiUrl });
    await expect(withoutGetIp(request({}))).rejects.toThrow(/pass \{ ip \}/);
    const bad = await withoutGetIp(request({}), { ip: 'not-an-ip' });
    expect(bad.verdict).toBeNull();
    expect(bad.response?.status).toBe(400);
  });

  it('warns once when getIp gives a local address and the request carries X-Forwarded-For', async () => {
    const warnings: string[] = [];
    const protect = createRequestProtector({
      authKey: DEFAULT_AUTH_KEY,
      endpoint: local.server.apiUrl,
      getIp: () => '10.0.0.5',
      logger: { warn: (message) => warnings.push(message), error() {} },
    });
    const request = (headers: Record<string, string>) =>
      new Request('https://site.example/contact', {
        method: 'POST',
        headers: { ...FORM, ...headers },
        body: urlencoded(contactForm()),
      });
    await protect(request({}));
    expect(warnings).toHaveLength(0);
    await protect(request({ 'x-forwarded-for': '198.51.100.1' }));
    await protect(request({ 'x-forwarded-for': '198.51.100.2' }));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/10\.0\.0\.5.*X-Forwarded-For.*getIp/);
  });

  it('applies the per-call route configuration', async () => {
    const { url } = await start({}, { method: 'check_newuser', fields: { email: 'login' } });
    await post(url, urlencoded({ ...contactForm(), login: 'zoe@example.com' }));
    expect(local.server.lastRequest('check_newuser')?.body).toMatchObject({
      sender_email: 'zoe@example.com',
    });
  });

  it('validates its options when created, and a call’s configuration when used', async () => {
    expect(() => createRequestProtector({ authKey: '' })).toThrow(OptionsError);
    expect(() => createRequestProtector({ authKey: DEFAULT_AUTH_KEY, getIp: 'x-real-ip' as never })).toThrow(
      /getIp/,
    );
    expect(() => createRequestProtector({ authKey: DEFAULT_AUTH_KEY, bodyLimit: -1 })).toThrow(/bodyLimit/);
    const protect = createRequestProtector({ authKey: DEFAULT_AUTH_KEY });
    await expect(
      protect(new Request('http://x/', { method: 'POST' }), { ip: '203.0.113.1', method: 'nope' as never }),
    ).rejects.toThrow(/options\.method/);
  });

  it('imports nothing Node-specific or framework-specific, so it runs in Workers, Deno and Bun', () => {
    const src = join(dirname(fileURLToPath(import.meta.url)), '../../src');
    const seen = new Set<string>();
    const external = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const [, spec] of readFileSync(file, 'utf8').matchAll(
        /(?:^|\n)(?:import|export)[^;]*?from '([^']+)'/g,
      )) {
        if (spec?.startsWith('.')) visit(join(dirname(file), spec.replace(/\.js$/, '.ts')));
        // The package's import map: Workers and browsers take its non-Node branch.
        else if (spec?.startsWith('#'))
          visit(join(src, '..', packageJson.imports[spec as '#default-transport'].source.default));
        else if (spec) external.add(spec);
      }
    };
    visit(join(src, 'adapters/web/index.ts'));
    expect(seen.size).toBeGreaterThan(10);
    expect([...external]).toEqual(['@ct-protected-form/fields']);
    expect(seen.has(join(src, 'transport/default-transport.ts'))).toBe(true);
  });
});

describe('createRequestProtector: start tokens', () => {
  it('answers the token route and accepts each token once', async () => {
    let clock = Date.now();
    const now = () => clock;
    const startTokens = createStartTokens({ secrets: [SECRET], now });
    const { url, seen, protect } = await start({ startTokens, now });
    const tokenResponse = await fetch(`${url}/ct-protected-form/start-token`);
    expect(tokenResponse.status).toBe(200);
    expect(tokenResponse.headers.get('cache-control')).toBe('no-store');
    const cookie = (tokenResponse.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(cookie).toMatch(/^ct_pf_session=[\w-]{22}$/);
    const { token } = await tokenResponse.json();
    clock += 9_000;
    const form = () =>
      urlencoded(
        contactForm({ [FIELDS.startToken]: token, [FIELDS.eventToken]: local.server.issueEventToken() }),
      );
    await post(url, form(), { ...FORM, cookie });
    await post(url, form(), { ...FORM, cookie });
    expect(seen.map((s) => [s.verdict.decision, s.verdict.startTime])).toEqual([
      ['allow', { source: 'signed', submitTimeSeconds: 9 }],
      ['review', { source: 'none', problem: 'replayed' }],
    ]);
    // Without the request: an unbound token, no cookie.
    const direct = await protect.startTokenResponse();
    expect(direct.headers.get('set-cookie')).toBeNull();
    expect(await direct.json()).toEqual({ token: expect.stringMatching(/^[A-Za-z0-9_-]{100}$/) });
  });

  it('limits tokens per client address with 429 and Retry-After', async () => {
    const startTokens = createStartTokens({ secrets: [SECRET] });
    const { url } = await start({ startTokens, startTokenRateLimit: { max: 1, windowMs: 30_000 } });
    expect((await fetch(`${url}/ct-protected-form/start-token`)).status).toBe(200);
    const refused = await fetch(`${url}/ct-protected-form/start-token`);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('30');
  });

  it('refuses to answer tokens it cannot issue', async () => {
    const protect = createRequestProtector({ authKey: DEFAULT_AUTH_KEY });
    await expect(protect.startTokenResponse()).rejects.toBeInstanceOf(OptionsError);
    expect(
      await protect.handleStartToken(new Request('http://x/ct-protected-form/start-token')),
    ).toBeUndefined();
  });
});

describe('createRequestProtector: hostile input gets a verdict or a clear 4xx, never a 5xx', () => {
  const cases: HostileBody[] = [
    ['an unsupported content type', '<a/>', { 'content-type': 'application/xml' }, 415],
    ['no content type', 'email=a', {}, 415],
    ['a compressed body', 'x', { ...FORM, 'content-encoding': 'br' }, 415],
    ['malformed JSON', '{"a":', { 'content-type': 'application/json' }, 400],
    ['a JSON array', '[1,2]', { 'content-type': 'application/json' }, 400],
    [
      'JSON with __proto__',
      '{"__proto__":{"polluted":1},"email":"a@b.c"}',
      { 'content-type': 'application/json' },
      400,
    ],
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
        expect((await response.json()).statusCode).toBe(expected);
        expect(local.server.requests).toHaveLength(0);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  }
});
