import { createVerifier, OptionsError, type Verifier } from '@ct-protected-form/verifier';
import { createDatabaseClient, type DatabaseClient } from '@ct-protected-form/verifier/database';
import { integerOption } from './options.js';
import { UsageError } from './usage-error.js';

/** The environment variable the access key is read from. */
export const KEY_VARIABLE = 'CLEANTALK_AUTH_KEY';

export interface ConnectionValues {
  key?: string | undefined;
  endpoint?: string | undefined;
  'database-endpoint'?: string | undefined;
  timeout?: string | undefined;
}

export interface Connection {
  /** The real-time API: feedback and the key check. */
  verifier: Verifier;
  /** The database API: `spam_check` and `ip_info`. */
  database: DatabaseClient;
  /** Milliseconds one call may take. */
  timeoutMs: number;
  /** Where the database API is, for messages: the origin only, never a query. */
  databaseOrigin: string;
  realtimeOrigin: string;
}

/**
 * Builds a verifier from the command line and the environment. The key comes from `--key` or
 * `CLEANTALK_AUTH_KEY` and is never printed, not even when it is ill-formed.
 */
export function connect(command: string, values: ConnectionValues, env: NodeJS.ProcessEnv): Connection {
  const authKey = values.key ?? env[KEY_VARIABLE];
  if (authKey === undefined || authKey === '') {
    throw new UsageError(`no access key: set ${KEY_VARIABLE} in the environment (or pass --key)`, command);
  }
  const timeoutMs = integerOption(command, 'timeout', values.timeout, 30_000, 1, 600_000);
  try {
    const verifier = createVerifier({
      authKey,
      timeoutMs: Math.min(timeoutMs, 120_000),
      ...(values.endpoint ? { endpoint: values.endpoint } : {}),
      ...(values['database-endpoint'] ? { databaseEndpoint: values['database-endpoint'] } : {}),
    });
    const database = createDatabaseClient({
      authKey,
      ...(values['database-endpoint'] ? { endpoint: values['database-endpoint'] } : {}),
    });
    return {
      verifier,
      database,
      timeoutMs,
      databaseOrigin: origin(values['database-endpoint'] ?? 'https://api.cleantalk.org/'),
      realtimeOrigin: origin(values.endpoint ?? 'https://moderate.cleantalk.org/api2.0'),
    };
  } catch (error) {
    if (error instanceof OptionsError) {
      const flag = {
        authKey: values.key ? '--key' : KEY_VARIABLE,
        endpoint: '--endpoint',
        databaseEndpoint: '--database-endpoint',
      }[error.option];
      throw new UsageError(flag ? `${flag}: ${error.message}` : error.message, command);
    }
    throw error;
  }
}

function origin(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return 'the configured endpoint';
  }
}
