import { type HeadersInput, LIMITS, toText } from './submission.js';

/** Headers that carry credentials or session state: never sent to CleanTalk. */
const SECRET_HEADERS = new Set([
  'cookie',
  'set-cookie',
  'authorization',
  'proxy-authorization',
  'x-csrf-token',
  'x-xsrf-token',
  'x-api-key',
  'api-key',
  'x-auth-token',
  'x-access-token',
  'x-forwarded-client-cert',
]);

/**
 * Any header whose name contains one of these is treated as a secret too: credentials, and the
 * identity and session headers cloud proxies and identity-aware gateways add (`x-amzn-oidc-data`,
 * `x-ms-client-principal`, `cf-access-jwt-assertion`, `x-ssl-client-cert`, `x-session-id`…).
 */
const SECRET_PARTS = [
  'token',
  'secret',
  'signature',
  'api-key',
  'apikey',
  'auth',
  'jwt',
  'session',
  'cert',
  'principal',
  'oidc',
  'password',
  'csrf',
  'xsrf',
  'cookie',
];

/** The parts as one pattern: one scan of a header name instead of one per part. */
const SECRET_PART = new RegExp(SECRET_PARTS.join('|'));

/** True when a header must not leave the server. */
export function isSecretHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return SECRET_HEADERS.has(lower) || SECRET_PART.test(lower);
}

/**
 * The visitor's headers as a plain object with lower-case names, secrets removed, repeated values
 * joined, sizes capped. Safe to send as `all_headers`.
 */
export function scrubHeaders(input: HeadersInput | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  let count = 0;
  for (const [name, value] of headerEntries(input)) {
    if (count >= LIMITS.headers) break;
    if (typeof name !== 'string' || !/^[!#$%&'*+.^_`|~0-9a-z-]{1,100}$/i.test(name)) continue;
    if (isSecretHeader(name)) continue;
    const text = toText(value, LIMITS.headerValue, ', ');
    if (text === undefined) continue;
    const key = name.toLowerCase();
    out[key] = key in out ? `${out[key]}, ${text}` : text;
    count++;
  }
  return { ...out };
}

/** Reads one header (case-insensitive) from any input shape. */
export function getHeader(input: HeadersInput | undefined, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of headerEntries(input)) {
    if (typeof key === 'string' && key.toLowerCase() === wanted)
      return toText(value, LIMITS.headerValue, ', ');
  }
  return undefined;
}

function* headerEntries(input: HeadersInput | undefined): Iterable<readonly [unknown, unknown]> {
  if (!input || typeof input !== 'object') return;
  if (typeof Headers !== 'undefined' && input instanceof Headers) {
    yield* input.entries();
    return;
  }
  if (Symbol.iterator in input && typeof (input as Iterable<unknown>)[Symbol.iterator] === 'function') {
    for (const pair of input as Iterable<unknown>) {
      if (Array.isArray(pair) && pair.length >= 2) yield [pair[0], pair[1]];
    }
    return;
  }
  for (const key of Object.keys(input)) yield [key, (input as Record<string, unknown>)[key]];
}
