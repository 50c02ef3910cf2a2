import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { API_ERRORS, type DevServer, startDevServer } from '../src/index.js';
import { callApi, message } from './helpers.js';

let server: DevServer;

beforeAll(async () => {
  server = await startDevServer({ denyIps: ['203.0.113.99'], allowEmails: ['friend@example.com'] });
});
afterAll(() => server.close());
beforeEach(() => server.clearRequests());

describe('check_message', () => {
  it('allows an ordinary message with the full CleanTalk answer shape and string-typed flags', async () => {
    const answer = await callApi(server, message());
    expect(answer).toEqual({
      allow: 1,
      comment: '',
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      codes: 'ALLOWED',
      spam: '0',
      blacklisted: '0',
      js_disabled: '0',
      fast_submit: '0',
      stop_queue: '0',
      inactive: '0',
      account_status: 1,
      version: '7.47',
    });
  });

  it('gives every answer a new request id', async () => {
    const first = await callApi(server, message());
    const second = await callApi(server, message());
    expect(first.id).not.toBe(second.id);
  });

  it('answers KEY_NOT_FOUND with account_status 0 for an unknown key', async () => {
    const answer = await callApi(server, message({ auth_key: 'not-a-key' }));
    expect(answer).toMatchObject({ allow: 0, codes: 'KEY_NOT_FOUND', account_status: 0 });
  });

  it('answers KEY_NOT_FOUND when the key is missing', async () => {
    const { auth_key: _, ...body } = message();
    expect(await callApi(server, body)).toMatchObject({ allow: 0, codes: 'KEY_NOT_FOUND' });
  });

  it.each([
    ['ct-devserver-trial-expired', 'TRIAL_EXPIRED'],
    ['ct-devserver-disabled', 'SERVICE_DISABLED'],
    ['ct-devserver-freezed', 'SERVICE_FREEZED'],
  ])('answers the licence code for the special key %s', async (key, code) => {
    const answer = await callApi(server, message({ auth_key: key, sender_email: 'stop_email@example.com' }));
    expect(answer).toMatchObject({ allow: 0, codes: code, account_status: 0 });
  });

  it('rejects the documented test address as blacklisted', async () => {
    for (const email of ['stop_email@example.com', 'S@CleanTalk.org']) {
      const answer = await callApi(server, message({ sender_email: email }));
      expect(answer).toMatchObject({
        allow: 0,
        codes: 'FORBIDDEN BL',
        blacklisted: '1',
        spam: '1',
        comment: '*** Forbidden. Sender blacklisted. ***',
      });
    }
  });

  it('rejects a blacklisted IP, whatever way an IPv6 address is written', async () => {
    for (const ip of ['192.0.2.66', '2001:DB8:0:0:0:0:0:66', '::ffff:198.51.100.66']) {
      expect(await callApi(server, message({ sender_ip: ip }))).toMatchObject({ codes: 'FORBIDDEN BL' });
    }
  });

  it('rejects a message with a stop word with an HTML comment the client must strip', async () => {
    const answer = await callApi(server, message({ message: 'Please buy my STOP_WORD now' }));
    expect(answer).toMatchObject({ allow: 0, codes: 'STOP_LIST', spam: '1' });
    expect(answer.comment).toMatch(/^\*\*\* .*<a href=.*<\/p> \*\*\*$/);
  });

  it('rejects a disposable email domain', async () => {
    const answer = await callApi(server, message({ sender_email: 'someone@Mailinator.com' }));
    expect(answer).toMatchObject({ allow: 0, codes: 'EMAIL_DOMAIN_DISPOSABLE' });
  });

  it('rejects a message with more than three links but accepts one with three', async () => {
    const three = 'see https://a.example http://b.example www.c.example';
    expect(await callApi(server, message({ message: three }))).toMatchObject({ allow: 1 });
    const four = `${three} https://d.example`;
    expect(await callApi(server, message({ message: four }))).toMatchObject({
      allow: 0,
      codes: 'CONTACTS_DATA',
    });
  });

  it('holds a message for manual moderation by email or by word', async () => {
    for (const fields of [{ sender_email: 'review@example.com' }, { message: 'please moderate_me' }]) {
      const answer = await callApi(server, message(fields));
      expect(answer).toMatchObject({ allow: 0, codes: 'MANUAL', stop_queue: '0', spam: '0' });
    }
  });

  it('rejects a visitor without a token whose JavaScript did not run', async () => {
    for (const jsOn of [0, '0', undefined]) {
      const answer = await callApi(server, message({ js_on: jsOn }));
      expect(answer).toMatchObject({ allow: 0, codes: 'JS_DISABLED', js_disabled: '1' });
    }
  });

  it('rejects a visitor without a token who submitted in under three seconds', async () => {
    for (const submitTime of [0, 2, '2']) {
      const answer = await callApi(server, message({ submit_time: submitTime }));
      expect(answer).toMatchObject({ allow: 0, codes: 'FAST_SUBMIT', fast_submit: '1' });
    }
    expect(await callApi(server, message({ submit_time: 3 }))).toMatchObject({ allow: 1 });
  });

  it('lets a valid token stand in for JavaScript proof and submit time', async () => {
    const token = server.issueEventToken();
    const answer = await callApi(server, message({ event_token: token, js_on: 0, submit_time: 1 }));
    expect(answer).toMatchObject({ allow: 1, codes: 'ALLOWED' });
  });

  it('treats a forged 64-character token as no token', async () => {
    const forged = 'a'.repeat(64);
    const answer = await callApi(server, message({ event_token: forged, js_on: 0 }));
    expect(answer).toMatchObject({ allow: 0, codes: 'JS_DISABLED' });
  });

  it('accepts tokens issued over HTTP, as the stand-in detector gets them', async () => {
    const response = await fetch(`${server.url}/__devserver/event-token`, { method: 'POST' });
    const { event_token } = (await response.json()) as { event_token: string };
    expect(event_token).toMatch(/^[0-9a-f]{64}$/);
    expect(await callApi(server, message({ event_token, js_on: 0 }))).toMatchObject({ allow: 1 });
  });

  it('lets the private allow list win over the blacklist, and the deny list over an ordinary message', async () => {
    const allowed = await callApi(
      server,
      message({ sender_email: 'friend@example.com', message: 'stop_word' }),
    );
    expect(allowed).toMatchObject({ allow: 1, codes: 'ALLOWED_PRIV_LIST' });
    const denied = await callApi(server, message({ sender_ip: '203.0.113.99' }));
    expect(denied).toMatchObject({ allow: 0, codes: 'DENIED_PRIV_LIST' });
  });

  it('sees changes to the live rule lists on the next request', async () => {
    server.rules.denyEmails.push('late@example.com');
    try {
      expect(await callApi(server, message({ sender_email: 'late@example.com' }))).toMatchObject({
        codes: 'DENIED_PRIV_LIST',
      });
    } finally {
      server.rules.denyEmails.pop();
    }
    expect(await callApi(server, message({ sender_email: 'late@example.com' }))).toMatchObject({ allow: 1 });
  });
});

describe('check_newuser', () => {
  it('allows a registration and keeps the documented inactive address inactive', async () => {
    const body = message({ method_name: 'check_newuser', message: undefined });
    expect(await callApi(server, body)).toMatchObject({ allow: 1, inactive: '0' });
    const inactive = await callApi(server, { ...body, sender_email: 'inactive@example.com' });
    expect(inactive).toMatchObject({ allow: 1, inactive: '1', codes: 'ALLOWED' });
  });

  it('does not make check_message accounts inactive', async () => {
    const answer = await callApi(server, message({ sender_email: 'inactive@example.com' }));
    expect(answer).toMatchObject({ allow: 1, inactive: '0' });
  });

  it('applies the same blacklist as check_message', async () => {
    const answer = await callApi(
      server,
      message({ method_name: 'check_newuser', sender_email: 'stop_email@example.com' }),
    );
    expect(answer).toMatchObject({ allow: 0, codes: 'FORBIDDEN BL' });
  });
});

describe('answers as numbers when stringNumbers is off', () => {
  it('sends 0/1 flags as numbers', async () => {
    const plain = await startDevServer({ stringNumbers: false });
    try {
      const answer = await callApi(plain, message({ sender_email: 'stop_email@example.com' }));
      expect(answer).toMatchObject({ spam: 1, blacklisted: 1, js_disabled: 0, stop_queue: 1 });
    } finally {
      await plain.close();
    }
  });
});

describe('errors', () => {
  it('answers invalid JSON with an error object, not a crash', async () => {
    const response = await fetch(server.apiUrl, { method: 'POST', body: '{"method_name": ' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(API_ERRORS.invalidJson);
    expect(await callApi(server, message())).toMatchObject({ allow: 1 });
  });

  it('answers a JSON value that is not an object as invalid', async () => {
    const response = await fetch(server.apiUrl, { method: 'POST', body: '[1,2]' });
    expect(await response.json()).toEqual(API_ERRORS.invalidJson);
  });

  it('answers a missing and an unknown method_name', async () => {
    expect(await callApi(server, { auth_key: 'x' })).toEqual(API_ERRORS.missingMethod);
    expect(await callApi(server, { method_name: 'check_everything' })).toEqual(API_ERRORS.unknownMethod);
    expect(await callApi(server, { method_name: 42 })).toEqual(API_ERRORS.unknownMethod);
  });

  it('answers GET with 405', async () => {
    const response = await fetch(server.apiUrl);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('answers a sender IP with a zone id instead of failing with 500', async () => {
    // Found by the property tests: node:net takes `fe80::1%eth0` as IPv6, the URL parser does not.
    expect(await callApi(server, message({ sender_ip: 'fe80::1%eth0' }))).toMatchObject({ allow: 1 });
    expect(
      await callApi(server, { ...message({ sender_ip: 'fe80::1%eth0' }), method_name: 'check_bot' }),
    ).toMatchObject({ allow: 0, ip_frequency_24hour: 1 });
  });

  it('ignores a submit_time that is not a number or numeric text instead of failing with 500', async () => {
    // Found by the property tests: `"submit_time": {"toString": null}` threw in Number().
    for (const submit_time of [{ toString: null }, [{ toString: 1 }], true]) {
      expect(await callApi(server, message({ submit_time }))).toMatchObject({ allow: 1, codes: 'ALLOWED' });
    }
    expect(await callApi(server, message({ submit_time: ' 2 ' }))).toMatchObject({ codes: 'FAST_SUBMIT' });
  });

  it('decides a message nested 100 000 arrays deep instead of failing with 500', async () => {
    // Found by the property tests: `"message": [[[…]]]` overflowed the stack while reading it as text.
    const body = JSON.stringify(message()).replace(
      /"message":"[^"]*"/,
      `"message":${'['.repeat(100_000)}"stop_word"${']'.repeat(100_000)}`,
    );
    const response = await fetch(server.apiUrl, { method: 'POST', body });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ allow: 1, codes: 'ALLOWED' });
  });

  it('answers a body over the limit with 413 and keeps serving', async () => {
    const response = await fetch(server.apiUrl, { method: 'POST', body: 'x'.repeat(2 * 1024 * 1024 + 1) });
    expect(response.status).toBe(413);
    expect(await callApi(server, message())).toMatchObject({ allow: 1 });
  });
});

describe('check_bot', () => {
  const bot = (fields: Record<string, unknown>) => ({
    method_name: 'check_bot',
    auth_key: 'ct-devserver-key',
    sender_ip: '198.51.100.7',
    ...fields,
  });

  it('allows a token this server issued with a low, string-typed bot expectation', async () => {
    const answer = await callApi(server, bot({ event_token: server.issueEventToken() }));
    expect(answer).toMatchObject({ allow: 1, bot_expectation: '0.1' });
    expect(answer.ip_frequency_24hour).toEqual(expect.any(Number));
  });

  it('rejects an unknown or absent token with a high bot expectation', async () => {
    for (const token of ['f'.repeat(64), undefined]) {
      const answer = await callApi(server, bot({ event_token: token }));
      expect(answer.allow).toBe(0);
      expect(Number(answer.bot_expectation)).toBeGreaterThan(0.9);
    }
  });

  it('counts the requests of one sender IP in its frequency figures', async () => {
    const ip = '198.51.100.200';
    await callApi(server, bot({ sender_ip: ip }));
    const answer = await callApi(server, bot({ sender_ip: ip }));
    expect(answer).toMatchObject({ ip_frequency_24hour: 2, ip_frequency_1hour: 2, ip_frequency_10min: 2 });
  });

  it('answers KEY_NOT_FOUND for an unknown key', async () => {
    const answer = await callApi(server, bot({ auth_key: 'wrong' }));
    expect(answer).toMatchObject({ allow: 0, codes: 'KEY_NOT_FOUND', account_status: 0 });
  });
});

describe('send_feedback', () => {
  const id = (digit: string) => digit.repeat(32);

  it('counts well-formed feedback items', async () => {
    const answer = await callApi(server, {
      method_name: 'send_feedback',
      auth_key: 'ct-devserver-key',
      feedback: `${id('a')}:1;${id('b')}:0;`,
    });
    expect(answer).toEqual({ received: 2, comment: 'OK' });
  });

  it('does not count malformed items', async () => {
    const answer = await callApi(server, {
      method_name: 'send_feedback',
      auth_key: 'ct-devserver-key',
      feedback: `${id('c')}:1;short:1;${id('d')}:2;${id('e')};;${id('f')}:0`,
    });
    expect(answer).toEqual({ received: 2, comment: 'OK' });
  });

  it('takes nothing with an unknown key', async () => {
    const answer = await callApi(server, {
      method_name: 'send_feedback',
      auth_key: 'x',
      feedback: `${id('a')}:1;`,
    });
    expect(answer).toMatchObject({ received: 0, codes: 'KEY_NOT_FOUND' });
  });
});
