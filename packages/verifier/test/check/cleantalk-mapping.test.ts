import { FIELDS } from '@ct-protected-form/fields';
import {
  type CheckMethod,
  type CreateVerifierOptions,
  createStartTokens,
  createVerifier,
  LicenceError,
  type Submission,
  type Verdict,
} from '@ct-protected-form/verifier';
import { describe, expect, it } from 'vitest';
import { useLocalCleanTalk } from '../helpers/local-cleantalk.js';
import { widgetFields } from '../helpers/widget-form.js';

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

const local = useLocalCleanTalk([KEY]);

const FORM_PAGE = 'https://blog.example/posts/1';
const SEARCH = 'https://search.example/?q=tomatoes';

/** What the local CleanTalk received for one check of `submission`. */
async function sent(
  submission: Partial<Submission>,
  options: Partial<CreateVerifierOptions> = {},
): Promise<Record<string, unknown>> {
  const verifier = createVerifier({ authKey: KEY, endpoint: local.server.apiUrl, ...options });
  await verifier.checkMessage({ ip: '203.0.113.7', message: 'Hello', ...submission });
  const body = local.server.lastRequest('check_message')?.body as Record<string, unknown>;
  return {
    ...body,
    sender_info: JSON.parse(String(body.sender_info)),
    post_info: JSON.parse(String(body.post_info)),
  };
}

const WIDGET = { form: widgetFields(12, { [FIELDS.pageUrl]: FORM_PAGE, [FIELDS.referrer]: SEARCH }) };
const DIRECT = { form: widgetFields(12, { [FIELDS.pageUrl]: FORM_PAGE, [FIELDS.referrer]: '' }) };
const POSTED_FROM_FORM_PAGE = { headers: { referer: FORM_PAGE } };

const SENT: [string, Partial<Submission>, Partial<CreateVerifierOptions>, Record<string, unknown>][] = [
  [
    'REFERRER / REFFERRER: the submission’s Referer header',
    { ...WIDGET, ...POSTED_FROM_FORM_PAGE },
    {},
    { sender_info: expect.objectContaining({ REFERRER: FORM_PAGE, REFFERRER: FORM_PAGE }) },
  ],
  [
    'REFERRER without a Referer header: the page URL the widget reports',
    WIDGET,
    {},
    { sender_info: expect.objectContaining({ REFERRER: FORM_PAGE, REFFERRER: FORM_PAGE }) },
  ],
  [
    'REFFERRER_PREVIOUS: where the visitor was before the form page',
    { ...WIDGET, ...POSTED_FROM_FORM_PAGE },
    {},
    { sender_info: expect.objectContaining({ REFFERRER_PREVIOUS: SEARCH }) },
  ],
  [
    'REFFERRER_PREVIOUS left out for a page opened directly',
    { ...DIRECT, ...POSTED_FROM_FORM_PAGE },
    {},
    { sender_info: expect.not.objectContaining({ REFFERRER_PREVIOUS: expect.anything() }) },
  ],
  [
    'post_info.post_url: the page that showed the form',
    { ...WIDGET, headers: { referer: 'https://blog.example/other' } },
    {},
    { post_info: { comment_type: 'comment', post_url: FORM_PAGE } },
  ],
  [
    'event_token_enabled 1 and the token, with a token; the token alone is no proof that JavaScript ran',
    { form: widgetFields(12, { [FIELDS.eventToken]: 'a'.repeat(64) }) },
    {},
    { event_token_enabled: 1, event_token: 'a'.repeat(64), js_on: undefined },
  ],
  [
    'event_token_enabled 1, js_on 0 and no token, for a POST without JavaScript (its start token never came back)',
    POSTED_FROM_FORM_PAGE,
    { startTokens: createStartTokens({ secrets: ['mapping-test-secret-0123456789abcdef'] }) },
    { event_token_enabled: 1, js_on: 0, event_token: undefined },
  ],
  [
    'event_token_enabled 0 only for a site configured without the detector',
    WIDGET,
    { eventTokenEnabled: false },
    { event_token_enabled: 0 },
  ],
  [
    'tz in the API page’s format',
    { form: widgetFields(12, { [FIELDS.tzOffset]: '60' }) },
    {},
    { tz: 'UTC+01' },
  ],
  [
    'tz of a half-hour zone',
    { form: widgetFields(12, { [FIELDS.tzOffset]: '330' }) },
    {},
    { tz: 'UTC+05:30' },
  ],
];

describe('submission → what CleanTalk receives', () => {
  it.each(SENT)('%s', async (_name, submission, options, expected) => {
    const body = await sent(submission, options);
    // An expected `undefined` means the field is not sent at all.
    const absent = Object.keys(expected).filter((key) => expected[key] === undefined);
    for (const key of absent) expect(body).not.toHaveProperty(key);
    expect(body).toMatchObject(
      Object.fromEntries(Object.entries(expected).filter(([key]) => !absent.includes(key))),
    );
  });

  it('a filled honeypot is decided here, without a call', async () => {
    const verifier = createVerifier({ authKey: KEY, endpoint: local.server.apiUrl });
    const verdict = await verifier.checkMessage({
      ip: '203.0.113.7',
      form: widgetFields(12, { [FIELDS.honeypot]: 'http://spam.example' }),
    });
    expect(verdict).toMatchObject({ decision: 'block', basis: 'honeypot', verified: false });
    expect(local.server.requests).toHaveLength(0);
  });
});
