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

/** A header name as HTTP allows it, up to a length no real header comes near. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]{1,100}$/i;
const MAX_HEADER_NAME_LENGTH = 100;

/**
 * What scrubbing decided per header name: its lower-case key, or `null` when it is dropped. The
 * same few dozen names come with every request; the cache is emptied when full, so names a client
 * makes up cost it the checks again, never more than a thousand short names of memory.
 */
const keys = new Map<string, string | null>();
const MAX_CACHED_NAMES = 1_000;

function keyToSend(name: string): string | null {
  // Longer than any name HTTP allows here: dropped, and never held in the cache.
  if (name.length > MAX_HEADER_NAME_LENGTH) return null;
  let key = keys.get(name);
  if (key === undefined) {
    key = HEADER_NAME.test(name) && !isSecretHeader(name) ? name.toLowerCase() : null;
    if (keys.size >= MAX_CACHED_NAMES) keys.clear();
    keys.set(name, key);
  }
  return key;
}

/**
 * The visitor's headers as a plain object with lower-case names, secrets removed, repeated values
 * joined, sizes capped. Safe to send as `all_headers`.
 */
export function scrubHeaders(input: HeadersInput | undefined): Record<string, string> {
  return { ...scrubbedHeaders(input) };
}

/** {@link scrubHeaders} as a prototype-free object, for the request body: no copy. */
export function scrubbedHeaders(input: HeadersInput | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  let count = 0;
  const add = (name: unknown, value: unknown): boolean => {
    if (count >= LIMITS.headers) return false;
    const key = typeof name === 'string' ? keyToSend(name) : null;
    if (key === null) return true;
    const text = toText(value, LIMITS.headerValue, ', ');
    if (text === undefined) return true;
    out[key] = key in out ? `${out[key]}, ${text}` : text;
    count++;
    return true;
  };
  const record = asRecord(input);
  if (record) {
    for (const name of Object.keys(record)) if (!add(name, record[name])) break;
  } else {
    for (const [name, value] of headerEntries(input)) if (!add(name, value)) break;
  }
  return out;
}

/** Reads one header (case-insensitive) from any input shape. */
export function getHeader(
  input: HeadersInput | undefined,
  name: string,
  limit: number = LIMITS.headerValue,
): string | undefined {
  const wanted = name.toLowerCase();
  const record = asRecord(input);
  if (record) {
    // The first name that matches, as for the other shapes; the length rules most out unlowered.
    for (const key of Object.keys(record)) {
      if (key.length === wanted.length && (key === wanted || key.toLowerCase() === wanted))
        return toText(record[key], limit, ', ');
    }
    return undefined;
  }
  for (const [key, value] of headerEntries(input)) {
    if (typeof key === 'string' && key.toLowerCase() === wanted) return toText(value, limit, ', ');
  }
  return undefined;
}

/** The input when it is a plain record of headers (Node's, Fastify's, Express's), else undefined. */
function asRecord(input: HeadersInput | undefined): Record<string, unknown> | undefined {
  if (!input || typeof input !== 'object') return undefined;
  const proto = Object.getPrototypeOf(input);
  return (proto === null || proto === Object.prototype) && !(Symbol.iterator in input)
    ? (input as Record<string, unknown>)
    : undefined;
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
