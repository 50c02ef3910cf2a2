import { LIMITS } from '../check/submission.js';
import { encodeBase64Url } from './base64url.js';

/** The cookie an adapter's start-token route sets, unless `cookieName` says otherwise. */
export const DEFAULT_SESSION_COOKIE = 'ct_pf_session';

const SESSION_BYTES = 16;
const SESSION_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/** A new random session id: 128 bits, base64url. */
export function newSessionId(): string {
  return encodeBase64Url(crypto.getRandomValues(new Uint8Array(SESSION_BYTES)));
}

/** True for a value {@link newSessionId} could have made. */
export function isSessionId(value: unknown): value is string {
  return typeof value === 'string' && SESSION_PATTERN.test(value);
}

/**
 * The session id in a `Cookie` header, or `undefined` when it is absent or not one we could have
 * set. Reads the header as browsers send it (`a=1; b=2`) without decoding anything.
 */
export function readSessionCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.slice(0, LIMITS.cookieHeader).split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    if (isSessionId(value)) return value;
  }
  return undefined;
}

/**
 * The `Set-Cookie` value of a session cookie: `HttpOnly` (no script reads it), `SameSite=Lax`
 * (other sites' forms do not carry it), `Path=/`, `Secure` on HTTPS, and no `Max-Age`: it ends
 * with the browser session, like the page it belongs to.
 */
export function sessionCookieHeader(name: string, value: string, secure: boolean): string {
  return `${name}=${value}; Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}
