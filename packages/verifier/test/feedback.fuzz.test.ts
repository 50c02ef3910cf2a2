import { inspect } from 'node:util';
import { CtProtectedFormError, createVerifier } from '@ct-protected-form/verifier';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FUZZ_TIMEOUT, hostileString, hostileValue, runs } from './helpers/hostile-values.js';

const KEY = 'feed4back2key8secret';

/** Items as a caller might pass them: well formed, half formed, or anything at all. */
const item = fc.oneof(
  fc.record({ requestId: fc.stringMatching(/^[0-9a-fA-F]{32}$/), spam: fc.boolean() }),
  fc.record({ requestId: fc.oneof(hostileString, hostileValue), spam: hostileValue }, { requiredKeys: [] }),
  hostileValue,
);

/** Text that sometimes carries the key, as a server echoing the request would. */
const echoing = fc.oneof(
  hostileString,
  fc.constantFrom(`unknown key ${KEY}`, `auth_key=${KEY}`, `FORBIDDEN ${KEY}`),
);

/** How the stub transport answers each call. */
const behaviour = fc.oneof(
  fc.record({
    kind: fc.constant('answer' as const),
    status: fc.oneof(fc.constant(200), fc.integer({ min: 200, max: 599 })),
    text: fc.oneof(
      fc
        .record(
          {
            received: fc.oneof(fc.nat(), fc.jsonValue()),
            comment: echoing,
            codes: fc.oneof(echoing, fc.constantFrom('KEY_NOT_FOUND', 'SERVICE_FREEZED')),
            error_message: echoing,
          },
          { requiredKeys: [] },
        )
        .map((answer) => JSON.stringify(answer)),
      fc.json(),
      echoing,
    ),
  }),
  fc.record({ kind: fc.constant('throw' as const), value: hostileValue }),
  fc.constant({ kind: 'throw-body' as const }),
);

type Behaviour = typeof behaviour extends fc.Arbitrary<infer T> ? T : never;

function stubFetch(answer: Behaviour): typeof fetch {
  return async (_url, init) => {
    if (answer.kind === 'throw') throw answer.value;
    // A client that quotes the request it failed to send, key and all.
    if (answer.kind === 'throw-body') throw new Error(`request failed: ${String(init?.body)}`);
    return new Response([204, 205, 304].includes(answer.status) ? null : answer.text, {
      status: answer.status,
    });
  };
}

describe('sendFeedback under hostile items and answers', () => {
  it(
    'resolves an account of every item, free of the key, and never throws',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(item, { maxLength: 8 }),
          behaviour,
          fc.integer({ min: 1, max: 4 }),
          async (items, answer, batchSize) => {
            const verifier = createVerifier({ authKey: KEY, fetch: stubFetch(answer), timeoutMs: 1000 });
            const result = await verifier.sendFeedback(items as never, { batchSize });
            const valid = items.length - result.rejected.length;
            expect(new Set(result.rejected.map((rejected) => rejected.index)).size).toBe(
              result.rejected.length,
            );
            expect(result.sent).toBeLessThanOrEqual(valid);
            expect(result.complete).toBe(result.error === undefined);
            if (result.error) expect(result.error).toBeInstanceOf(CtProtectedFormError);
            else expect(result.sent).toBe(valid);
            expect(inspect(result, { depth: Infinity })).not.toContain(KEY);
            expect(JSON.stringify(result)).not.toContain(KEY);
          },
        ),
        runs(200),
      );
    },
    FUZZ_TIMEOUT,
  );
});
