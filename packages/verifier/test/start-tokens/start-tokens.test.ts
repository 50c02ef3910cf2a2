import {
  createMemoryReplayStore,
  createStartTokens,
  OptionsError,
  type ReplayStore,
  type StartTokensOptions,
} from '@ct-protected-form/verifier';
import { describe, expect, it } from 'vitest';

const SECRET = 'k'.repeat(32);
const OLD_SECRET = 'o'.repeat(40);

function tokens(options: Partial<StartTokensOptions> = {}) {
  let time = Date.UTC(2025, 5, 1, 12);
  const clock = {
    now: () => time,
    advance: (ms: number) => {
      time += ms;
    },
  };
  return {
    clock,
    startTokens: createStartTokens({ secrets: [SECRET], now: clock.now, minAgeMs: 0, ...options }),
  };
}

/** Flips one bit of the decoded token and re-encodes it. */
function flipBit(token: string, byte: number): string {
  const bytes = Uint8Array.from(atob(token.replaceAll('-', '+').replaceAll('_', '/')), (c) =>
    c.charCodeAt(0),
  );
  bytes[byte]! ^= 1;
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
}

describe('createStartTokens', () => {
  it('issues opaque base64url tokens that verify once with the time they were issued', async () => {
    const { startTokens, clock } = tokens();
    const issuedAt = clock.now();
    const token = await startTokens.issue();
    expect(token).toMatch(/^[A-Za-z0-9_-]{100}$/);
    expect(await startTokens.issue()).not.toBe(token);
    clock.advance(15_000);
    expect(await startTokens.verify(token)).toEqual({ ok: true, issuedAt });
  });

  it('reports a second use of the same token as replayed', async () => {
    const { startTokens } = tokens();
    const token = await startTokens.issue();
    expect((await startTokens.verify(token)).ok).toBe(true);
    expect(await startTokens.verify(token)).toEqual({ ok: false, problem: 'replayed' });
  });

  it('reports a token with any changed bit as tampered, and garbage as malformed', async () => {
    const { startTokens } = tokens();
    const token = await startTokens.issue();
    for (const byte of [1, 8, 12, 30, 56, 72]) {
      expect(await startTokens.verify(flipBit(token, byte))).toEqual({ ok: false, problem: 'tampered' });
    }
    expect(await startTokens.verify(flipBit(token, 0))).toEqual({ ok: false, problem: 'malformed' });
    for (const bad of ['', 'abc', `${token}A`, token.slice(1), `${token.slice(0, -1)}!`, 'x'.repeat(5000)]) {
      expect(await startTokens.verify(bad)).toEqual({ ok: false, problem: 'malformed' });
    }
    expect(await startTokens.verify(42 as unknown as string)).toEqual({ ok: false, problem: 'malformed' });
    // A tampered token does not use up the genuine one.
    expect((await startTokens.verify(token)).ok).toBe(true);
  });

  it('rejects a token signed with a secret it does not know', async () => {
    const other = createStartTokens({ secrets: ['z'.repeat(32)], minAgeMs: 0 });
    const { startTokens } = tokens();
    expect(await startTokens.verify(await other.issue())).toEqual({ ok: false, problem: 'tampered' });
  });

  it('accepts tokens signed with a previous secret during a rotation and signs new ones with the first', async () => {
    const before = createStartTokens({ secrets: [OLD_SECRET], minAgeMs: 0 });
    const during = createStartTokens({ secrets: [SECRET, OLD_SECRET], minAgeMs: 0 });
    const after = createStartTokens({ secrets: [SECRET], minAgeMs: 0 });
    expect((await during.verify(await before.issue())).ok).toBe(true);
    expect((await after.verify(await during.issue())).ok).toBe(true);
    expect(await after.verify(await before.issue())).toEqual({ ok: false, problem: 'tampered' });
  });

  it('reports tokens older than maxAgeMs as expired and younger than minAgeMs as early', async () => {
    const { startTokens, clock } = tokens({ maxAgeMs: 60_000, minAgeMs: 3_000 });
    const early = await startTokens.issue();
    clock.advance(1_000);
    expect(await startTokens.verify(early)).toEqual({ ok: false, problem: 'early' });
    const old = await startTokens.issue();
    clock.advance(60_001);
    expect(await startTokens.verify(old)).toEqual({ ok: false, problem: 'expired' });
    // The early token was not used up: it is simply too old now as well.
    expect(await startTokens.verify(early)).toEqual({ ok: false, problem: 'expired' });
  });

  it('holds tokens sent back within 3 seconds of their issue as early, by default', async () => {
    const { startTokens, clock } = tokens({ minAgeMs: undefined });
    const token = await startTokens.issue();
    clock.advance(2_999);
    expect(await startTokens.verify(token)).toEqual({ ok: false, problem: 'early' });
    clock.advance(1);
    expect((await startTokens.verify(token)).ok).toBe(true);
  });

  it('binds a token issued for a session to it: under another session or none it is foreign', async () => {
    const { startTokens } = tokens();
    const mine = 'AAAAAAAAAAAAAAAAAAAAAA';
    const theirs = 'BBBBBBBBBBBBBBBBBBBBBB';
    const bound = await startTokens.issue({ session: mine });
    expect(await startTokens.verify(bound, { session: theirs })).toEqual({ ok: false, problem: 'foreign' });
    expect(await startTokens.verify(bound)).toEqual({ ok: false, problem: 'foreign' });
    expect(await startTokens.verify(bound, { session: 'not a session id' })).toEqual({
      ok: false,
      problem: 'foreign',
    });
    // Refused tries do not use the token up: its own session still gets it, once.
    expect((await startTokens.verify(bound, { session: mine })).ok).toBe(true);
    expect(await startTokens.verify(bound, { session: mine })).toEqual({ ok: false, problem: 'replayed' });
    // A token issued for no session (a server-rendered page) is accepted under any.
    expect((await startTokens.verify(await startTokens.issue(), { session: theirs })).ok).toBe(true);
    await expect(startTokens.issue({ session: 'short' })).rejects.toThrow(TypeError);
    expect(startTokens.cookieName).toBe('ct_pf_session');
  });

  it('accepts a genuine token without its single-use check when the store is full, and says so', async () => {
    const store = createMemoryReplayStore({ maxEntries: 1 });
    const { startTokens } = tokens({ replayStore: store });
    expect(await startTokens.verify(await startTokens.issue())).toMatchObject({ ok: true });
    const token = await startTokens.issue();
    expect(await startTokens.verify(token)).toMatchObject({ ok: true, replayChecked: false });
    expect(await startTokens.verify(token)).toMatchObject({ ok: true, replayChecked: false });
  });

  it('tolerates a small clock difference between instances but not a token from the far future', async () => {
    const time = Date.UTC(2025, 5, 1);
    const ahead = createStartTokens({ secrets: [SECRET], now: () => time + 30_000 });
    const farAhead = createStartTokens({ secrets: [SECRET], now: () => time + 3_600_000 });
    const here = createStartTokens({ secrets: [SECRET], now: () => time, minAgeMs: 0 });
    const token = await ahead.issue();
    expect(await here.verify(token)).toEqual({ ok: true, issuedAt: time });
    expect(await here.verify(await farAhead.issue())).toEqual({ ok: false, problem: 'expired' });
  });

  it('reports unavailable, never valid, when the replay store fails', async () => {
    const failing: ReplayStore = { claim: () => Promise.reject(new Error('connection refused')) };
    const { startTokens } = tokens({ replayStore: failing });
    expect(await startTokens.verify(await startTokens.issue())).toEqual({
      ok: false,
      problem: 'unavailable',
    });
  });

  it('remembers a nonce only as long as its token could still be presented', async () => {
    const claims: number[] = [];
    const store = createMemoryReplayStore();
    const recording: ReplayStore = {
      claim: (nonce, ttlMs) => {
        claims.push(ttlMs);
        return store.claim(nonce, ttlMs);
      },
    };
    const { startTokens, clock } = tokens({ replayStore: recording, maxAgeMs: 600_000 });
    const token = await startTokens.issue();
    clock.advance(100_000);
    await startTokens.verify(token);
    expect(claims).toEqual([600_000 - 100_000 + 60_000]);
  });

  it('validates its options with errors that name the option and never show a secret', () => {
    const bad: [unknown, string][] = [
      [undefined, 'options'],
      [{}, 'secrets'],
      [{ secrets: [] }, 'secrets'],
      [{ secrets: 'k'.repeat(40) }, 'secrets'],
      [{ secrets: ['short-secret-value'] }, 'secrets[0]'],
      [{ secrets: [SECRET, 12] }, 'secrets[1]'],
      [{ secrets: [SECRET], maxAgeMs: 0 }, 'maxAgeMs'],
      [{ secrets: [SECRET], maxAgeMs: 1.5e3 + 0.5 }, 'maxAgeMs'],
      [{ secrets: [SECRET], maxAgeMs: 60_000, minAgeMs: 60_000 }, 'minAgeMs'],
      [{ secrets: [SECRET], replayStore: {} }, 'replayStore'],
      [{ secrets: [SECRET], now: 5 }, 'now'],
      [{ secrets: [SECRET], cookieName: 'a b' }, 'cookieName'],
    ];
    for (const [options, option] of bad) {
      const error = catchError(() => createStartTokens(options as StartTokensOptions));
      expect(error, option).toBeInstanceOf(OptionsError);
      expect((error as OptionsError).option).toBe(option);
      expect((error as OptionsError).code).toBe('CT_INVALID_OPTION');
      expect((error as Error).message).not.toContain('short-secret-value');
    }
    expect(() => createStartTokens({ secrets: [new Uint8Array(32)] })).not.toThrow();
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}
