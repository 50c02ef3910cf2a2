import { createStartTokens, type StartTokenCheck } from '@ct-protected-form/verifier';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FUZZ_TIMEOUT, hostileString, hostileValue, runs } from '../helpers/hostile-values.js';

const SECRET = 'start-token-fuzz-secret-0123456789abcdef';
const OTHER_SECRET = 'another-secret-of-another-site-0123456789';
const NOW = Date.UTC(2026, 0, 1);
const PROBLEMS = ['malformed', 'tampered', 'expired', 'early', 'replayed', 'unavailable'];
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const tokens = (secrets: string[] = [SECRET]) => createStartTokens({ secrets, now: () => NOW, minAgeMs: 0 });

function expectRejected(check: StartTokenCheck): void {
  expect(check.ok).toBe(false);
  if (!check.ok) expect(PROBLEMS).toContain(check.problem);
}

/** A change to a token: a character swapped, cut, lengthened, dotted, or its case flipped. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), to: fc.constantFrom(...BASE64URL) }),
  fc.record({ kind: fc.constant('cut' as const), length: fc.nat() }),
  fc.record({ kind: fc.constant('append' as const), text: fc.string({ minLength: 1, maxLength: 8 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.constantFrom('.', '..', '=', ' ', '\u0000'),
  }),
  fc.record({ kind: fc.constant('case' as const), at: fc.nat() }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(token: string, change: Mutation): string {
  switch (change.kind) {
    case 'swap': {
      const at = change.at % token.length;
      return token.slice(0, at) + change.to + token.slice(at + 1);
    }
    case 'cut':
      return token.slice(0, change.length % token.length);
    case 'append':
      return token + change.text;
    case 'insert': {
      const at = change.at % (token.length + 1);
      return token.slice(0, at) + change.text + token.slice(at);
    }
    default: {
      const at = change.at % token.length;
      const c = token.charAt(at);
      const flipped = c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase();
      return token.slice(0, at) + flipped + token.slice(at + 1);
    }
  }
}

describe('start tokens under hostile input', () => {
  it(
    'never throws for any value and never accepts a token it did not issue',
    async () => {
      const verifier = tokens();
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            hostileString,
            hostileValue,
            // The right alphabet and length: only the signature can tell.
            fc.stringMatching(/^[A-Za-z0-9_-]{100}$/),
            fc.stringMatching(/^AQ[A-Za-z0-9_-]{74}$/),
          ),
          async (value) => {
            expectRejected(await verifier.verify(value as string));
          },
        ),
        runs(300),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    'rejects every changed copy of an issued token, and still accepts the original once',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (changes) => {
          const verifier = tokens();
          const token = await verifier.issue();
          const forged = changes.reduce(mutate, token);
          fc.pre(forged !== token);
          expectRejected(await verifier.verify(forged));
          expect(await verifier.verify(token)).toEqual({ ok: true, issuedAt: NOW });
        }),
        runs(200),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    'accepts each issued token exactly once, under a rotation too, and none signed with another secret',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 5 }), fc.boolean(), async (count, rotated) => {
          const issuer = tokens([SECRET]);
          const verifier = rotated ? tokens([OTHER_SECRET, SECRET]) : issuer;
          const issued = await Promise.all(Array.from({ length: count }, () => issuer.issue()));
          expect(new Set(issued).size).toBe(count);
          for (const token of issued) {
            expect(token).toMatch(/^[A-Za-z0-9_-]{100}$/);
            expect(await verifier.verify(token)).toEqual({ ok: true, issuedAt: NOW });
            expect(await verifier.verify(token)).toEqual({ ok: false, problem: 'replayed' });
          }
          const stranger = await tokens([OTHER_SECRET]).issue();
          expect(await issuer.verify(stranger)).toEqual({ ok: false, problem: 'tampered' });
        }),
        runs(40),
      );
    },
    FUZZ_TIMEOUT,
  );
});
