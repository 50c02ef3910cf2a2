import { FIELDS } from '@ct-protected-form/fields';
import {
  type CreateVerifierOptions,
  createVerifier,
  LicenceError,
  TimeoutError,
} from '@ct-protected-form/verifier';
import { describe, expect, it, vi } from 'vitest';
import { buildBotRequest, readBotAnswer } from '../../src/check/check-bot.js';
import { readClientSignals } from '../../src/check/signals.js';
import { useLocalCleanTalk } from '../helpers/local-cleantalk.js';
import { stubStartTokens } from '../helpers/widget-form.js';

const KEY = 'bot7check6key5secret';
const local = useLocalCleanTalk([KEY]);

function verifier(options: Partial<CreateVerifierOptions> = {}) {
  const logger = { warn: vi.fn(), error: vi.fn() };
  return createVerifier({ authKey: KEY, endpoint: local.server.apiUrl, timeoutMs: 1000, logger, ...options });
}

const login = (token: string, extra: Record<string, string> = {}) => ({
  ip: '198.51.100.23',
  headers: { 'user-agent': 'Mozilla/5.0 Test', referer: 'https://shop.example/login', cookie: 'sid=1' },
  form: { username: 'ann', password: 'hunter2', [FIELDS.eventToken]: token, ...extra },
});

describe('checkBot against a CleanTalk-compatible server', () => {
  it('allows a visitor whose token the detector issued, with the bot estimate and IP frequencies as numbers', async () => {
    const verdict = await verifier().checkBot(login(local.server.issueEventToken()));
    expect(verdict).toMatchObject({
      method: 'check_bot',
      decision: 'allow',
      verified: true,
      basis: 'cleantalk',
      eventToken: true,
      botExpectation: 0.1,
    });
    expect(verdict.ipFrequency).toEqual({ day: 1, hour: 1, tenMinutes: 1 });
    expect(verdict.requestId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('counts the IP frequencies up across checks from the same address', async () => {
    const check = verifier();
    await check.checkBot({ ...login(local.server.issueEventToken()), ip: '198.51.100.99' });
    const second = await check.checkBot({ ...login(local.server.issueEventToken()), ip: '198.51.100.99' });
    expect(second.ipFrequency?.tenMinutes).toBe(2);
  });

  it('sends the token, the IP and the page but nothing the visitor typed', async () => {
    const token = local.server.issueEventToken();
    await verifier().checkBot(login(token));
    const body = local.server.lastRequest('check_bot')?.body as Record<string, unknown>;
    expect(body).toMatchObject({
      method_name: 'check_bot',
      auth_key: KEY,
      event_token: token,
      sender_ip: '198.51.100.23',
      page_url: 'https://shop.example/login',
    });
    expect(JSON.parse(String(body.sender_info))).toMatchObject({
      REFERRER: 'https://shop.example/login',
      USER_AGENT: 'Mozilla/5.0 Test',
    });
    expect(JSON.stringify(body)).not.toMatch(/hunter2|"ann"|sid=1/);
    expect(body).not.toHaveProperty('message');
  });

  it('blocks a forged token with a display-safe reason', async () => {
    const verdict = await verifier().checkBot(login('f'.repeat(64)));
    expect(verdict).toMatchObject({ decision: 'block', verified: true, botExpectation: 0.95 });
    expect(verdict.reason).not.toMatch(/[*<>]/);
    expect(verdict.reason.length).toBeGreaterThan(0);
  });

  it('blocks a filled honeypot without asking CleanTalk', async () => {
    const verdict = await verifier().checkBot(
      login(local.server.issueEventToken(), { [FIELDS.honeypot]: 'x' }),
    );
    expect(verdict).toMatchObject({ method: 'check_bot', decision: 'block', basis: 'honeypot' });
    expect(local.server.lastRequest('check_bot')).toBeUndefined();
  });

  it('follows the fail mode and answers by the deadline when CleanTalk hangs', async () => {
    local.server.setFault({ drop: 'hang', paths: ['api'] });
    // allow-if-js takes a valid start token as evidence; a detector token alone is not.
    const verdict = await verifier({
      timeoutMs: 200,
      failMode: 'allow-if-js',
      startTokens: stubStartTokens,
    }).checkBot(login(local.server.issueEventToken(), { [FIELDS.startToken]: 'stub:10' }));
    expect(verdict).toMatchObject({ decision: 'allow', verified: false, basis: 'failure' });
    expect(verdict.error).toBeInstanceOf(TimeoutError);
    expect(verdict.botExpectation).toBeUndefined();
  });

  it('reports a refused key as a licence error, never as a bot', async () => {
    const logger = { warn: vi.fn(), error: vi.fn() };
    const verdict = await createVerifier({
      authKey: 'ct-devserver-trial-expired',
      endpoint: local.server.apiUrl,
      logger,
    }).checkBot(login(local.server.issueEventToken()));
    expect(verdict).toMatchObject({ decision: 'review', basis: 'failure' });
    expect(verdict.error).toBeInstanceOf(LicenceError);
    expect(logger.error).toHaveBeenCalledOnce();
    expect(logger.error.mock.calls[0]?.[0]).not.toContain('ct-devserver-trial-expired');
  });
});

describe('check_bot request and answer', () => {
  it('leaves the token out when the form has none', () => {
    const request = buildBotRequest(
      { ip: '192.0.2.1' },
      { authKey: 'k', ip: '192.0.2.1', signals: readClientSignals({}), startTime: { source: 'none' } },
    );
    expect(request).not.toHaveProperty('event_token');
    expect(request).not.toHaveProperty('page_url');
  });

  it('ignores estimates outside 0..1 and frequencies that are not counts', () => {
    expect(
      readBotAnswer({
        bot_expectation: '1.5',
        ip_frequency_24hour: '-1',
        ip_frequency_1hour: 'x',
        ip_frequency_10min: '3',
      }),
    ).toEqual({ ipFrequency: { tenMinutes: 3 } });
    expect(readBotAnswer(null)).toEqual({});
  });
});
