import { OptionsError } from '../errors.js';
import { describe } from '../options.js';
import { ReplayStoreError } from './replay-store-error.js';

/**
 * Remembers which start tokens were used, so each one is accepted once. Share one store between
 * all instances of an application (e.g. the Redis store from `@ct-protected-form/verifier/redis`),
 * or a token accepted by one instance can be replayed against another.
 */
export interface ReplayStore {
  /**
   * Records `nonce` as used for `ttlMs` milliseconds, atomically. Resolves `true` when the nonce was
   * unused (this call claimed it) and `false` when it was already used. Rejects when the store
   * cannot answer; the token is then reported as `unavailable`.
   */
  claim(nonce: string, ttlMs: number): Promise<boolean>;
}

/** Options of {@link createMemoryReplayStore}. */
export interface MemoryReplayStoreOptions {
  /**
   * How many used nonces are kept at most. When the store is full and none has expired, new claims
   * are refused rather than forgetting a nonce that could then be replayed: tokens are then checked
   * without the replay test, `submit_time` comes from the visitor's clock, and one warning is logged.
   * @default 100000
   */
  maxEntries?: number;
  /**
   * The clock, in milliseconds since the epoch.
   * @default Date.now
   */
  now?: () => number;
}

/** How often, at most, a full store scans for expired entries. */
const SWEEP_INTERVAL_MS = 1_000;

/**
 * A replay store in this process's memory: bounded, expiring, no timers. Right for a single
 * instance that is rarely restarted: a restart forgets which tokens were used, so tokens issued
 * before it can be used once more until they expire. Several instances, or restarts that matter,
 * need a shared store (`@ct-protected-form/verifier/redis`).
 */
export function createMemoryReplayStore(options: MemoryReplayStoreOptions = {}): ReplayStore {
  if (options === null || typeof options !== 'object') {
    throw new OptionsError('options', `expected an object, got ${describe(options)}`);
  }
  const maxEntries = options.maxEntries ?? 100_000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1 || maxEntries > 100_000_000) {
    throw new OptionsError(
      'maxEntries',
      `expected a whole number from 1 to 100000000, got ${describe(maxEntries)}`,
    );
  }
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') throw new OptionsError('now', `expected a function, got ${describe(now)}`);

  const expiries = new Map<string, number>();
  let lastSweep = -Infinity;

  function sweep(at: number): void {
    lastSweep = at;
    for (const [nonce, expiresAt] of expiries) if (expiresAt <= at) expiries.delete(nonce);
  }

  return {
    async claim(nonce, ttlMs) {
      const at = now();
      const expiresAt = expiries.get(nonce);
      if (expiresAt !== undefined) {
        if (expiresAt > at) return false;
        expiries.delete(nonce);
      }
      if (expiries.size >= maxEntries && at - lastSweep >= SWEEP_INTERVAL_MS) sweep(at);
      if (expiries.size >= maxEntries) {
        throw new ReplayStoreError(
          `the in-memory store holds its maximum of ${maxEntries} unexpired entries`,
          { full: true },
        );
      }
      expiries.set(nonce, at + Math.max(1, ttlMs));
      return true;
    },
  };
}
