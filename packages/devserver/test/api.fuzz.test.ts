import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ApiContext, answerApi, IpActivity } from '../src/api.js';
import { DEFAULT_AUTH_KEY, resolveOptions } from '../src/options.js';
import { defaultRules } from '../src/rules.js';
import { TokenStore } from '../src/tokens.js';

/** `FUZZ_RUNS=10000` for a longer hunt. */
const RUNS = Number(process.env.FUZZ_RUNS) || undefined;
const runs = (numRuns: number) => ({ numRuns: RUNS ?? numRuns });
const FUZZ_TIMEOUT = RUNS ? 600_000 : undefined;

const options = resolveOptions({});

/** What JSON.parse can hand back, objects keyed like Object.prototype's members included. */
const jsonish: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue(),
  fc.anything({
    key: fc.oneof(
      fc.constantFrom('__proto__', 'toString', 'valueOf', 'constructor', 'length', '0'),
      fc.string({ maxLength: 8 }),
    ),
    values: [fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null)],
    maxDepth: 3,
  }),
  fc.constantFrom(
    'fe80::1%eth0',
    '::ffff:192.0.2.66',
    '2001:DB8::66',
    'stop_email@example.com',
    '1',
    '2',
    '',
  ),
);

/** A field of a real-time call: mostly the value that lets the next rule run, else anything. */
const likely = <T>(value: T) =>
  fc.oneof({ weight: 2, arbitrary: fc.constant(value) }, { weight: 1, arbitrary: jsonish });

const apiBody = fc.record(
  {
    method_name: fc.oneof(
      {
        weight: 4,
        arbitrary: fc.constantFrom('check_message', 'check_newuser', 'check_bot', 'send_feedback'),
      },
      { weight: 1, arbitrary: jsonish },
    ),
    auth_key: likely(DEFAULT_AUTH_KEY),
    sender_ip: likely('203.0.113.10'),
    sender_email: likely('visitor@example.com'),
    message: likely('Hello'),
    event_token: jsonish,
    js_on: likely(1),
    submit_time: jsonish,
    feedback: jsonish,
  },
  { requiredKeys: [] },
);

function apiContext(): ApiContext {
  return {
    rules: defaultRules(options),
    authKeys: [DEFAULT_AUTH_KEY],
    tokens: new TokenStore(),
    stringNumbers: true,
    now: () => Date.UTC(2026, 0, 1),
    activity: new IpActivity(),
  };
}

describe('answerApi', () => {
  it(
    'answers any parsed body with an answer object and never throws',
    () => {
      const context = apiContext();
      fc.assert(
        fc.property(
          fc.oneof({ weight: 4, arbitrary: apiBody }, { weight: 1, arbitrary: jsonish }),
          (body) => {
            const answer = answerApi(body, context);
            expect('allow' in answer || 'error_no' in answer || 'received' in answer).toBe(true);
            expect(() => JSON.stringify(answer)).not.toThrow();
          },
        ),
        runs(3_000),
      );
    },
    FUZZ_TIMEOUT,
  );
});
