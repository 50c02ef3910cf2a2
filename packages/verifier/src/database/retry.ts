import { OptionsError } from '../errors.js';
import { describe } from '../options.js';

/** How a database call is repeated when CleanTalk asks to wait. Every bound is finite. */
export interface RetryOptions {
  /**
   * How many times a call answered "Calls limit exceeded" (`error_no` 10) is repeated, waiting
   * longer each time. CleanTalk allows 100 `spam_check` and 10 `ip_info` calls a minute.
   * @default 6
   */
  rateLimitRetries?: number;
  /**
   * How many times records CleanTalk answered `"In progress"` for are asked again.
   * @default 5
   */
  inProgressRetries?: number;
  /**
   * How many times a call is repeated after a timeout, a failed connection, an HTTP 5xx or an
   * unreadable answer.
   * @default 2
   */
  failureRetries?: number;
  /**
   * The first wait, in milliseconds; each further wait doubles, up to `maxDelayMs`.
   * @default 2000
   */
  initialDelayMs?: number;
  /**
   * The longest wait, in milliseconds.
   * @default 60000
   */
  maxDelayMs?: number;
  /**
   * Waits `ms` milliseconds; must reject when `signal` aborts. A seam for tests.
   * @default an abortable `setTimeout`
   */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface ResolvedRetry {
  rateLimitRetries: number;
  inProgressRetries: number;
  failureRetries: number;
  initialDelayMs: number;
  maxDelayMs: number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Validates a retry policy, naming the bad option (`retry.maxDelayMs`) when there is one. */
export function resolveRetry(options: RetryOptions | undefined): ResolvedRetry {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new OptionsError('retry', `expected an object, got ${describe(options)}`);
  }
  const retry = options ?? {};
  const sleep = retry.sleep ?? abortableSleep;
  if (typeof sleep !== 'function')
    throw new OptionsError('retry.sleep', `expected a function, got ${describe(sleep)}`);
  return {
    rateLimitRetries: whole('retry.rateLimitRetries', retry.rateLimitRetries ?? 6, 0, 100),
    inProgressRetries: whole('retry.inProgressRetries', retry.inProgressRetries ?? 5, 0, 100),
    failureRetries: whole('retry.failureRetries', retry.failureRetries ?? 2, 0, 100),
    initialDelayMs: whole('retry.initialDelayMs', retry.initialDelayMs ?? 2000, 0, 3_600_000),
    maxDelayMs: whole('retry.maxDelayMs', retry.maxDelayMs ?? 60_000, 0, 3_600_000),
    sleep,
  };
}

/** The wait before repeat number `attempt` (0-based): exponential, capped. */
export function backoff(policy: ResolvedRetry, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(attempt, 30));
}

export function whole(option: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new OptionsError(option, `expected a whole number from ${min} to ${max}, got ${describe(value)}`);
  }
  return value;
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
