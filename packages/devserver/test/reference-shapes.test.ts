import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevServer, startDevServer } from '../src/index.js';
import { callApi, message } from './helpers.js';

/**
 * The devserver's answers against the shapes CleanTalk documents and its own integrations read
 * (the project's CleanTalk API reference sheet), not against this project's reading of them:
 * the documented test address is `allow 0, stop_queue 1, FORBIDDEN BL` with CleanTalk's comment,
 * `stop_queue 0` with `allow 0` is the moderation answer, `account_status 0` goes with a refused key.
 */
let server: DevServer;

beforeAll(async () => {
  server = await startDevServer();
});
afterAll(() => server.close());

/** 0/1 flag, as a number or a numeric string: CleanTalk sends both. */
const flag = expect.stringMatching(/^[01]$/);

describe('answers shaped as the reference sheet documents them', () => {
  it.each(['check_message', 'check_newuser'])(
    '%s: the documented test address is rejected at once (allow 0, stop_queue 1, FORBIDDEN BL)',
    async (method) => {
      const answer = await callApi(
        server,
        message({ method_name: method, sender_email: 'stop_email@example.com' }),
      );
      expect(answer).toMatchObject({
        allow: 0,
        stop_queue: '1',
        codes: 'FORBIDDEN BL',
        comment: '*** Forbidden. Sender blacklisted. ***',
        blacklisted: '1',
      });
    },
  );

  it('the documented moderation marker answers allow 0, stop_queue 0: hold for a person', async () => {
    const answer = await callApi(server, message({ message: 'Is this on topic? moderate_me' }));
    expect(answer).toMatchObject({ allow: 0, stop_queue: '0', codes: 'MANUAL' });
    expect(answer.comment).toMatch(/^\*\*\* .+ \*\*\*$/);
  });

  it('every other refusal is final: stop_queue 1', async () => {
    for (const fields of [
      { message: 'stop_word' },
      { sender_email: 'x@mailinator.com' },
      { js_on: 0 },
      { submit_time: 1 },
    ]) {
      expect(await callApi(server, message(fields))).toMatchObject({ allow: 0, stop_queue: '1' });
    }
  });

  it('a check answer carries every documented field, flags as 0/1', async () => {
    const answer = await callApi(server, message());
    expect(answer).toEqual({
      allow: 1,
      comment: expect.any(String),
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      codes: expect.stringMatching(/^[A-Z_]+( [A-Z_]+)*$/),
      spam: flag,
      blacklisted: flag,
      js_disabled: flag,
      fast_submit: flag,
      stop_queue: flag,
      inactive: flag,
      account_status: 1,
      version: expect.stringMatching(/^\d+\.\d+$/),
    });
  });

  it('a refused key answers its licence code with account_status 0', async () => {
    const answer = await callApi(server, message({ auth_key: 'not-a-key' }));
    expect(answer).toMatchObject({ allow: 0, codes: 'KEY_NOT_FOUND', account_status: 0 });
  });

  it('check_newuser: an account to create inactive is allow 1, inactive 1', async () => {
    const answer = await callApi(
      server,
      message({ method_name: 'check_newuser', sender_email: 'inactive@example.com' }),
    );
    expect(answer).toMatchObject({ allow: 1, inactive: '1' });
  });

  it('send_feedback answers received and OK', async () => {
    const id = '0123456789abcdef0123456789abcdef';
    const answer = await callApi(
      server,
      message({ method_name: 'send_feedback', feedback: `${id}:1;${id}:0;` }),
    );
    expect(answer).toEqual({ received: 2, comment: 'OK' });
  });
});
