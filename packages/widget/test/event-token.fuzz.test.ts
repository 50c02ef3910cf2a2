import { DETECTOR_STORAGE_KEY, FIELDS } from '@ct-protected-form/fields';
import fc from 'fast-check';
import { expect, test, vi } from 'vitest';
import { readEventToken } from '../src/event-token.js';
import { hostileString, runs } from './hostile.js';

/** What the verifier accepts as a detector token. */
const TOKEN = /^[A-Za-z0-9_-]{64}$/;
const validToken = fc.stringMatching(TOKEN);

/** Anything the storage entry could hold: JSON of any shape, a `value` of any kind, or no JSON at all. */
const stored: fc.Arbitrary<string> = fc.oneof(
  hostileString,
  fc.json(),
  fc.anything().map((value) => JSON.stringify({ value }) ?? 'undefined'),
  fc
    .oneof(
      validToken,
      fc.string({ minLength: 64, maxLength: 64 }),
      fc.string({ unit: 'binary', minLength: 64, maxLength: 64 }),
    )
    .map((value) => JSON.stringify({ value, expires: 1 })),
  validToken.map((value) => JSON.stringify([{ value }])),
  validToken.map((value) => JSON.stringify({ value: [value] })),
);

type Storage = { kind: 'item'; value: string } | { kind: 'getItem throws' } | { kind: 'localStorage throws' };
const storage: fc.Arbitrary<Storage> = fc.oneof(
  { weight: 8, arbitrary: stored.map((value) => ({ kind: 'item' as const, value })) },
  fc.constant({ kind: 'getItem throws' as const }),
  fc.constant({ kind: 'localStorage throws' as const }),
);

const storageDescriptor = Object.getOwnPropertyDescriptor(globalThis, 'localStorage');

test('whatever the detector left in storage or in its inputs, readEventToken answers a valid token or nothing', () => {
  fc.assert(
    fc.property(storage, fc.array(fc.oneof(hostileString, validToken), { maxLength: 3 }), (entry, inputs) => {
      localStorage.clear();
      document.body.innerHTML = '';
      const form = document.body.appendChild(document.createElement('form'));
      for (const value of inputs) {
        const input = form.appendChild(document.createElement('input'));
        input.type = 'hidden';
        input.name = FIELDS.eventToken;
        input.value = value;
      }
      let getItem: { mockRestore(): void } | undefined;
      if (entry.kind === 'item') localStorage.setItem(DETECTOR_STORAGE_KEY, entry.value);
      else if (entry.kind === 'getItem throws') {
        getItem = vi.spyOn(Storage.prototype, 'getItem').mockImplementation(() => {
          throw new DOMException('blocked', 'SecurityError');
        });
      } else {
        Object.defineProperty(globalThis, 'localStorage', {
          configurable: true,
          get() {
            throw new DOMException('blocked', 'SecurityError');
          },
        });
      }

      let token: string;
      try {
        token = readEventToken();
      } finally {
        getItem?.mockRestore();
        if (storageDescriptor) Object.defineProperty(globalThis, 'localStorage', storageDescriptor);
      }
      expect(token === '' || TOKEN.test(token)).toBe(true);
      // The first well-formed token on the page wins, else the one in storage, else none.
      let fromStorage: unknown;
      try {
        fromStorage = entry.kind === 'item' ? JSON.parse(entry.value)?.value : undefined;
      } catch {
        // Not JSON: nothing from storage.
      }
      const expected =
        inputs.find((value) => TOKEN.test(value)) ??
        (typeof fromStorage === 'string' && TOKEN.test(fromStorage) ? fromStorage : '');
      expect(token).toBe(expected);
    }),
    { numRuns: runs(300) },
  );
});
