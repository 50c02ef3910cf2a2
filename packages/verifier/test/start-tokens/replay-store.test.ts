import { createMemoryReplayStore, OptionsError, ReplayStoreError } from '@ct-protected-form/verifier';
import { describe, expect, it } from 'vitest';

describe('createMemoryReplayStore', () => {
  it('claims a nonce once until it expires', async () => {
    let time = 0;
    const store = createMemoryReplayStore({ now: () => time });
    expect(await store.claim('a', 1_000)).toBe(true);
    expect(await store.claim('a', 1_000)).toBe(false);
    expect(await store.claim('b', 1_000)).toBe(true);
    time = 999;
    expect(await store.claim('a', 1_000)).toBe(false);
    time = 1_000;
    expect(await store.claim('a', 1_000)).toBe(true);
  });

  it('refuses new claims when full of unexpired nonces instead of forgetting one that could be replayed', async () => {
    let time = 0;
    const store = createMemoryReplayStore({ maxEntries: 3, now: () => time });
    for (const nonce of ['a', 'b', 'c']) expect(await store.claim(nonce, 10_000)).toBe(true);
    const error = await store.claim('d', 10_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReplayStoreError);
    expect((error as ReplayStoreError).code).toBe('CT_REPLAY_STORE');
    // Full, not broken: start tokens then skip the single-use check instead of holding everyone.
    expect((error as ReplayStoreError).full).toBe(true);
    expect(await store.claim('a', 10_000)).toBe(false);
    time = 10_000;
    expect(await store.claim('d', 10_000)).toBe(true);
    expect(await store.claim('e', 10_000)).toBe(true);
  });

  it('validates its options', () => {
    for (const options of [{ maxEntries: 0 }, { maxEntries: 1.5 }, { now: 'soon' }, null]) {
      expect(() => createMemoryReplayStore(options as never)).toThrow(OptionsError);
    }
  });
});
