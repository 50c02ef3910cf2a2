import { inspect } from 'node:util';
import {
  type CreateVerifierOptions,
  createVerifier,
  type FailMode,
  type Submission,
  SubmissionError,
  type Verdict,
} from '@ct-protected-form/verifier';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  deepValue,
  FUZZ_TIMEOUT,
  hostileForm,
  hostileHeaders,
  hostileKey,
  hostileString,
  hostileValue,
  ipLike,
  runs,
  validIp,
} from './helpers/hostile-values.js';

const KEY = 'fuzz7key3secret9';

/** A logger that keeps every line, to look for the key in it. */
function recordingLogger() {
  const lines: unknown[][] = [];
  return {
    lines,
    logger: {
      warn: (...args: unknown[]) => lines.push(args),
      error: (...args: unknown[]) => lines.push(args),
    },
  };
}

/** What a check produced: a verdict, or what it rejected with. */
type Outcome = { verdict: Verdict } | { thrown: unknown };

async function settle(promise: Promise<Verdict>): Promise<Outcome> {
  try {
    return { verdict: await promise };
  } catch (thrown) {
    return { thrown };
  }
}

/** The checks every verdict must pass, whatever it was asked. */
function expectWellFormed(verdict: Verdict, lines: unknown[][]): void {
  expect(['allow', 'review', 'block']).toContain(verdict.decision);
  expect(typeof verdict.verified).toBe('boolean');
  expect(['cleantalk', 'honeypot', 'failure']).toContain(verdict.basis);
  expect(typeof verdict.reason).toBe('string');
  expect(verdict.reason).not.toMatch(/[<>]/);
  expect(Array.isArray(verdict.codes) && verdict.codes.every((code) => typeof code === 'string')).toBe(true);
  expectNoKey(verdict, lines);
}

function expectNoKey(value: unknown, lines: unknown[][]): void {
  expect(JSON.stringify(value) ?? '').not.toContain(KEY);
  expect(inspect(value, { depth: Infinity })).not.toContain(KEY);
  expect(inspect(lines, { depth: Infinity })).not.toContain(KEY);
}

const method = fc.constantFrom('checkMessage', 'checkNewUser', 'checkBot') as fc.Arbitrary<
  'checkMessage' | 'checkNewUser' | 'checkBot'
>;

/** A field value: anything a parser could produce, sometimes nested far too deep. */
const fieldValue = fc.oneof(
  { weight: 4, arbitrary: hostileValue },
  { weight: 2, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.array(hostileString, { maxLength: 5 }) },
  { weight: 1, arbitrary: deepValue },
);

/** An IP, tagged with whether the verifier must accept it. */
const taggedIp = fc.oneof(
  { weight: 3, arbitrary: validIp.map((ip) => ({ ip: ip as unknown, valid: true })) },
  { weight: 1, arbitrary: ipLike.map((ip) => ({ ip: ip as unknown, valid: undefined })) },
  { weight: 1, arbitrary: hostileValue.map((ip) => ({ ip, valid: undefined })) },
);

const submission = fc.record(
  {
    email: fieldValue,
    nickname: fieldValue,
    message: fieldValue,
    phone: fieldValue,
    headers: fc.oneof(
      hostileHeaders,
      deepValue.map((deep) => ({ 'user-agent': deep })),
    ),
    form: fc.oneof(
      hostileForm,
      deepValue.map((deep) => ({ ct_started_at: deep })),
    ),
    pageUrl: fc.oneof(hostileValue, fc.webUrl()),
    commentType: fc.oneof(hostileValue, fc.constantFrom('contact', 'registration')),
    relevance: fc.oneof(
      hostileValue,
      fc.record({ pageText: fieldValue, approvedMessages: fieldValue }, { requiredKeys: [] }),
    ),
    verifiedStartedAt: fc.oneof(hostileValue, fc.double(), fc.integer()),
  },
  { requiredKeys: [] },
);

/** A CleanTalk that answers a plain allow, and remembers that the request body was JSON. */
function allowingFetch(bodies: unknown[]): typeof fetch {
  return async (_url, init) => {
    bodies.push(JSON.parse(String(init?.body)));
    return new Response('{"allow":0,"codes":"FORBIDDEN","comment":"*** <b>Spam</b> ***"}', { status: 200 });
  };
}

describe('every submission gets a verdict', () => {
  it(
    'resolves any submission object to a well-formed verdict, or rejects an unusable ip with SubmissionError',
    async () => {
      await fc.assert(
        fc.asyncProperty(method, taggedIp, submission, async (name, { ip, valid }, fields) => {
          const { lines, logger } = recordingLogger();
          const bodies: unknown[] = [];
          const verifier = createVerifier({
            authKey: KEY,
            fetch: allowingFetch(bodies),
            logger,
            timeoutMs: 1000,
          });
          const outcome = await settle(verifier[name]({ ...fields, ip } as Submission));
          if ('thrown' in outcome) {
            if (valid || !(outcome.thrown instanceof SubmissionError)) throw outcome.thrown;
            expect((outcome.thrown as SubmissionError).field).toBe('ip');
            expectNoKey(String(outcome.thrown), lines);
            return;
          }
          expectWellFormed(outcome.verdict, lines);
          if (outcome.verdict.basis === 'cleantalk') {
            // What reached CleanTalk was one JSON object carrying the key, and only there.
            expect(bodies).toHaveLength(1);
            expect((bodies[0] as { auth_key: unknown }).auth_key).toBe(KEY);
          }
        }),
        runs(100),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    'rejects a submission that is not an object with the documented TypeError',
    async () => {
      const verifier = createVerifier({
        authKey: KEY,
        fetch: allowingFetch([]),
        logger: recordingLogger().logger,
      });
      await fc.assert(
        fc.asyncProperty(
          method,
          fc.oneof(
            fc.constant(null),
            fc.constant(undefined),
            fc.string(),
            fc.double(),
            fc.boolean(),
            fc.bigInt(),
          ),
          async (name, value) => {
            await expect(verifier[name](value as never)).rejects.toThrow(TypeError);
          },
        ),
        runs(30),
      );
    },
    FUZZ_TIMEOUT,
  );
});

/** Text that sometimes carries the key, as a server echoing the request would. */
const echoing: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: hostileString },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        hostileString.filter((s) => s.length < 50),
        fc.constantFrom(KEY, `auth_key=${KEY}`, `"auth_key":"${KEY}"`),
      )
      .map(([text, key]) => `${text}${key}${text}`),
  },
);

/** What JSON.parse can hand back, objects keyed `__proto__`, `toString` or `constructor` included. */
const jsonish: fc.Arbitrary<unknown> = fc.anything({
  key: hostileKey,
  values: [fc.string(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null)],
  maxDepth: 3,
});

const flagValue = fc.oneof(
  fc.constantFrom(0, 1, '0', '1', -1, true, false, null, '', ' 1 ', '1.0', 2),
  jsonish,
);

/** A JSON answer shaped like CleanTalk's, every field any value. */
const cleanTalkLike = fc.record(
  {
    allow: flagValue,
    codes: fc.oneof(echoing, fc.constantFrom('FORBIDDEN BL', 'KEY_NOT_FOUND', 'ALLOWED', `FORBIDDEN ${KEY}`)),
    comment: fc.oneof(echoing, jsonish),
    id: fc.oneof(fc.stringMatching(/^[0-9a-f]{32}$/), jsonish),
    stop_queue: flagValue,
    inactive: flagValue,
    spam: flagValue,
    blacklisted: flagValue,
    js_disabled: flagValue,
    fast_submit: flagValue,
    account_status: flagValue,
    version: jsonish,
    error_no: jsonish,
    error_message: fc.oneof(echoing, jsonish),
    bot_expectation: flagValue,
    ip_frequency_24hour: flagValue,
  },
  { requiredKeys: [] },
);

/** The text of an answer: CleanTalk-like JSON, any JSON, or no JSON at all. */
const answerText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: cleanTalkLike.map((answer) => JSON.stringify(answer) ?? '') },
  { weight: 2, arbitrary: fc.json() },
  { weight: 2, arbitrary: echoing },
  { weight: 1, arbitrary: cleanTalkLike.map((answer) => (JSON.stringify(answer) ?? '').slice(0, -3)) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', 'null', '[]', '{}', '"allow"', '<html>502</html>') },
);

const NULL_BODY_STATUSES = new Set([204, 205, 304]);

/** How the stub transport behaves for one call. */
const transport = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('answer' as const),
      text: answerText,
      status: fc.oneof(
        { weight: 4, arbitrary: fc.constant(200) },
        { weight: 1, arbitrary: fc.integer({ min: 200, max: 599 }) },
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('throw' as const), value: hostileValue }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('throw-body' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('return' as const), value: hostileValue }) },
);

type Behaviour = typeof transport extends fc.Arbitrary<infer T> ? T : never;

function stubFetch(behaviour: Behaviour): typeof fetch {
  return async (_url, init) => {
    switch (behaviour.kind) {
      case 'answer':
        return new Response(NULL_BODY_STATUSES.has(behaviour.status) ? null : behaviour.text, {
          status: behaviour.status,
        });
      case 'throw':
        throw behaviour.value;
      case 'throw-body':
        // A client that quotes the request it failed to send, key and all.
        throw new Error(`request failed: ${String(init?.body)}`, { cause: { body: init?.body } });
      default:
        return behaviour.value as Response;
    }
  };
}

describe('every CleanTalk answer gets a verdict', () => {
  it(
    'resolves to a well-formed verdict, free of the key, whatever the transport answers',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          method,
          transport,
          fc.constantFrom<FailMode>('review', 'allow', 'block', 'allow-if-js'),
          async (name, behaviour, failMode) => {
            const { lines, logger } = recordingLogger();
            const options: CreateVerifierOptions = {
              authKey: KEY,
              fetch: stubFetch(behaviour),
              logger,
              failMode,
              timeoutMs: 1000,
            };
            const verdict = await createVerifier(options)[name]({
              ip: '203.0.113.7',
              email: 'ann@example.com',
              message: 'Hello',
            });
            expectWellFormed(verdict, lines);
            if (!verdict.verified) expect(verdict.error?.code).toMatch(/^CT_/);
            // An answer that arrived is never reported as a failed connection.
            if (behaviour.kind === 'answer') expect(verdict.error?.code).not.toBe('CT_CONNECTION');
          },
        ),
        runs(250),
      );
    },
    FUZZ_TIMEOUT,
  );
});

describe('every check ends', () => {
  it(
    'resolves with a timeout verdict when the transport or the start-token check never answers',
    async () => {
      const never = new Promise<never>(() => {});
      await fc.assert(
        fc.asyncProperty(
          method,
          fc.constantFrom('no-answer', 'no-body-end', 'no-token-answer'),
          fc.integer({ min: 5, max: 40 }),
          async (name, stall, timeoutMs) => {
            const { lines, logger } = recordingLogger();
            const stalled: typeof fetch = async () => {
              if (stall === 'no-answer') return never;
              if (stall === 'no-token-answer') return new Response('{"allow":1}');
              // Headers arrive, the body never ends.
              return new Response(new ReadableStream({ pull: () => never }));
            };
            const verdict = await createVerifier({
              authKey: KEY,
              fetch: stalled,
              logger,
              timeoutMs,
              startTokens: {
                verify: () =>
                  stall === 'no-token-answer' ? never : Promise.resolve({ ok: false, problem: 'malformed' }),
              },
            })[name]({ ip: '203.0.113.7', form: { ct_start_token: 'A'.repeat(76) } });
            expectWellFormed(verdict, lines);
            if (stall === 'no-token-answer') expect(verdict.startTime.problem).toBe('unavailable');
            else expect(verdict.error?.code).toBe('CT_TIMEOUT');
          },
        ),
        runs(15),
      );
    },
    FUZZ_TIMEOUT,
  );
});
