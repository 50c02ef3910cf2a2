import { inspect } from 'node:util';
import { CtProtectedFormError } from '@ct-protected-form/verifier';
import { createDatabaseClient } from '@ct-protected-form/verifier/database';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FUZZ_TIMEOUT, hostileString, hostileValue, runs } from '../helpers/hostile-values.js';

const KEY = 'db7fuzz3key5secret';
const STATUSES = ['ok', 'invalid', 'missing', 'error', 'pending', 'unchecked'];

/** A record list: emails, IPs in any notation, and anything else a caller could pass by mistake. */
const records = fc.array(
  fc.oneof(
    fc.emailAddress(),
    fc.ipV4(),
    fc.ipV6(),
    fc.constantFrom('fe80::1%eth0', '::ffff:1.2.3.4', '2001:DB8:0::1', 'a@b', '@', '', ' '),
    hostileString.filter((s) => s.length < 300),
    hostileValue,
  ),
  { maxLength: 12 },
);

/** One answer of the database API: its data for the records asked, an error, "In progress", or garbage. */
const answer = fc.oneof(
  fc.record({
    kind: fc.constant('data' as const),
    entry: fc.dictionary(fc.string({ maxLength: 20 }), fc.jsonValue(), { maxKeys: 8 }),
    extra: fc.dictionary(fc.string({ maxLength: 20 }), fc.jsonValue(), { maxKeys: 3 }),
  }),
  fc.record({
    kind: fc.constant('text' as const),
    text: fc.oneof(
      fc.json(),
      hostileString,
      fc.constantFrom(
        '{"data":"In progress"}',
        '{"error_no":10,"error_message":"Calls limit exceeded."}',
        `{"error_no":2,"error_message":"Access key ${KEY} is not valid."}`,
        '{"data":null}',
        '{"data":[]}',
      ),
    ),
    status: fc.oneof(fc.constant(200), fc.integer({ min: 200, max: 599 })),
  }),
  fc.record({ kind: fc.constant('throw' as const), value: hostileValue }),
);

type Answer = typeof answer extends fc.Arbitrary<infer T> ? T : never;

/** Answers the calls in turn from `answers`, from the start again when they run out. */
function stubFetch(answers: Answer[]): typeof fetch {
  let call = 0;
  return async (input, init) => {
    const next = answers[call++ % answers.length];
    if (!next || next.kind === 'throw') throw next?.value ?? new Error(`refused ${String(input)}`);
    if (next.kind === 'text') {
      return new Response([204, 205, 304].includes(next.status) ? null : next.text, { status: next.status });
    }
    // Every record asked gets the generated entry; the request's own spelling is the key.
    const asked = new URLSearchParams(String(init?.body ?? '')).get('data')?.split(',') ?? [];
    const data: Record<string, unknown> = { ...next.extra };
    for (const record of asked) data[record] = next.entry;
    return Response.json({ data });
  };
}

const noWait = { sleep: async () => {}, initialDelayMs: 1, maxDelayMs: 1 };

describe('database API under hostile answers', () => {
  it(
    'spamCheck and ipInfo resolve one result per record, in order, free of the key',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('spamCheck', 'ipInfo') as fc.Arbitrary<'spamCheck' | 'ipInfo'>,
          records,
          fc.array(answer, { minLength: 1, maxLength: 4 }),
          fc.integer({ min: 1, max: 5 }),
          async (method, list, answers, chunkSize) => {
            const database = createDatabaseClient({ authKey: KEY, fetch: stubFetch(answers) });
            const report = await database[method](list as string[], {
              retry: noWait,
              chunkSize,
              timeoutMs: 1000,
            });
            expect(report.results).toHaveLength(list.length);
            report.results.forEach((result, index) => {
              expect(result.index).toBe(index);
              expect(STATUSES).toContain(result.status);
            });
            expect(typeof report.complete).toBe('boolean');
            if (!report.complete) expect(report.error).toBeInstanceOf(CtProtectedFormError);
            expect(inspect(report, { depth: Infinity })).not.toContain(KEY);
          },
        ),
        runs(150),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    'checkKey resolves a status or rejects with a typed error free of the key',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(answer, { minLength: 1, maxLength: 3 }), async (answers) => {
          const database = createDatabaseClient({ authKey: KEY, fetch: stubFetch(answers) });
          try {
            const status = await database.checkKey({ timeoutMs: 1000 });
            expect(typeof status.valid).toBe('boolean');
            expect(inspect(status, { depth: Infinity })).not.toContain(KEY);
          } catch (error) {
            expect(error).toBeInstanceOf(CtProtectedFormError);
            expect(inspect(error, { depth: Infinity })).not.toContain(KEY);
          }
        }),
        runs(100),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    'rejects a record list that is not an array, and nothing else',
    async () => {
      const database = createDatabaseClient({
        authKey: KEY,
        fetch: stubFetch([{ kind: 'throw', value: 'x' }]),
      });
      await fc.assert(
        fc.asyncProperty(
          hostileValue.filter((value) => !Array.isArray(value)),
          async (value) => {
            await expect(database.spamCheck(value as string[])).rejects.toThrow();
          },
        ),
        runs(30),
      );
    },
    FUZZ_TIMEOUT,
  );
});
