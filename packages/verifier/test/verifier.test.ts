import { inspect } from 'node:util';
import { decodeCompressedText } from '@ct-protected-form/devserver';
import { FIELDS } from '@ct-protected-form/fields';
import {
  ConnectionError,
  type CreateVerifierOptions,
  createVerifier,
  type FailMode,
  HttpStatusError,
  LicenceError,
  ResponseError,
  type Submission,
  SubmissionError,
  TimeoutError,
} from '@ct-protected-form/verifier';
import { describe, expect, it, vi } from 'vitest';
import { useLocalCleanTalk } from './helpers/local-cleantalk.js';
import { stubStartTokens, widgetFields } from './helpers/widget-form.js';

const KEY = 'wire9test8key7secret';
const local = useLocalCleanTalk([KEY]);

function verifier(options: Partial<CreateVerifierOptions> = {}) {
  const logger = { warn: vi.fn(), error: vi.fn() };
  return {
    logger,
    verifier: createVerifier({
      authKey: KEY,
      endpoint: local.server.apiUrl,
      timeoutMs: 1000,
      logger,
      startTokens: stubStartTokens,
      ...options,
    }),
  };
}

/** The body of the last request the server recorded for a method. */
function lastBody(method = 'check_message'): Record<string, unknown> {
  const request = local.server.lastRequest(method);
  if (!request) throw new Error(`the server received no ${method}`);
  return request.body as Record<string, unknown>;
}

const person = (overrides: Partial<Submission> = {}): Submission => ({
  ip: '203.0.113.7',
  email: 'ann@example.com',
  nickname: 'Ann',
  message: 'What a lovely garden.',
  headers: { 'user-agent': 'Mozilla/5.0 Test', cookie: 'session=abc', accept: 'text/html' },
  form: widgetFields(),
  ...overrides,
});

describe('checks against a CleanTalk-compatible server', () => {
  it('allows a person and sends every signal on the wire', async () => {
    const verdict = await verifier().verifier.checkMessage(person({ relevance: { pageText: 'Gardens.' } }));
    expect(verdict).toMatchObject({
      decision: 'allow',
      verified: true,
      basis: 'cleantalk',
      jsProven: true,
      reason: '',
    });
    expect(verdict.requestId).toMatch(/^[0-9a-f]{32}$/);
    expect(verdict.dashboardUrl).toBe(
      `https://cleantalk.org/my/show_requests?request_id=${verdict.requestId}`,
    );

    const body = lastBody('check_message');
    expect(body).toMatchObject({
      method_name: 'check_message',
      sender_ip: '203.0.113.7',
      sender_email: 'ann@example.com',
      sender_nickname: 'Ann',
      message: 'What a lovely garden.',
      js_on: 1,
      event_token_enabled: 1,
      submit_time: 12,
      tz: 'UTC+01',
      example: 'Gardens.',
      response_lang: 'en',
    });
    expect(body.agent).toMatch(/^ct-protected-form-\d+\.\d+\.\d+/);
    expect(JSON.parse(body.sender_info as string)).toMatchObject({
      // No Referer header in this submission: the page the widget reports stands in.
      REFERRER: 'https://blog.example/contact',
      REFFERRER_PREVIOUS: 'https://search.example/',
      USER_AGENT: 'Mozilla/5.0 Test',
      page_url: 'https://blog.example/contact',
    });
    expect(JSON.parse(body.post_info as string)).toEqual({
      comment_type: 'comment',
      post_url: 'https://blog.example/contact',
    });
    expect(JSON.parse(body.all_headers as string)).toEqual({
      'user-agent': 'Mozilla/5.0 Test',
      accept: 'text/html',
    });
  });

  it('blocks the blacklisted test address with a display-safe reason', async () => {
    const verdict = await verifier().verifier.checkMessage(person({ email: 'stop_email@example.com' }));
    expect(verdict).toMatchObject({ decision: 'block', verified: true, flags: { blacklisted: true } });
    expect(verdict.codes).toEqual(expect.arrayContaining(['FORBIDDEN', 'BL']));
    expect(verdict.reason).toBe('Forbidden. Sender blacklisted.');
  });

  it('blocks a stop word, and the reason carries no HTML', async () => {
    const verdict = await verifier().verifier.checkMessage(person({ message: 'buy stop_word now' }));
    expect(verdict.decision).toBe('block');
    expect(verdict.codes).toContain('STOP_LIST');
    expect(verdict.reason).not.toMatch(/[<>*]/);
  });

  it('holds a submission CleanTalk queues for moderation', async () => {
    const verdict = await verifier().verifier.checkMessage(person({ email: 'review@example.com' }));
    expect(verdict).toMatchObject({ decision: 'review', verified: true });
  });

  it('blocks a bot that posted the bare form without JavaScript', async () => {
    const verdict = await verifier().verifier.checkMessage(person({ form: {} }));
    expect(verdict).toMatchObject({
      decision: 'block',
      jsProven: false,
      startTime: { source: 'none', problem: 'missing' },
    });
    expect(verdict.codes).toContain('JS_DISABLED');
  });

  it('checks a registration with check_newuser', async () => {
    const verdict = await verifier().verifier.checkNewUser(person({ message: undefined }));
    expect(verdict).toMatchObject({ decision: 'allow', method: 'check_newuser' });
    const body = lastBody('check_newuser');
    expect(JSON.parse(body.post_info as string).comment_type).toBe('registration');
  });

  it('reaches CleanTalk through Node’s own HTTP client by default, not the global fetch', async () => {
    const globalFetch = vi.spyOn(globalThis, 'fetch');
    try {
      expect((await verifier().verifier.checkMessage(person())).verified).toBe(true);
      expect(globalFetch).not.toHaveBeenCalled();
    } finally {
      globalFetch.mockRestore();
    }
  });

  it('uses kept-alive connections: many checks, few connections', async () => {
    const { verifier: v } = verifier();
    const before = local.server.connectionsAccepted;
    for (let i = 0; i < 10; i++) await v.checkMessage(person());
    expect(local.server.connectionsAccepted - before).toBeLessThanOrEqual(2);
  });
});

describe('licence errors', () => {
  it.each([
    ['an unknown key', 'zz-unknown-key-123', 'KEY_NOT_FOUND'],
    ['an expired trial', 'ct-devserver-trial-expired', 'TRIAL_EXPIRED'],
    ['a disabled service', 'ct-devserver-disabled', 'SERVICE_DISABLED'],
  ])('treats %s as the site’s configuration error, logged without the key', async (_name, key, code) => {
    const logger = { warn: vi.fn(), error: vi.fn() };
    const v = createVerifier({
      authKey: key,
      endpoint: local.server.apiUrl,
      logger,
      startTokens: stubStartTokens,
    });
    const verdict = await v.checkMessage(person());
    expect(verdict).toMatchObject({ decision: 'review', verified: false, basis: 'failure', codes: [] });
    expect(verdict.error).toBeInstanceOf(LicenceError);
    expect((verdict.error as LicenceError).licenceCode).toBe(code);
    expect(logger.error).toHaveBeenCalledOnce();
    expect(String(logger.error.mock.calls[0]?.[0])).not.toContain(key);
    expect(JSON.stringify(verdict)).not.toContain(key);
    expect(verdict.error?.message).not.toContain(key);
  });
});

describe('an answer or a transport error that quotes the key', () => {
  it('keeps the key out of the verdict and the log when a custom fetch quotes the request it failed to send', async () => {
    // Found by the property tests: `throw new Error(\`request failed: ${init.body}\`)` put the key in verdict.error.
    const { verifier: v, logger } = verifier({
      fetch: async (_url, init) => {
        throw new Error(`request failed: ${String(init?.body)}`, { cause: new Error(String(init?.body)) });
      },
    });
    const verdict = await v.checkMessage(person());
    expect(verdict).toMatchObject({ verified: false, basis: 'failure' });
    expect(inspect(verdict, { depth: Infinity })).not.toContain(KEY);
    expect(inspect(logger.warn.mock.calls, { depth: Infinity })).not.toContain(KEY);
    expect(verdict.error?.message).toContain('[redacted]');
  });

  it('keeps the key out of the reason and codes when CleanTalk echoes it', async () => {
    // Found by the property tests: {"allow":0,"codes":"FORBIDDEN <key>"} put the key in verdict.codes.
    const { verifier: v } = verifier({
      fetch: async () =>
        new Response(
          JSON.stringify({
            allow: 0,
            stop_queue: 1,
            codes: `FORBIDDEN ${KEY}`,
            comment: `*** Bad key ${KEY} ***`,
          }),
        ),
    });
    const verdict = await v.checkMessage(person());
    expect(verdict).toMatchObject({ decision: 'block', codes: ['FORBIDDEN', '[redacted]'] });
    expect(verdict.reason).toBe('Bad key [redacted]');
  });
});

describe('faults, for every fail mode', () => {
  const faults = [
    ['no answer', { drop: 'hang' }, TimeoutError],
    ['a slow answer', { latencyMs: 3000 }, TimeoutError],
    ['a reset connection', { drop: 'reset' }, ConnectionError],
    ['a closed connection', { drop: 'close' }, ConnectionError],
    ['HTTP 500', { status: 500 }, HttpStatusError],
    ['HTTP 403', { status: 403 }, HttpStatusError],
    ['garbage', { body: 'garbage' }, ResponseError],
    ['truncated JSON', { body: 'truncated' }, ResponseError],
    ['an empty body', { body: 'empty' }, ResponseError],
  ] as const;
  const modes: [FailMode, boolean, string][] = [
    ['review', true, 'review'],
    ['allow', true, 'allow'],
    ['block', true, 'block'],
    ['allow-if-js', true, 'allow'],
    ['allow-if-js', false, 'review'],
  ];

  for (const [faultName, fault, errorClass] of faults) {
    it.each(modes)(
      `${faultName} under failMode %s (js proven: %s) decides %s within the timeout`,
      async (failMode, js, decision) => {
        local.server.setFault(fault);
        const timeoutMs = 400;
        const { verifier: v, logger } = verifier({ failMode, timeoutMs });
        const started = performance.now();
        const verdict = await v.checkMessage(person({ form: js ? widgetFields() : {} }));
        expect(performance.now() - started).toBeLessThan(timeoutMs + 250);
        expect(verdict).toMatchObject({ decision, verified: false, basis: 'failure', codes: [] });
        expect(verdict.error).toBeInstanceOf(errorClass);
        if (decision === 'block') expect(verdict.reason).toMatch(/try again/);
        else expect(verdict.reason).toBe('');
        expect(logger.warn).toHaveBeenCalledOnce();
        // The warning names where the check went; an HTTP error names the URL that answered.
        expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining(local.server.apiUrl));
        if (verdict.error instanceof HttpStatusError) {
          expect(verdict.error.url).toBe(local.server.apiUrl);
          expect(verdict.error.message).toContain(
            `answered HTTP ${verdict.error.status} at ${local.server.apiUrl}`,
          );
        }
      },
    );
  }

  it('counts a slow start-token check against the same deadline', async () => {
    local.server.setFault({ drop: 'hang' });
    const slowStore = {
      verify: () =>
        new Promise<{ ok: false; problem: 'unavailable' }>((resolve) =>
          setTimeout(() => resolve({ ok: false, problem: 'unavailable' }), 600),
        ),
    };
    const withTokens = createVerifier({
      authKey: KEY,
      endpoint: local.server.apiUrl,
      timeoutMs: 800,
      startTokens: slowStore,
      logger: { warn() {}, error() {} },
    });
    const started = performance.now();
    const verdict = await withTokens.checkMessage(
      person({ form: widgetFields(12, { [FIELDS.startToken]: 'x'.repeat(76) }) }),
    );
    expect(performance.now() - started).toBeLessThan(800 + 250);
    expect(verdict).toMatchObject({ verified: false, startTime: { problem: 'unavailable' } });
  });

  it('recovers as soon as the fault is gone', async () => {
    const { verifier: v } = verifier();
    local.server.setFault({ status: 502 });
    expect((await v.checkMessage(person())).verified).toBe(false);
    local.server.setFault(null);
    expect((await v.checkMessage(person())).verified).toBe(true);
  });
});

describe('hostile input', () => {
  it('throws a SubmissionError for a missing or invalid IP, a programming error', async () => {
    const { verifier: v } = verifier();
    await expect(v.checkMessage({ ...person(), ip: undefined as unknown as string })).rejects.toThrow(
      SubmissionError,
    );
    await expect(v.checkMessage(person({ ip: '1.2.3.4, 5.6.7.8' }))).rejects.toThrow(SubmissionError);
  });

  it('answers a verdict for fields of the wrong type', async () => {
    const verdict = await verifier().verifier.checkMessage({
      ip: '203.0.113.7',
      email: { $ne: '' },
      nickname: ['a', 'b'],
      message: 42,
      headers: { 'user-agent': ['x', 'y'] } as unknown as Submission['headers'],
      form: {
        [FIELDS.startedAt]: ['1', '2'] as unknown as string,
        ct_js: null as unknown as string,
      },
      commentType: 5 as unknown as string,
      relevance: 'oops' as unknown as Submission['relevance'],
    });
    expect(verdict.verified).toBe(true);
    const body = lastBody('check_message');
    expect(body).not.toHaveProperty('sender_email');
    expect(body).toMatchObject({ sender_nickname: 'a', message: '42' });
  });

  it('caps a message of several megabytes at 100 000 characters, sent compressed, and still answers', async () => {
    const verdict = await verifier({ timeoutMs: 3000 }).verifier.checkMessage(
      person({ message: 'x'.repeat(5_000_000) }),
    );
    expect(verdict.verified).toBe(true);
    expect(decodeCompressedText(String(lastBody('check_message').message))).toBe('x'.repeat(100_000));
  });

  it('does not turn a 300 KB hostile form into a 600 KB upstream body', async () => {
    // JSON escapes a control character to 6 bytes: sent plain, this message alone was 600 KB.
    const message = '\u0001'.repeat(100_000) + '"\\'.repeat(100_000);
    const relevance = { pageText: '\u001f'.repeat(100_000) };
    const verdict = await verifier({ timeoutMs: 3000 }).verifier.checkMessage(person({ message, relevance }));
    expect(verdict.verified).toBe(true);
    const received = local.server.lastRequest('check_message');
    const bytes = Number(received?.headers['content-length']);
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThan(20_000);
  });

  it('keeps the whole of a long message for CleanTalk to judge: a stop word at its end still counts', async () => {
    const message = `${'A long and honest story about tomatoes. '.repeat(1_500)} stop_word`;
    const verdict = await verifier().verifier.checkMessage(person({ message }));
    expect(lastBody('check_message').message).toMatch(/^H4sI/);
    expect(verdict).toMatchObject({ decision: 'block', codes: ['STOP_LIST'] });
  });

  it('keeps an incompressible hostile message within 32 KiB in the body', async () => {
    let text = '';
    for (let i = 0; text.length < 100_000; i++) text += String.fromCharCode(0x4e00 + ((i * 7919) % 20_000));
    await verifier({ timeoutMs: 3000 }).verifier.checkMessage(person({ message: text }));
    const sent = String(lastBody('check_message').message);
    expect(Buffer.byteLength(JSON.stringify(sent))).toBeLessThanOrEqual(32_768 + 2);
    expect(text.startsWith(sent)).toBe(true);
  });

  it('repairs invalid UTF-16 so the JSON on the wire is valid', async () => {
    await verifier().verifier.checkMessage(person({ message: 'half a pair: \ud83d and on' }));
    expect(lastBody('check_message').message).toBe('half a pair: \ufffd and on');
  });

  it('answers a verdict for a message nested 100 000 arrays deep, as a JSON body can carry', async () => {
    let message: unknown = 'x';
    for (let i = 0; i < 100_000; i++) message = [message];
    const verdict = await verifier().verifier.checkMessage(person({ message }));
    expect(verdict.verified).toBe(true);
    expect(lastBody('check_message')).not.toHaveProperty('message');
  });

  it('treats __proto__ keys in a body as plain data', async () => {
    const form = JSON.parse(`{"__proto__": {"isAdmin": true}, "${FIELDS.startedAt}": "x"}`);
    const verdict = await verifier().verifier.checkMessage(person({ form }));
    expect(verdict.verified).toBe(true);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('passes a forged 64-character token on for CleanTalk to judge, and answers', async () => {
    const verdict = await verifier().verifier.checkMessage(
      person({ form: { [FIELDS.eventToken]: 'f'.repeat(64) } }),
    );
    expect(verdict).toMatchObject({ verified: true, eventToken: true });
    expect(lastBody('check_message')).toMatchObject({
      event_token: 'f'.repeat(64),
      event_token_enabled: 1,
    });
  });

  it('sends a detector token on as a signal for CleanTalk, not as proof that JavaScript ran', async () => {
    const token = local.server.issueEventToken();
    const verdict = await verifier({ startTokens: undefined }).verifier.checkMessage(
      person({ form: { [FIELDS.eventToken]: token } }),
    );
    expect(verdict).toMatchObject({ decision: 'allow', verified: true, eventToken: true, jsProven: false });
    expect(lastBody('check_message')).toMatchObject({ event_token: token });
    expect(lastBody('check_message')).not.toHaveProperty('js_on');
  });

  it('drops a token of the wrong shape instead of sending it', async () => {
    await verifier().verifier.checkMessage(
      person({ form: { ...widgetFields(), [FIELDS.eventToken]: '<script>'.repeat(8) } }),
    );
    expect(lastBody('check_message')).toMatchObject({ event_token_enabled: 1 });
    expect(lastBody('check_message')).not.toHaveProperty('event_token');
  });

  it('refuses a start time in the future instead of sending a negative submit time', async () => {
    const future = String(Date.now() + 86_400_000);
    const verdict = await verifier().verifier.checkMessage(person({ form: { [FIELDS.startedAt]: future } }));
    expect(verdict.startTime).toEqual({ source: 'none', problem: 'future' });
    expect(lastBody('check_message')).not.toHaveProperty('submit_time');
  });

  it('does not spend a start token on a filled honeypot', async () => {
    const verify = vi.fn(async () => ({ ok: true as const, issuedAt: Date.now() - 5_000 }));
    const v = createVerifier({ authKey: KEY, endpoint: local.server.apiUrl, startTokens: { verify } });
    const form = widgetFields(12, { [FIELDS.honeypot]: 'x', [FIELDS.startToken]: 'signed' });
    expect((await v.checkMessage(person({ form }))).basis).toBe('honeypot');
    expect(verify).not.toHaveBeenCalled();
  });

  it('blocks a filled honeypot without spending a check', async () => {
    const verdict = await verifier().verifier.checkMessage(
      person({ form: widgetFields(12, { [FIELDS.honeypot]: 'x' }) }),
    );
    expect(verdict).toMatchObject({ decision: 'block', basis: 'honeypot', verified: false });
    expect(local.server.requests).toHaveLength(0);
  });
});
