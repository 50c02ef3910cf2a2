import { DEFAULT_AUTH_KEY, type DevServer, startDevServer } from '@ct-protected-form/devserver';
import { FIELDS } from '@ct-protected-form/fields';
import {
  type CreateVerifierOptions,
  createMemoryReplayStore,
  createStartTokens,
  createVerifier,
  OptionsError,
  type ReplayStore,
  type Submission,
} from '@ct-protected-form/verifier';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const SECRET = 'policy-test-secret-0123456789abcdef';
let server: DevServer;

beforeAll(async () => {
  server = await startDevServer({ port: 0, quiet: true });
});
afterAll(() => server.close());
afterEach(() => server.setFault(null));

const logger = { warn() {}, error() {} };

function setup(
  options: Partial<CreateVerifierOptions> = {},
  replayStore?: ReplayStore,
  log: CreateVerifierOptions['logger'] = logger,
) {
  let time = Date.now();
  const now = () => time;
  const startTokens = createStartTokens({ secrets: [SECRET], now, ...(replayStore ? { replayStore } : {}) });
  const verifier = createVerifier({
    authKey: DEFAULT_AUTH_KEY,
    endpoint: server.apiUrl,
    timeoutMs: 1000,
    logger: log,
    now,
    startTokens,
    ...options,
  });
  return { startTokens, verifier, advance: (ms: number) => (time += ms) };
}

const sent = () => server.lastRequest('check_message')?.body as Record<string, unknown>;
const problemSent = () => JSON.parse(String(sent().sender_info)).start_time_problem;

function submission(token: string, overrides: Partial<Submission> = {}): Submission {
  const startedAt = String(Date.now() - 5_000);
  return {
    ip: '203.0.113.9',
    email: 'ann@example.com',
    message: 'Hello there.',
    form: {
      [FIELDS.startedAt]: startedAt,
      [FIELDS.startToken]: token,
      // A detector token CleanTalk issued: its answer then does not hang on js_on, so the policy shows.
      [FIELDS.eventToken]: server.issueEventToken(),
    },
    ...overrides,
  };
}

describe('signed start tokens in a check', () => {
  it('measures submit_time on the server clock from a valid token', async () => {
    const { startTokens, verifier, advance } = setup();
    const token = await startTokens.issue();
    advance(42_000);
    const verdict = await verifier.checkMessage(submission(token));
    expect(verdict).toMatchObject({
      decision: 'allow',
      startTime: { source: 'signed', submitTimeSeconds: 42 },
    });
    expect(verdict.startTime.problem).toBeUndefined();
    expect(server.lastRequest('check_message')?.body).toMatchObject({ submit_time: 42 });
  });

  it('holds a replayed token for review by default, keeping the submission', async () => {
    const { startTokens, verifier, advance } = setup();
    const token = await startTokens.issue();
    advance(10_000);
    expect((await verifier.checkMessage(submission(token))).decision).toBe('allow');
    const replay = await verifier.checkMessage(submission(token));
    expect(replay).toMatchObject({
      decision: 'review',
      verified: true,
      jsProven: false,
      startTime: { source: 'none', problem: 'replayed' },
      reason: 'Your message is held for moderation.',
    });
    // The bot's own clock fields are not believed beside a refused token.
    expect(sent()).not.toHaveProperty('submit_time');
    expect(sent()).toMatchObject({ js_on: 0 });
    expect(problemSent()).toBe('replayed');
  });

  it.each([
    ['early', 1_000],
    ['expired', 5 * 3_600_000],
  ] as const)('holds a token sent back %s for review, and says so to CleanTalk', async (problem, after) => {
    const { startTokens, verifier, advance } = setup();
    const token = await startTokens.issue();
    advance(after);
    expect(await verifier.checkMessage(submission(token))).toMatchObject({
      decision: 'review',
      startTime: { source: 'none', problem },
    });
    expect(problemSent()).toBe(problem);
  });

  it('holds a token from another session cookie for review as foreign', async () => {
    const { startTokens, verifier, advance } = setup();
    const token = await startTokens.issue({ session: 'AAAAAAAAAAAAAAAAAAAAAA' });
    advance(10_000);
    const elsewhere = { headers: { cookie: 'ct_pf_session=BBBBBBBBBBBBBBBBBBBBBB' } };
    expect(await verifier.checkMessage(submission(token, elsewhere))).toMatchObject({
      decision: 'review',
      startTime: { problem: 'foreign' },
    });
    const home = { headers: { cookie: 'theme=dark; ct_pf_session=AAAAAAAAAAAAAAAAAAAAAA' } };
    expect(await verifier.checkMessage(submission(token, home))).toMatchObject({
      decision: 'allow',
      jsProven: true,
      startTime: { source: 'signed' },
    });
  });

  it('finds the session cookie behind 12 KB of other cookies (analytics, consent, A/B tests)', async () => {
    const { startTokens, verifier, advance } = setup();
    const token = await startTokens.issue({ session: 'AAAAAAAAAAAAAAAAAAAAAA' });
    advance(10_000);
    const others = Array.from({ length: 60 }, (_, i) => `_ga_${i}=${'x'.repeat(200)}`).join('; ');
    const cookie = `${others}; ct_pf_session=AAAAAAAAAAAAAAAAAAAAAA`;
    expect(cookie.length).toBeGreaterThan(12_000);
    expect(await verifier.checkMessage(submission(token, { headers: { cookie } }))).toMatchObject({
      decision: 'allow',
      jsProven: true,
      startTime: { source: 'signed' },
    });
  });

  it.each([
    ['review', 'review'],
    ['block', 'block'],
    ['ignore', 'allow'],
  ] as const)(
    'with invalidStartToken %s, a tampered token makes an allowed submission %s',
    async (policy, decision) => {
      const { startTokens, verifier, advance } = setup({ invalidStartToken: policy });
      const token = await startTokens.issue();
      advance(10_000);
      const tampered = `${token.slice(0, 20)}${token[20] === 'A' ? 'B' : 'A'}${token.slice(21)}`;
      const verdict = await verifier.checkMessage(submission(tampered));
      expect(verdict.decision).toBe(decision);
      expect(verdict.startTime.problem).toBe('tampered');
      if (decision === 'block') expect(verdict.reason).toMatch(/reload the page/);
    },
  );

  it('never relaxes a stricter decision: CleanTalk’s block stays a block', async () => {
    const { startTokens, verifier } = setup();
    const verdict = await verifier.checkMessage(
      submission(`${(await startTokens.issue()).slice(0, -2)}zz`, { email: 'stop_email@example.com' }),
    );
    expect(verdict).toMatchObject({ decision: 'block', codes: expect.arrayContaining(['BL']) });
    expect(verdict.reason).toBe('Forbidden. Sender blacklisted.');
  });

  it('applies to checks CleanTalk could not verify, even under failMode allow', async () => {
    const { verifier } = setup({ failMode: 'allow' });
    server.setFault({ status: 500 });
    const verdict = await verifier.checkMessage(submission('not-a-token'));
    expect(verdict).toMatchObject({
      decision: 'review',
      basis: 'failure',
      startTime: { problem: 'malformed' },
    });
  });

  it('holds the submission for review when the replay store cannot answer, and answers in bounded time', async () => {
    const hanging: ReplayStore = { claim: () => new Promise(() => {}) };
    const { startTokens, verifier, advance } = setup({ timeoutMs: 300 }, hanging);
    const token = await startTokens.issue();
    advance(10_000);
    const verdict = await verifier.checkMessage(submission(token));
    expect(verdict).toMatchObject({ decision: 'review', startTime: { problem: 'unavailable' } });
  });

  it('holds a submission without a token for review, timed on the visitor clock and flagged missing', async () => {
    const { verifier } = setup();
    const verdict = await verifier.checkMessage(submission(''));
    expect(verdict).toMatchObject({
      decision: 'review',
      jsProven: false,
      startTime: { source: 'client', submitTimeSeconds: 5, problem: 'missing' },
    });
    expect(sent()).toMatchObject({ submit_time: 5 });
    expect(sent()).toMatchObject({ js_on: 0 }); // the page's JavaScript test was not passed
    expect(problemSent()).toBe('missing');
    const { verifier: strict } = setup({ invalidStartToken: 'block' });
    expect((await strict.checkMessage(submission(''))).decision).toBe('block');
  });

  it('proves JavaScript by a valid token only: a detector token and the widget’s ct_js prove nothing', async () => {
    const { verifier } = setup({ failMode: 'allow-if-js' });
    server.setFault({ status: 500 });
    const startedAt = String(Date.now() - 60_000);
    const bot = await verifier.checkMessage({
      ip: '203.0.113.9',
      message: 'Buy now',
      form: {
        [FIELDS.startedAt]: startedAt,
        // What older widgets sent: a checksum of the start time anyone can compute.
        ct_js: '1x9k2fa',
        [FIELDS.eventToken]: 'x'.repeat(64),
      },
    });
    expect(bot).toMatchObject({ decision: 'review', basis: 'failure', jsProven: false, eventToken: true });
  });

  it('under failMode allow-if-js publishes a submission with a valid token while CleanTalk fails', async () => {
    const { startTokens, verifier, advance } = setup({ failMode: 'allow-if-js' });
    const token = await startTokens.issue();
    advance(8_000);
    server.setFault({ status: 500 });
    expect(await verifier.checkMessage(submission(token))).toMatchObject({
      decision: 'allow',
      basis: 'failure',
      jsProven: true,
    });
  });

  it('falls back to the visitor clock with one log line when the replay store is full', async () => {
    const warnings: string[] = [];
    const log = { warn: (message: string) => warnings.push(message), error() {} };
    const { startTokens, verifier, advance } = setup({}, createMemoryReplayStore({ maxEntries: 1 }), log);
    const tokens = await Promise.all([1, 2, 3].map(() => startTokens.issue()));
    advance(10_000);
    const verdicts = [];
    for (const token of tokens) verdicts.push(await verifier.checkMessage(submission(token)));
    expect(verdicts.map((v) => v.decision)).toEqual(['allow', 'allow', 'allow']);
    expect(verdicts[0]?.startTime).toMatchObject({ source: 'signed', submitTimeSeconds: 10 });
    expect(verdicts[1]?.startTime).toEqual({ source: 'client', submitTimeSeconds: 15 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/replay store is full/);
  });

  it('rejects an unknown policy when the verifier is created', () => {
    expect(() => createVerifier({ authKey: DEFAULT_AUTH_KEY, invalidStartToken: 'allow' as never })).toThrow(
      OptionsError,
    );
  });
});
