/** The key every devserver accepts unless `authKeys` says otherwise. */
export const DEFAULT_AUTH_KEY = 'ct-devserver-key';

/**
 * Keys that are always recognised and answer a licence problem instead of a verdict, so a client's
 * handling of a broken account can be tested. They are never "accepted" keys.
 */
export const SPECIAL_KEYS = {
  'ct-devserver-trial-expired': 'TRIAL_EXPIRED',
  'ct-devserver-disabled': 'SERVICE_DISABLED',
  'ct-devserver-freezed': 'SERVICE_FREEZED',
} as const;

export type SpecialKey = keyof typeof SPECIAL_KEYS;

/** Options of {@link startDevServer}. All are optional. */
export interface DevServerOptions {
  /**
   * TCP port to listen on; `0` picks a free one (read it back from `server.url`).
   * @default 0
   */
  port?: number;
  /**
   * Address to listen on. Keep it on loopback: this server is for tests and offline development.
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * Access keys the server accepts. Any other key answers `KEY_NOT_FOUND` (real-time API) or an
   * error (database API).
   * @default ['ct-devserver-key']
   */
  authKeys?: readonly string[];
  /**
   * Milliseconds the stand-in bot detector waits before it adds its token to the page's forms.
   * A page can override it with `?delay=<ms>` on the wrapper URL.
   * @default 0
   */
  detectorDelayMs?: number;
  /**
   * Answer some numeric fields as strings (`"spam": "1"`, `"bot_expectation": "0.1"`), the way
   * CleanTalk's servers sometimes do, so clients are forced to coerce.
   * @default true
   */
  stringNumbers?: boolean;
  /**
   * Sender IPs that are always allowed (`ALLOWED_PRIV_LIST`).
   * @default []
   */
  allowIps?: readonly string[];
  /**
   * Sender emails that are always allowed (`ALLOWED_PRIV_LIST`), compared case-insensitively.
   * @default []
   */
  allowEmails?: readonly string[];
  /**
   * Sender IPs that are always denied (`DENIED_PRIV_LIST`).
   * @default []
   */
  denyIps?: readonly string[];
  /**
   * Sender emails that are always denied (`DENIED_PRIV_LIST`), compared case-insensitively.
   * @default []
   */
  denyEmails?: readonly string[];
  /**
   * Database API calls allowed per access key per minute, per method.
   * @default { spamCheck: 100, ipInfo: 10 }
   */
  rateLimitPerMinute?: { spamCheck?: number; ipInfo?: number };
  /**
   * How many requests `server.requests` keeps; the oldest are dropped first.
   * @default 1000
   */
  maxRecorded?: number;
  /**
   * Largest request body accepted; bigger bodies are answered with HTTP 413.
   * @default 2097152 (2 MiB)
   */
  maxBodyBytes?: number;
  /**
   * Do not write a line per request to stderr. Access keys are never written either way.
   * @default true
   */
  quiet?: boolean;
  /**
   * Clock used for rate-limit windows and timestamps, in milliseconds since the epoch.
   * @default Date.now
   */
  now?: () => number;
}

/** {@link DevServerOptions} with every default applied. */
export interface ResolvedOptions {
  port: number;
  host: string;
  authKeys: readonly string[];
  detectorDelayMs: number;
  stringNumbers: boolean;
  allowIps: readonly string[];
  allowEmails: readonly string[];
  denyIps: readonly string[];
  denyEmails: readonly string[];
  rateLimitPerMinute: { spamCheck: number; ipInfo: number };
  maxRecorded: number;
  maxBodyBytes: number;
  quiet: boolean;
  now: () => number;
}

/** Thrown for an option that cannot work; names the option and the bad value. */
export class DevServerOptionError extends TypeError {
  override name = 'DevServerOptionError';
  readonly code = 'CT_DEVSERVER_BAD_OPTION';
  constructor(
    readonly option: string,
    value: unknown,
    expected: string,
  ) {
    super(`Option "${option}" must be ${expected}, got ${describe(value)}.`);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'an array';
  return String(value);
}

function integer(option: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new DevServerOptionError(option, value, `an integer from ${min} to ${max}`);
  }
  return value;
}

function stringList(option: string, value: unknown, fallback: readonly string[]): readonly string[] {
  if (value === undefined) return fallback;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new DevServerOptionError(option, value, 'an array of strings');
  }
  return [...value];
}

function boolean(option: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new DevServerOptionError(option, value, 'a boolean');
  return value;
}

/** Merges the defaults in and validates every option once. */
export function resolveOptions(options: DevServerOptions = {}): ResolvedOptions {
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '') {
    throw new DevServerOptionError('host', host, 'a non-empty string');
  }
  const authKeys = stringList('authKeys', options.authKeys, [DEFAULT_AUTH_KEY]);
  if (authKeys.some((key) => key === '')) {
    throw new DevServerOptionError('authKeys', '', 'an array of non-empty strings');
  }
  const limits = options.rateLimitPerMinute ?? {};
  if (typeof limits !== 'object' || limits === null) {
    throw new DevServerOptionError('rateLimitPerMinute', limits, 'an object');
  }
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') throw new DevServerOptionError('now', now, 'a function');
  return {
    port: integer('port', options.port, 0, 0, 65535),
    host,
    authKeys,
    detectorDelayMs: integer('detectorDelayMs', options.detectorDelayMs, 0, 0, 600_000),
    stringNumbers: boolean('stringNumbers', options.stringNumbers, true),
    allowIps: stringList('allowIps', options.allowIps, []),
    allowEmails: stringList('allowEmails', options.allowEmails, []),
    denyIps: stringList('denyIps', options.denyIps, []),
    denyEmails: stringList('denyEmails', options.denyEmails, []),
    rateLimitPerMinute: {
      spamCheck: integer('rateLimitPerMinute.spamCheck', limits.spamCheck, 100, 1, 1_000_000),
      ipInfo: integer('rateLimitPerMinute.ipInfo', limits.ipInfo, 10, 1, 1_000_000),
    },
    maxRecorded: integer('maxRecorded', options.maxRecorded, 1000, 0, 1_000_000),
    maxBodyBytes: integer('maxBodyBytes', options.maxBodyBytes, 2 * 1024 * 1024, 1, 1 << 30),
    quiet: boolean('quiet', options.quiet, true),
    now,
  };
}
