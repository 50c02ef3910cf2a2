import type { StartTokenAnswer } from '@ct-protected-form/fields';
import type { PlainResponse } from '../adapters/shared/blocked-response.js';
import type { IssueLimiter } from './rate-limit.js';
import { newSessionId, readSessionCookie, sessionCookieHeader } from './session-cookie.js';
import type { StartTokenVerifier } from './start-token-verifier.js';
import type { StartTokens } from './start-tokens.js';

export { DEFAULT_START_TOKEN_PATH } from '@ct-protected-form/fields';

/** True when `tokens` can issue, not only verify (i.e. it came from `createStartTokens`). */
export function canIssue(tokens: StartTokenVerifier | undefined): tokens is StartTokens {
  return typeof (tokens as Partial<StartTokens> | undefined)?.issue === 'function';
}

/** The start-token route an adapter serves. */
export interface StartTokenRoute {
  path: string;
  tokens: StartTokens;
  /** Counts requests per client address; absent when `startTokenRateLimit` is `false`. */
  limiter?: IssueLimiter;
  /** Binds each token to a session cookie the route sets. */
  cookie: boolean;
}

/** What the route needs to know of one request. */
export interface StartTokenRequest {
  /** The client address as the framework resolved it; without one, no rate limit applies. */
  ip: string | undefined;
  /** The request's `Cookie` header. */
  cookie: string | undefined;
  /** The request came over HTTPS: the cookie gets `Secure`. */
  secure: boolean;
}

const HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
} as const;

/**
 * The answer of the start-token route: `{"token":"…"}`, never cached, with the session cookie set
 * when the request had none; or `429` with `Retry-After` once the address has fetched its limit.
 */
export async function startTokenResponse(
  route: StartTokenRoute,
  request: StartTokenRequest,
): Promise<PlainResponse> {
  const retryAfter = route.limiter && request.ip ? route.limiter.take(request.ip) : 0;
  if (retryAfter > 0) {
    return {
      status: 429,
      headers: { ...HEADERS, 'retry-after': String(retryAfter) },
      body: JSON.stringify({
        statusCode: 429,
        code: 'CT_START_TOKEN_RATE_LIMIT',
        error: 'Too Many Requests',
        message: `Too many start tokens for this address; retry in ${retryAfter} s.`,
      }),
    };
  }
  if (!route.cookie) {
    return {
      status: 200,
      headers: { ...HEADERS },
      body: JSON.stringify({ token: await route.tokens.issue() } satisfies StartTokenAnswer),
    };
  }
  const name = route.tokens.cookieName;
  let session = readSessionCookie(request.cookie, name);
  const headers: Record<string, string> = { ...HEADERS };
  if (!session) {
    session = newSessionId();
    headers['set-cookie'] = sessionCookieHeader(name, session, request.secure);
  }
  return {
    status: 200,
    headers,
    body: JSON.stringify({ token: await route.tokens.issue({ session }) } satisfies StartTokenAnswer),
  };
}
