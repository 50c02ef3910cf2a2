import { OptionsError } from '@ct-protected-form/verifier';
import { describe, expect, it } from 'vitest';
import { backoff, resolveRetry } from '../../src/database/retry.js';

describe('retry policy', () => {
  it('doubles each pause up to the cap', () => {
    const policy = resolveRetry({ initialDelayMs: 1000, maxDelayMs: 5000 });
    expect([0, 1, 2, 3, 50].map((attempt) => backoff(policy, attempt))).toEqual([
      1000, 2000, 4000, 5000, 5000,
    ]);
  });

  it('names the option that is out of bounds', () => {
    expect(() => resolveRetry({ rateLimitRetries: -1 })).toThrow(OptionsError);
    expect(() => resolveRetry({ maxDelayMs: 1.5 })).toThrow(/retry\.maxDelayMs/);
    expect(() => resolveRetry({ sleep: 5 as never })).toThrow(/retry\.sleep/);
  });

  it('sleeps for real by default and stops when aborted', async () => {
    const { sleep } = resolveRetry(undefined);
    await expect(sleep(1)).resolves.toBeUndefined();
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
  });
});
