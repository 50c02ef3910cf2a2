import { OptionsError } from '../errors.js';
import { describe, validateInteger } from '../options.js';

/** How many start tokens one client address may fetch. */
export interface StartTokenRateLimit {
  /**
   * Tokens one address may fetch per window. A page needs one per `<ct-protected-form>` per load
   * (and one more after each submit that stays on the page); a person rarely opens more than a
   * few pages a minute, while a whole office behind one address may: raise it for such sites.
   * @default 30
   */
  max?: number;
  /**
   * The window, in milliseconds.
   * @default 60000
   */
  windowMs?: number;
  /**
   * How many addresses are counted at once, at most; the oldest are forgotten first.
   * @default 10000
   */
  maxAddresses?: number;
}

/** Counts token requests per address in fixed windows, in this process's memory. */
export interface IssueLimiter {
  /** Counts one request from `address`: `0` when allowed, else the seconds until it may ask again. */
  take(address: string): number;
}

/**
 * A fixed-window counter per client address, bounded in memory, no timers. IPv6 addresses count
 * per /64 (one subscriber's usual allocation), so rotating within it does not reset the count.
 * Written here rather than taken from `@fastify/rate-limit` or `express-rate-limit` so that the
 * three adapters (and Workers) share one rule with the same limits and no extra dependency.
 */
export function createIssueLimiter(
  options: StartTokenRateLimit | undefined,
  now: () => number = Date.now,
): IssueLimiter {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new OptionsError('startTokenRateLimit', `expected an object or false, got ${describe(options)}`);
  }
  const max = validateInteger('startTokenRateLimit.max', options?.max ?? 30, 1, 1_000_000);
  const windowMs = validateInteger(
    'startTokenRateLimit.windowMs',
    options?.windowMs ?? 60_000,
    1_000,
    86_400_000,
  );
  const maxAddresses = validateInteger(
    'startTokenRateLimit.maxAddresses',
    options?.maxAddresses ?? 10_000,
    1,
    10_000_000,
  );
  const windows = new Map<string, { start: number; count: number }>();

  return {
    take(address) {
      const key = addressKey(address);
      const at = now();
      let window = windows.get(key);
      if (!window || at - window.start >= windowMs) {
        if (window) windows.delete(key);
        else if (windows.size >= maxAddresses) {
          // Map order is insertion order: the first entry is the one counted longest ago.
          const oldest = windows.keys().next().value;
          if (oldest !== undefined) windows.delete(oldest);
        }
        window = { start: at, count: 0 };
        windows.set(key, window);
      }
      window.count++;
      if (window.count <= max) return 0;
      return Math.max(1, Math.ceil((window.start + windowMs - at) / 1000));
    },
  };
}

/** The part of an address that identifies one client: all of IPv4, the /64 of IPv6. */
export function addressKey(address: string): string {
  if (!address.includes(':')) return address;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped?.[1]) return mapped[1];
  const [head = '', tail = ''] = address.toLowerCase().split('::', 2);
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
