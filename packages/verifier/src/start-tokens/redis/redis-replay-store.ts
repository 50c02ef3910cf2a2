import { OptionsError } from '../../errors.js';
import { describe } from '../../options.js';
import type { ReplayStore } from '../replay-store.js';
import { ReplayStoreError } from '../replay-store-error.js';

/**
 * The one command the store needs, as ioredis (`Redis` and `Cluster`) spells it:
 * `set(key, value, 'PX', ttlMs, 'NX')` resolving `'OK'` when set and `null` when the key existed.
 */
export interface RedisSetClient {
  set(key: string, value: string, px: 'PX', milliseconds: number, nx: 'NX'): Promise<string | null>;
}

/** Options of {@link createRedisReplayStore}. */
export interface RedisReplayStoreOptions {
  /**
   * A connected ioredis-compatible client. Configure it to fail fast rather than queue commands
   * while disconnected: `{ enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 500 }`.
   */
  client: RedisSetClient;
  /**
   * Prefix of the keys, one per used token.
   * @default 'ct-protected-form:start-token:'
   */
  prefix?: string;
  /**
   * How long one claim may take before the token is reported as `unavailable`, in milliseconds,
   * whatever the client does.
   * @default 500
   */
  timeoutMs?: number;
}

/**
 * A replay store in Redis, shared by every instance of an application: each used token becomes a
 * key set with `SET key 1 PX ttl NX`, which expires when the token would have expired anyway.
 *
 * @example
 * import Redis from 'ioredis';
 * const client = new Redis(process.env.REDIS_URL!, { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 500 });
 * const startTokens = createStartTokens({ secrets, replayStore: createRedisReplayStore({ client }) });
 */
export function createRedisReplayStore(options: RedisReplayStoreOptions): ReplayStore {
  if (options === null || typeof options !== 'object') {
    throw new OptionsError('options', `expected an object, got ${describe(options)}`);
  }
  const { client } = options;
  if (!client || typeof client.set !== 'function') {
    throw new OptionsError('client', 'expected an ioredis-compatible client with a set() method');
  }
  const prefix = options.prefix ?? 'ct-protected-form:start-token:';
  if (typeof prefix !== 'string' || prefix.length > 200) {
    throw new OptionsError('prefix', `expected a string of at most 200 characters, got ${describe(prefix)}`);
  }
  const timeoutMs = options.timeoutMs ?? 500;
  if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 10_000) {
    throw new OptionsError(
      'timeoutMs',
      `expected a whole number from 1 to 10000, got ${describe(timeoutMs)}`,
    );
  }

  return {
    async claim(nonce, ttlMs) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new ReplayStoreError(`Redis did not answer within ${timeoutMs} ms`)),
          timeoutMs,
        );
      });
      try {
        const command = client.set(`${prefix}${nonce}`, '1', 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX');
        const answer = await Promise.race([command, deadline]);
        return answer === 'OK';
      } catch (error) {
        if (error instanceof ReplayStoreError) throw error;
        throw new ReplayStoreError(
          `Redis SET failed: ${error instanceof Error ? error.message : String(error)}`,
          {
            cause: error,
          },
        );
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
