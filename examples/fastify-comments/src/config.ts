import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import { isPasswordHash } from './admin/credentials.js';

/** What the environment configures. */
export interface EnvConfig {
  port: number;
  host: string;
  /** Set: talk to CleanTalk. Unset: run a local devserver in-process. */
  authKey: string | undefined;
  endpoint: string | undefined;
  detectorSrc: string | undefined;
  startTokenSecret: string;
  /** The secret was generated for this process because CT_START_TOKEN_SECRET is not set. */
  generatedSecret: boolean;
  dataFile: string;
  /** Who may log in to `/moderation` and `/log`. */
  admin: {
    /** `ADMIN_USER`, `admin` by default. */
    user: string;
    /** `ADMIN_PASSWORD_HASH`: an Argon2 hash in PHC format. */
    passwordHash: string | undefined;
    /** `ADMIN_PASSWORD`, or a random one (see `generatedPassword`); `undefined` when a hash is given. */
    password: string | undefined;
    /** No password was configured and this is the offline default: `password` was made up for this process. */
    generatedPassword: boolean;
    /** `SESSION_SECRET`: signs the admin session cookie. Random per process when unset. */
    sessionSecret: string;
    /** The session secret was generated for this process because SESSION_SECRET is not set. */
    generatedSessionSecret: boolean;
  };
  /**
   * `TRUST_PROXY`, for Fastify's `trustProxy`: `false` (the default), `true` (trust any peer: only
   * when nothing but the proxy can reach the app), or the proxies' addresses and CIDR ranges.
   */
  trustProxy: boolean | string[];
}

/** Thrown for an environment variable that cannot work; names the variable, never prints a secret. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly code = 'CT_EXAMPLE_CONFIG';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
  }
}

const DEFAULT_DATA_FILE = fileURLToPath(new URL('../data/comments.sqlite', import.meta.url));

/**
 * Reads the configuration from environment variables:
 * `PORT` (3000), `HOST` (127.0.0.1), `CLEANTALK_AUTH_KEY`, `CLEANTALK_ENDPOINT`, `CT_DETECTOR_SRC`,
 * `CT_START_TOKEN_SECRET` (random per process when unset), `DATA_FILE` (data/comments.sqlite),
 * `ADMIN_USER` (admin), `ADMIN_PASSWORD` or `ADMIN_PASSWORD_HASH` (required with a key; random per
 * process offline), `SESSION_SECRET` (random per process when unset) and `TRUST_PROXY` (false).
 */
export function readConfig(env: NodeJS.ProcessEnv = process.env): EnvConfig {
  const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError('PORT', `expected a port number from 0 to 65535, got ${JSON.stringify(env.PORT)}`);
  }
  const secret = env.CT_START_TOKEN_SECRET || undefined;
  if (secret !== undefined && Buffer.byteLength(secret) < 32) {
    throw new ConfigError(
      'CT_START_TOKEN_SECRET',
      'expected at least 32 bytes (value not shown); generate one with `openssl rand -base64 48`',
    );
  }
  const authKey = env.CLEANTALK_AUTH_KEY || undefined;
  return {
    port,
    host: env.HOST || '127.0.0.1',
    authKey,
    endpoint: url('CLEANTALK_ENDPOINT', env.CLEANTALK_ENDPOINT),
    detectorSrc: url('CT_DETECTOR_SRC', env.CT_DETECTOR_SRC),
    startTokenSecret: secret ?? randomBytes(48).toString('base64'),
    generatedSecret: secret === undefined,
    dataFile: env.DATA_FILE || DEFAULT_DATA_FILE,
    admin: admin(env, authKey !== undefined),
    trustProxy: trustProxy(env.TRUST_PROXY),
  };
}

function admin(env: NodeJS.ProcessEnv, online: boolean): EnvConfig['admin'] {
  const user = env.ADMIN_USER || 'admin';
  if (user.length > 100) throw new ConfigError('ADMIN_USER', 'expected at most 100 characters');
  const password = env.ADMIN_PASSWORD || undefined;
  const passwordHash = env.ADMIN_PASSWORD_HASH || undefined;
  if (password !== undefined && passwordHash !== undefined) {
    throw new ConfigError('ADMIN_PASSWORD', 'set ADMIN_PASSWORD or ADMIN_PASSWORD_HASH, not both');
  }
  if (passwordHash !== undefined && !isPasswordHash(passwordHash)) {
    throw new ConfigError(
      'ADMIN_PASSWORD_HASH',
      'expected an Argon2 hash like $argon2id$v=19$m=19456,t=2,p=1$…; make one with `pnpm -F example-fastify-comments hash-password`',
    );
  }
  if (password !== undefined && password.length < 12) {
    throw new ConfigError('ADMIN_PASSWORD', 'expected at least 12 characters (value not shown)');
  }
  if (online && password === undefined && passwordHash === undefined) {
    // Offline, a password made up and printed at start is what a first run needs. With a real key
    // this is a real site: a password printed to its logs is not a password.
    throw new ConfigError(
      'ADMIN_PASSWORD_HASH',
      'required with CLEANTALK_AUTH_KEY (or ADMIN_PASSWORD): who may open /moderation and /log',
    );
  }
  const generatedPassword = password === undefined && passwordHash === undefined;
  const sessionSecret = env.SESSION_SECRET || undefined;
  if (sessionSecret !== undefined && Buffer.byteLength(sessionSecret) < 32) {
    throw new ConfigError(
      'SESSION_SECRET',
      'expected at least 32 bytes (value not shown); generate one with `openssl rand -base64 48`',
    );
  }
  return {
    user,
    passwordHash,
    password: generatedPassword ? randomBytes(15).toString('base64url') : password,
    generatedPassword,
    sessionSecret: sessionSecret ?? randomBytes(48).toString('base64'),
    generatedSessionSecret: sessionSecret === undefined,
  };
}

/** Named ranges Fastify's `trustProxy` (proxy-addr) knows. */
const PROXY_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function trustProxy(value: string | undefined): boolean | string[] {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  const entries = value.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    const [address = '', bits, ...rest] = entry.split('/');
    const family = isIP(address);
    const validBits =
      bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
    if (!(PROXY_RANGES.has(entry) || (family !== 0 && validBits && rest.length === 0))) {
      throw new ConfigError(
        'TRUST_PROXY',
        `expected true, false, or the proxies' addresses or CIDR ranges separated by commas (or loopback, linklocal, uniquelocal); ${JSON.stringify(entry)} is none of these`,
      );
    }
  }
  return entries;
}

function url(variable: string, value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const parsed = new URL(value);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return parsed.href;
  } catch {}
  throw new ConfigError(variable, `expected an http(s) URL, got ${JSON.stringify(value)}`);
}
