import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answerDatabase, type DatabaseContext, RateLimiter } from '../src/database.js';
import { DEFAULT_AUTH_KEY, resolveOptions } from '../src/options.js';
import { defaultRules } from '../src/rules.js';

/** `FUZZ_RUNS=10000` for a longer hunt. */
const RUNS = Number(process.env.FUZZ_RUNS) || undefined;
const runs = (numRuns: number) => ({ numRuns: RUNS ?? numRuns });
const FUZZ_TIMEOUT = RUNS ? 600_000 : undefined;

const options = resolveOptions({});

describe('answerDatabase', () => {
  it(
    'answers any merged query and form fields with data or an error and never throws',
    () => {
      const context: DatabaseContext = {
        rules: defaultRules(options),
        authKeys: [DEFAULT_AUTH_KEY],
        stringNumbers: true,
        now: () => Date.UTC(2026, 0, 1),
        limits: { spamCheck: 1_000_000, ipInfo: 1_000_000 },
        limiter: new RateLimiter(),
        asked: new Set(),
      };
      const record = fc.oneof(
        fc.emailAddress(),
        fc.ipV4(),
        fc.ipV6(),
        fc.constantFrom('fe80::1%eth0', 'fe80::1%', '::ffff:1.2.3.4', '__proto__', 'in-progress@example.com'),
        fc.string({ maxLength: 20 }),
      );
      const params = fc.record(
        {
          method_name: fc.oneof(fc.constantFrom('spam_check', 'ip_info', 'notice_paid_till'), fc.string()),
          auth_key: fc.oneof(fc.constant(DEFAULT_AUTH_KEY), fc.string()),
          data: fc.array(record, { maxLength: 10 }).map((records) => records.join(',')),
          email: record,
          ip: record,
          date: fc.string(),
        },
        { requiredKeys: [] },
      );
      fc.assert(
        fc.property(params, (fields) => {
          const answer = answerDatabase(fields, context);
          expect('data' in answer || 'error_no' in answer).toBe(true);
          expect(() => JSON.stringify(answer)).not.toThrow();
        }),
        runs(2_000),
      );
    },
    FUZZ_TIMEOUT,
  );
});
