import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

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
 * `CT_START_TOKEN_SECRET` (random per process when unset) and `DATA_FILE` (data/comments.sqlite).
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
  return {
    port,
    host: env.HOST || '127.0.0.1',
    authKey: env.CLEANTALK_AUTH_KEY || undefined,
    endpoint: url('CLEANTALK_ENDPOINT', env.CLEANTALK_ENDPOINT),
    detectorSrc: url('CT_DETECTOR_SRC', env.CT_DETECTOR_SRC),
    startTokenSecret: secret ?? randomBytes(48).toString('base64'),
    generatedSecret: secret === undefined,
    dataFile: env.DATA_FILE || DEFAULT_DATA_FILE,
  };
}

function url(variable: string, value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const parsed = new URL(value);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return parsed.href;
  } catch {}
  throw new ConfigError(variable, `expected an http(s) URL, got ${JSON.stringify(value)}`);
}
