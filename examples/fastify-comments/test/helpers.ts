import { DEFAULT_AUTH_KEY, type DevServer, startDevServer } from '@ct-protected-form/devserver';
import { FIELDS } from '@ct-protected-form/fields';
import { createStartTokens, type StartTokens } from '@ct-protected-form/verifier';
import { hashSync } from '@node-rs/argon2';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { type AppConfig, buildApp } from '../src/app.js';

export const SECRET = 'a-test-secret-that-is-at-least-32-bytes-long';

export const ADMIN_USER = 'moderator';
export const ADMIN_PASSWORD = 'correct horse battery staple';

/** The admin area's configuration the tests run with. */
export const ADMIN: AppConfig['admin'] = {
  credentials: { user: ADMIN_USER, passwordHash: hashSync(ADMIN_PASSWORD) },
  sessionSecret: 'a-session-secret-that-is-at-least-32-bytes',
};

export interface Harness {
  devserver: DevServer;
  app: FastifyInstance;
  /** A logged-in administrator. */
  admin: AdminSession;
  close(): Promise<void>;
}

/** An administrator's browser: the session cookie, and the CSRF token the admin pages carry. */
export interface AdminSession {
  /** `cookie` and `csrf-token` headers: what a logged-in browser's form sends. */
  headers: Record<string, string>;
  cookie: string;
  csrfToken: string;
  get(url: string): Promise<LightMyRequestResponse>;
  /** Posts a urlencoded form with the session cookie and the CSRF token (`_csrf`). */
  post(url: string, fields: Record<string, string>): Promise<LightMyRequestResponse>;
}

/** The `name=value` of the admin session cookie a response sets. */
export function sessionCookie(response: LightMyRequestResponse): string | undefined {
  const header = response.headers['set-cookie'];
  const cookies = Array.isArray(header) ? header : header ? [header] : [];
  return cookies.map((cookie) => /^admin_session=[^;]+/.exec(cookie)?.[0]).find(Boolean);
}

/** The CSRF token of the first form in a page. */
export function csrfToken(body: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(body)?.[1];
  if (!token) throw new Error('the page has no CSRF token');
  return token;
}

/** Logs in through the login form, as a browser does. */
export async function loginAsAdmin(app: FastifyInstance): Promise<AdminSession> {
  const form = await app.inject('/login');
  const login = await app.inject({
    method: 'POST',
    url: '/login',
    headers: { cookie: sessionCookie(form) ?? '', 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      _csrf: csrfToken(form.body),
      user: ADMIN_USER,
      password: ADMIN_PASSWORD,
      next: '/moderation',
    }).toString(),
  });
  const cookie = sessionCookie(login);
  if (login.statusCode !== 303 || !cookie) throw new Error(`login failed with ${login.statusCode}`);
  const token = csrfToken((await app.inject({ url: '/moderation', headers: { cookie } })).body);
  return {
    headers: { cookie, 'csrf-token': token },
    cookie,
    csrfToken: token,
    get: (url) => app.inject({ url, headers: { cookie } }),
    post: (url, fields) =>
      app.inject({
        method: 'POST',
        url,
        headers: {
          cookie,
          'content-type': 'application/x-www-form-urlencoded',
          'user-agent': 'Mozilla/5.0 (test)',
        },
        payload: new URLSearchParams({ _csrf: token, ...fields }).toString(),
      }),
  };
}

/** A fresh app (data in memory) against a fresh devserver. */
export async function startHarness(config: Partial<AppConfig> = {}): Promise<Harness> {
  const devserver = await startDevServer();
  const app = await buildApp({
    authKey: DEFAULT_AUTH_KEY,
    endpoint: devserver.apiUrl,
    detectorSrc: devserver.detectorUrl,
    startTokenSecret: SECRET,
    admin: ADMIN,
    ...config,
  });
  return {
    devserver,
    app,
    admin: await loginAsAdmin(app),
    async close() {
      await app.close();
      await devserver.close();
    },
  };
}

/**
 * The hidden fields `<ct-protected-form>` writes, as a browser that ran it for `seconds` would
 * send them, with a valid detector token from the devserver and a start token signed with the
 * app's secret `seconds` ago (as a server-rendered page would carry it: bound to no session).
 */
export async function widgetFields(devserver: DevServer, seconds = 10): Promise<Record<string, string>> {
  const submittedAt = Date.now();
  const startedAt = String(submittedAt - seconds * 1000);
  return {
    [FIELDS.startToken]: await issuerFor(seconds).issue(),
    [FIELDS.eventToken]: devserver.issueEventToken(),
    [FIELDS.startedAt]: startedAt,
    [FIELDS.submittedAt]: String(submittedAt),
    [FIELDS.timeZone]: 'Europe/Berlin',
    [FIELDS.tzOffset]: '60',
    [FIELDS.pageUrl]: 'http://localhost/posts/tomatoes-on-a-balcony',
    [FIELDS.referrer]: 'http://localhost/',
  };
}

/** Issuers whose clock runs `seconds` behind, one per delay: their signing key is imported once. */
const issuers = new Map<number, StartTokens>();
function issuerFor(seconds: number): StartTokens {
  let issuer = issuers.get(seconds);
  if (!issuer) {
    issuer = createStartTokens({ secrets: [SECRET], now: () => Date.now() - seconds * 1000 });
    issuers.set(seconds, issuer);
  }
  return issuer;
}

/** Posts a urlencoded form through `app.inject()`. */
export function postForm(
  app: FastifyInstance,
  url: string,
  fields: Record<string, string>,
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'Mozilla/5.0 (test)' },
    payload: new URLSearchParams(fields).toString(),
  });
}

/** The JSON body of the devserver's newest request with this method. */
export function lastBody(devserver: DevServer, method: string): Record<string, unknown> {
  const body = devserver.lastRequest(method)?.body;
  if (!body || typeof body !== 'object') throw new Error(`the devserver received no ${method}`);
  return body as Record<string, unknown>;
}
