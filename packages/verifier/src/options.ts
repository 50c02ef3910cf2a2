import { defaultTransport } from '#default-transport';
import { OptionsError } from './errors.js';
import type { CircuitBreakerOptions } from './transport/circuit-breaker.js';
import { fromFetch } from './transport/from-fetch.js';
import type { Transport } from './transport/transport.js';

/** What a check yields when CleanTalk could not be asked or gave no usable answer. */
export type FailMode = 'allow' | 'review' | 'block' | 'allow-if-js';

/** Where the verifier reports what the site owner must know about (never visitor data, never the key). */
export interface VerifierLogger {
  warn(message: string): void;
  error(message: string): void;
}

/** Options of {@link createVerifier}. Validated once, at construction. */
export interface VerifierOptions {
  /** The site's CleanTalk access key. Secret: it is sent to CleanTalk and nowhere else. */
  authKey: string;
  /**
   * The real-time API endpoint.
   * @default 'https://moderate.cleantalk.org/api2.0'
   */
  endpoint?: string | URL;
  /**
   * The database API endpoint (`spam_check`, `ip_info`, `notice_paid_till`).
   * @default 'https://api.cleantalk.org/'
   */
  databaseEndpoint?: string | URL;
  /**
   * How long one check may take, in milliseconds, retries included. A check always answers within
   * this time plus a few milliseconds, whatever the network does.
   * @default 3000
   */
  timeoutMs?: number;
  /**
   * What a check decides when CleanTalk could not verify it (timeout, network error, HTTP error,
   * unusable answer, licence error, open circuit breaker): `'review'` holds the submission for
   * moderation, `'allow'` publishes it, `'block'` rejects it. `'allow-if-js'` publishes it only when
   * it carried a valid signed start token (`startTokens`), and holds it for review otherwise: it
   * admits any client that fetched a token from your start-token route (within its rate limit and
   * session cookie) and waited `minAgeMs`, script or not, so unverified spam from such a bot is
   * published while CleanTalk is down. Without `startTokens` it holds everything, like `'review'`.
   * Every mode but `'block'` loses no submission.
   * @default 'review'
   */
  failMode?: FailMode;
  /**
   * Extra attempts when a check's request cannot have reached CleanTalk (the connection was refused,
   * or a kept-alive socket the server had closed died before any byte of the answer), while time
   * remains. A connection that breaks after the request may have been received is never retried:
   * the same check is never sent twice. With a custom `fetch`, which cannot tell the two apart,
   * checks and feedback are not retried at all.
   * @default 1
   */
  retries?: number;
  /**
   * How many calls to CleanTalk one verifier has in flight at most (and sockets the default
   * transport opens per host). Checks beyond it wait in line within their own deadline, so a
   * stalled CleanTalk costs at most this many sockets, however many visitors submit.
   * @default 64
   */
  maxConnections?: number;
  /**
   * Opens after `failures` consecutive failed checks: checks then answer by `failMode` at once,
   * without calling CleanTalk, until one probe after `openMs` succeeds. Its state changes are
   * logged with `logger.warn` and readable as `verifier.circuit`. `false` turns it off.
   * @default { failures: 5, openMs: 10000 }
   */
  circuitBreaker?: CircuitBreakerOptions | false;
  /**
   * The `fetch` used to reach CleanTalk. The default keeps connections alive and reuses them: on
   * Node a shared `node:http`/`node:https` client (a fraction of the CPU of Node 20's global
   * `fetch`), elsewhere the runtime's `fetch`. Pass `globalThis.fetch` to route calls through a
   * global undici dispatcher (e.g. an outgoing proxy). The Node default reads the answer as text,
   * without a WHATWG `Response` per call: a custom `fetch` costs more CPU per check.
   * @default a kept-alive node:http client on Node, else globalThis.fetch
   */
  fetch?: typeof globalThis.fetch;
  /**
   * The clock, in milliseconds since the epoch, used for `submit_time`.
   * @default Date.now
   */
  now?: () => number;
  /**
   * Where checks CleanTalk could not verify (with the endpoint URL and the HTTP status or cause) and
   * configuration problems (licence errors) are reported, each kind at most once a minute.
   * @default console (the Fastify plugin: the app's logger)
   */
  logger?: VerifierLogger;
  /**
   * `response_lang` asked of CleanTalk for its `comment`.
   * @default 'en'
   */
  responseLang?: string;
  /**
   * Whether the site's pages run CleanTalk's bot detector (they do wherever `<ct-protected-form>`
   * loads it): sent as `event_token_enabled` with every check, token or not. With it on, a check
   * without a token tells CleanTalk the token is missing, which is what a bot that skips the
   * detector looks like; `false` tells CleanTalk the site has no detector at all, so set it only
   * when your pages really load none (e.g. the widget's `detector-src` is switched off).
   * @default true
   */
  eventTokenEnabled?: boolean;
  /**
   * Send the page URL to CleanTalk with its query string and fragment. Off by default: a query
   * may carry a visitor's e-mail, a password-reset or login token, or what they searched for.
   * Turn it on when your pages are told apart by their query (`/index.php?p=42`).
   * @default false
   */
  sendPageQuery?: boolean;
}

/** The options after defaults and validation. */
export interface ResolvedOptions {
  authKey: string;
  endpoint: URL;
  databaseEndpoint: URL;
  timeoutMs: number;
  failMode: FailMode;
  retries: number;
  maxConnections: number;
  circuitBreaker: CircuitBreakerOptions | false;
  /** The `fetch` option through `fromFetch()`, or the default transport. */
  transport: Transport;
  now: () => number;
  logger: VerifierLogger;
  responseLang: string;
  eventTokenEnabled: boolean;
  sendPageQuery: boolean;
}

export const DEFAULT_ENDPOINT = 'https://moderate.cleantalk.org/api2.0';
export const DEFAULT_DATABASE_ENDPOINT = 'https://api.cleantalk.org/';
export const DEFAULT_TIMEOUT_MS = 3000;
export const DEFAULT_MAX_CONNECTIONS = 64;
const MAX_TIMEOUT_MS = 120_000;
const FAIL_MODES: readonly FailMode[] = ['allow', 'review', 'block', 'allow-if-js'];

/** Merges defaults into `options` and validates every value, throwing an {@link OptionsError} that names the option. */
export function resolveOptions(options: VerifierOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new OptionsError('options', `expected an object, got ${describe(options)}`);
  }
  const maxConnections = validateInteger(
    'maxConnections',
    options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    1,
    10_000,
  );
  return {
    authKey: validateAuthKey(options.authKey),
    endpoint: validateUrl('endpoint', options.endpoint ?? DEFAULT_ENDPOINT),
    databaseEndpoint: validateUrl('databaseEndpoint', options.databaseEndpoint ?? DEFAULT_DATABASE_ENDPOINT),
    timeoutMs: validateInteger('timeoutMs', options.timeoutMs ?? DEFAULT_TIMEOUT_MS, 1, MAX_TIMEOUT_MS),
    failMode: validateFailMode(options.failMode ?? 'review'),
    retries: validateInteger('retries', options.retries ?? 1, 0, 5),
    maxConnections,
    circuitBreaker: options.circuitBreaker ?? {},
    transport:
      options.fetch === undefined
        ? defaultTransport(maxConnections)
        : fromFetch(validateFunction('fetch', options.fetch)),
    now: validateFunction('now', options.now ?? Date.now),
    logger: validateLogger(options.logger ?? console),
    responseLang: validateLang(options.responseLang ?? 'en'),
    eventTokenEnabled: validateBoolean('eventTokenEnabled', options.eventTokenEnabled ?? true),
    sendPageQuery: validateBoolean('sendPageQuery', options.sendPageQuery ?? false),
  };
}

/**
 * A well-formed key is printable ASCII without spaces. The message never repeats the key, not even
 * a wrong one: it may be a real key pasted into the wrong place.
 */
export function validateAuthKey(value: unknown): string {
  if (value === undefined || value === null || value === '') {
    throw new OptionsError(
      'authKey',
      'the CleanTalk access key is missing (set it from your environment, e.g. CLEANTALK_AUTH_KEY)',
    );
  }
  if (typeof value !== 'string')
    throw new OptionsError('authKey', `expected a string, got ${describe(value)}`);
  if (value !== value.trim()) {
    throw new OptionsError('authKey', 'the key has leading or trailing white space (value not shown)');
  }
  if (!/^[\x21-\x7e]{1,128}$/.test(value)) {
    throw new OptionsError(
      'authKey',
      `expected 1 to 128 printable ASCII characters without spaces, got ${value.length} characters (value not shown)`,
    );
  }
  return value;
}

export function validateUrl(option: string, value: unknown): URL {
  if (!(typeof value === 'string' || value instanceof URL)) {
    throw new OptionsError(option, `expected a URL string, got ${describe(value)}`);
  }
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new OptionsError(option, `${JSON.stringify(String(value))} is not an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new OptionsError(option, `expected an http: or https: URL, got ${JSON.stringify(url.protocol)}`);
  }
  if (url.username || url.password) {
    throw new OptionsError(option, 'the URL must not carry credentials');
  }
  return url;
}

/** A whole number from `min` to `max`, or an {@link OptionsError} naming `option`. */
export function validateInteger(option: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new OptionsError(option, `expected a whole number from ${min} to ${max}, got ${describe(value)}`);
  }
  return value;
}

function validateFailMode(value: unknown): FailMode {
  if (!FAIL_MODES.includes(value as FailMode)) {
    throw new OptionsError('failMode', `expected one of ${FAIL_MODES.join(', ')}, got ${describe(value)}`);
  }
  return value as FailMode;
}

export function validateFunction<T>(option: string, value: T): T {
  if (typeof value !== 'function')
    throw new OptionsError(option, `expected a function, got ${describe(value)}`);
  return value;
}

function validateBoolean(option: string, value: unknown): boolean {
  if (typeof value !== 'boolean')
    throw new OptionsError(option, `expected true or false, got ${describe(value)}`);
  return value;
}

function validateLogger(value: unknown): VerifierLogger {
  const logger = value as VerifierLogger | null;
  if (!logger || typeof logger.warn !== 'function' || typeof logger.error !== 'function') {
    throw new OptionsError('logger', 'expected an object with warn() and error() methods');
  }
  return logger;
}

function validateLang(value: unknown): string {
  if (typeof value !== 'string' || !/^[a-z]{2}$/.test(value)) {
    throw new OptionsError('responseLang', `expected a two-letter language code, got ${describe(value)}`);
  }
  return value;
}

/** A short, safe description of a bad option value for an error message. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string')
    return value.length > 60 ? `a ${value.length}-character string` : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
