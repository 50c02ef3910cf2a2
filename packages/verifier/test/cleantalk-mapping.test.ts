import { type CheckMethod, createVerifier, LicenceError, type Verdict } from '@ct-protected-form/verifier';
import { describe, expect, it } from 'vitest';
import { widgetFields } from './helpers/widget-form.js';

/**
 * The README's table "How CleanTalk is read and fed", row by row. Each answer is what CleanTalk
 * sends; each expectation is how CleanTalk's own CMS modules act on it.
 */

const KEY = 'mapping9test8key';

/** A verifier whose CleanTalk answers `answer` to every call. */
function answering(answer: Record<string, unknown>) {
  return createVerifier({
    authKey: KEY,
    logger: { warn() {}, error() {} },
    fetch: async () =>
      new Response(JSON.stringify(answer), { headers: { 'content-type': 'application/json' } }),
  });
}

type Method = CheckMethod | 'check_bot';

function check(method: Method, answer: Record<string, unknown>): Promise<Verdict> {
  const verifier = answering(answer);
  const submission = { ip: '203.0.113.7', email: 'ann@example.com', message: 'Hello', form: widgetFields() };
  if (method === 'check_newuser') return verifier.checkNewUser(submission);
  if (method === 'check_bot') return verifier.checkBot(submission);
  return verifier.checkMessage(submission);
}

const ANSWERS: [string, Method, Record<string, unknown>, Partial<Verdict>][] = [
  ['allow 1', 'check_message', { allow: 1, codes: 'ALLOWED' }, { decision: 'allow', inactive: false }],
  ['allow 1', 'check_newuser', { allow: 1, codes: 'ALLOWED' }, { decision: 'allow', inactive: false }],
  ['allow 1', 'check_bot', { allow: 1, codes: 'ALLOWED' }, { decision: 'allow' }],
  [
    'allow 0, stop_queue 1 (definitely spam)',
    'check_message',
    { allow: 0, stop_queue: '1', codes: 'FORBIDDEN BL', blacklisted: '1' },
    { decision: 'block', codes: ['FORBIDDEN', 'BL'], flags: { stopQueue: true, blacklisted: true } },
  ],
  [
    'allow 0, stop_queue 1 (definitely spam)',
    'check_newuser',
    { allow: 0, stop_queue: 1, codes: 'FORBIDDEN BL' },
    { decision: 'block', flags: { stopQueue: true } },
  ],
  [
    'allow 0, stop_queue 0 (manual moderation)',
    'check_message',
    { allow: 0, stop_queue: '0', codes: 'MANUAL' },
    { decision: 'review', codes: ['MANUAL'], flags: { stopQueue: false } },
  ],
  [
    'allow 0 without stop_queue (read as 0)',
    'check_message',
    { allow: 0, codes: 'MANUAL' },
    { decision: 'review' },
  ],
  [
    'allow 0, stop_queue 0 (a registration is refused all the same)',
    'check_newuser',
    { allow: 0, stop_queue: 0, codes: 'MANUAL' },
    { decision: 'block', flags: { stopQueue: false } },
  ],
  ['allow 0 (token-only check)', 'check_bot', { allow: 0, codes: 'DENIED' }, { decision: 'block' }],
  [
    'allow 1, inactive 1 (create the account inactive)',
    'check_newuser',
    { allow: 1, inactive: '1', codes: 'ALLOWED' },
    { decision: 'review', inactive: true },
  ],
  [
    'allow 1, inactive 1 on a message (no account to create)',
    'check_message',
    { allow: 1, inactive: 1 },
    { decision: 'allow', inactive: true },
  ],
  [
    'allow 1, stop_queue 1 (allowed wins)',
    'check_message',
    { allow: 1, stop_queue: 1 },
    { decision: 'allow', flags: { stopQueue: true } },
  ],
  [
    'every flag and unknown code kept',
    'check_message',
    {
      allow: 0,
      stop_queue: 1,
      codes: 'FORBIDDEN SOMETHING_NEW',
      spam: 1,
      blacklisted: 0,
      js_disabled: '1',
      fast_submit: '0',
    },
    {
      decision: 'block',
      codes: ['FORBIDDEN', 'SOMETHING_NEW'],
      flags: { spam: true, blacklisted: false, jsDisabled: true, fastSubmit: false, stopQueue: true },
    },
  ],
];

describe('CleanTalk answer → verdict', () => {
  it.each(ANSWERS)('%s on %s', async (_name, method, answer, expected) => {
    const verdict = await check(method, answer);
    expect(verdict).toMatchObject({ verified: true, basis: 'cleantalk', method, ...expected });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['KEY_NOT_FOUND', { allow: 0, codes: 'KEY_NOT_FOUND', account_status: 0 }, 'KEY_NOT_FOUND'],
    [
      'account_status 0 without a licence code',
      { allow: 1, codes: 'ALLOWED', account_status: 0 },
      'account_status: 0',
    ],
    [
      'account_status "0" with a refusal',
      { allow: 0, stop_queue: 1, account_status: '0' },
      'account_status: 0',
    ],
  ])('%s is a licence error: unverified, failMode decides', async (_name, answer, licenceCode) => {
    for (const method of ['check_message', 'check_newuser', 'check_bot'] as const) {
      const verdict = await check(method, answer);
      expect(verdict).toMatchObject({ verified: false, basis: 'failure', decision: 'review', codes: [] });
      expect(verdict.error).toBeInstanceOf(LicenceError);
      expect((verdict.error as LicenceError).licenceCode).toBe(licenceCode);
    }
  });

  it('account_status 1 and -1 (unknown) are no licence problem', async () => {
    expect((await check('check_message', { allow: 1, account_status: 1 })).verified).toBe(true);
    expect((await check('check_message', { allow: 1, account_status: -1 })).verified).toBe(true);
  });
});
