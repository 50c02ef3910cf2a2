import { DEFAULT_AUTH_KEY, type DevServer, startDevServer } from '@ct-protected-form/devserver';
import { FIELDS, jsProof } from '@ct-protected-form/fields';
import {
  type CreateVerifierOptions,
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

function setup(options: Partial<CreateVerifierOptions> = {}, replayStore?: ReplayStore) {
  let time = Date.now();
  const now = () => time;
  const startTokens = createStartTokens({ secrets: [SECRET], now, ...(replayStore ? { replayStore } : {}) });
  const verifier = createVerifier({
    authKey: DEFAULT_AUTH_KEY,
    endpoint: server.apiUrl,
    timeoutMs: 1000,
    logger,
    now,
    startTokens,
    ...options,
  });
  return { startTokens, verifier, advance: (ms: number) => (time += ms) };
}

function submission(token: string, overrides: Partial<Submission> = {}): Submission {
  const startedAt = String(Date.now() - 5_000);
  return {
    ip: '203.0.113.9',
    email: 'ann@example.com',
    message: 'Hello there.',
    form: {
      [FIELDS.startedAt]: startedAt,
      [FIELDS.jsProof]: jsProof(startedAt),
      [FIELDS.startToken]: token,
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
      startTime: { source: 'client', problem: 'replayed' },
      reason: 'Your message is held for moderation.',
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

  it('uses the visitor clock, unflagged by the policy, when no token was sent', async () => {
    const { verifier } = setup({ invalidStartToken: 'block' });
    const verdict = await verifier.checkMessage(submission(''));
    expect(verdict).toMatchObject({ decision: 'allow', startTime: { source: 'client' } });
  });

  it('rejects an unknown policy when the verifier is created', () => {
    expect(() => createVerifier({ authKey: DEFAULT_AUTH_KEY, invalidStartToken: 'allow' as never })).toThrow(
      OptionsError,
    );
  });
});
