import { FIELDS } from '@ct-protected-form/fields';
import { describe, expect, it } from 'vitest';
import {
  behaviourSenderInfo,
  browserSenderInfo,
  countFields,
  pageLanguage,
} from '../../src/check/browser-signals.js';
import { buildCheckRequest } from '../../src/check/request.js';
import { readClientSignals, resolveStartTime } from '../../src/check/signals.js';
import type { Submission } from '../../src/check/submission.js';

const SET_UP = 1_754_490_211;

/** A form whose `ct_behaviour` holds `data` (merged over a person-like session), as JSON. */
const withBehaviour = (data: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  [FIELDS.behaviour]: JSON.stringify({
    p: SET_UP,
    k: SET_UP + 8,
    m: [
      [312.4, 640, 1830.2],
      [318, 652.6, 1985],
    ],
    f: 15,
    w: 0,
    s: [1903, 4120, 1903, 947],
    v: ['comment', 'author', 'email'],
    i: ['comment_post_ID'],
    ...data,
  }),
  [FIELDS.tzOffset]: '180',
  ...extra,
});

describe('the fallback set in sender_info', () => {
  it('carries every key with the WordPress plugin’s name and format', () => {
    expect(behaviourSenderInfo(withBehaviour())).toEqual({
      page_set_timestamp: SET_UP,
      key_press_timestamp: SET_UP + 8,
      mouse_cursor_positions: '[[312,640,1830],[318,653,1985]]',
      mouse_moved: 'true',
      has_scrolled: 'true',
      has_key_up: 'true',
      has_input_focused: 'true',
      emulations_headless_mode: 'false',
      js_timezone: 3,
      screen_info: '{"fullWidth":1903,"fullHeight":4120,"visibleWidth":1903,"visibleHeight":947}',
      form_visible_inputs: 3,
      apbct_visible_fields: 'comment author email',
      form_invisible_inputs: 1,
      apbct_invisible_fields: 'comment_post_ID',
    });
  });

  it('sends what a session without input looks like: no press, no track, flags false', () => {
    const info = behaviourSenderInfo(withBehaviour({ k: 0, m: [], f: 0, w: 1, v: [], i: [] }));
    expect(info).toMatchObject({
      key_press_timestamp: null,
      mouse_cursor_positions: '0',
      mouse_moved: 'false',
      has_scrolled: 'false',
      has_key_up: 'false',
      has_input_focused: 'false',
      emulations_headless_mode: 'true',
      form_visible_inputs: null,
      apbct_visible_fields: null,
      form_invisible_inputs: null,
      apbct_invisible_fields: null,
    });
  });

  it('gives the time zone in hours, fractional where it is, and UTC as null', () => {
    const zone = (minutes: string) =>
      behaviourSenderInfo(withBehaviour({}, { [FIELDS.tzOffset]: minutes })).js_timezone;
    expect(zone('330')).toBe(5.5);
    expect(zone('-240')).toBe(-4);
    expect(zone('0')).toBeNull();
    expect(zone('345')).toBe(5.75);
    expect(zone('9999')).toBeUndefined();
    // No zone is 31 minutes off UTC.
    expect(zone('-31')).toBeUndefined();
  });

  it('is empty when the widget sent no fallback set (it had a token, or no consent)', () => {
    expect(behaviourSenderInfo({ [FIELDS.tzOffset]: '60' })).toEqual({});
    expect(behaviourSenderInfo({ [FIELDS.behaviour]: '' })).toEqual({});
  });

  it('drops each value that does not validate, and keeps the rest', () => {
    const info = behaviourSenderInfo(
      withBehaviour({
        p: 'now',
        k: SET_UP - 60,
        m: [
          [1, 2],
          [1, 2, 3, 4],
          ['1', 2, 3],
          [Number.MAX_VALUE, 0, 0],
          [5, 6, -1],
          [7, 8, 9],
        ],
        f: 16,
        w: true,
        s: [1, 2, 3],
        v: ['ok', 'two words', '', 42, 'x'.repeat(129), 'line\nbreak'],
      }),
    );
    expect(info).toMatchObject({ mouse_cursor_positions: '[[7,8,9]]', apbct_visible_fields: 'ok' });
    for (const key of ['page_set_timestamp', 'mouse_moved', 'emulations_headless_mode', 'screen_info']) {
      expect(info).not.toHaveProperty(key);
    }
    // Without a valid set-up time, a press time is judged alone.
    expect(info.key_press_timestamp).toBe(SET_UP - 60);
    expect(behaviourSenderInfo(withBehaviour({ k: SET_UP - 60 }))).not.toHaveProperty('key_press_timestamp');
  });

  it('caps the pointer track at 50 points and the name lists at 200 names', () => {
    const info = behaviourSenderInfo(
      withBehaviour({
        m: Array.from({ length: 80 }, (_, i) => [i, i, i * 150]),
        v: Array.from({ length: 300 }, (_, i) => `f${i}`),
      }),
    );
    expect(JSON.parse(String(info.mouse_cursor_positions))).toHaveLength(50);
    expect(info.form_visible_inputs).toBe(200);
  });

  it('drops the whole field when it is not a JSON object', () => {
    for (const value of [
      '{',
      '[1,2]',
      'null',
      '42',
      '"text"',
      `{"p":${SET_UP},"x":"${'a'.repeat(30_000)}"}`,
    ]) {
      expect(behaviourSenderInfo({ [FIELDS.behaviour]: value })).toEqual({});
    }
  });
});

describe('cms_lang, fields_number and direct_post', () => {
  it('takes the first two letters of the page language, as the plugin does with the locale', () => {
    expect(
      ['en-US', 'pt_BR', 'DE', 'fil', 'en-', '', '12', 'e', 'zh-Hant-TW'].map((lang) =>
        pageLanguage({ [FIELDS.lang]: lang }),
      ),
    ).toEqual(['en', 'pt', 'de', 'fi', undefined, undefined, undefined, undefined, 'zh']);
  });

  it('counts the posted fields as PHP counts $_POST, the hidden fields left out', () => {
    expect(countFields(new URLSearchParams('a[]=1&a[]=2&b[x]=1&c=1&c=2&ct_tz=x&ct_started_at=1'))).toBe(3);
    expect(countFields({ comment: 'x', author: 'y', [FIELDS.honeypot]: '' })).toBe(2);
    expect(countFields(new Map([['a', 1]]))).toBe(1);
    expect(countFields('a=1')).toBe(0);
    expect(countFields(['a'])).toBe(0);
    // Raw bytes (a raw body parser ran first) are no form: no field of them is counted.
    expect(countFields(Buffer.from('comment=x&author=y'))).toBe(0);
    expect(countFields(new Uint8Array(1024 * 1024))).toBe(0);
  });

  it('sends direct_post 1 for a POST with no start token and no start time, 0 otherwise', () => {
    const info = (submission: Partial<Submission>) => browserSenderInfo({ ip: '203.0.113.7', ...submission });
    expect(info({ form: { comment: 'x' } })).toMatchObject({ direct_post: 1, fields_number: 1 });
    expect(info({ form: { [FIELDS.startedAt]: '1754490211000' } }).direct_post).toBe(0);
    expect(info({ form: { [FIELDS.startToken]: 'signed' } }).direct_post).toBe(0);
    expect(info({ verifiedStartedAt: 1_754_490_211_000 }).direct_post).toBe(0);
    expect(info({ form: { a: 1 }, fieldsNumber: 7 }).fields_number).toBe(7);
    expect(info({ form: { a: 1 }, fieldsNumber: -1 }).fields_number).toBe(1);
  });
});

describe('honeypot_field', () => {
  const request = (form: Record<string, unknown>) => {
    const signals = readClientSignals(form);
    return buildCheckRequest(
      { ip: '203.0.113.7', form },
      {
        method: 'check_message',
        authKey: 'key',
        responseLang: 'en',
        eventTokenEnabled: true,
        ip: '203.0.113.7',
        signals,
        startTime: resolveStartTime(signals, Date.now(), undefined),
      },
    );
  };

  it('is 1 when the trap came back empty, 0 when filled, and absent without a trap', () => {
    expect(request({ [FIELDS.honeypot]: '' }).honeypot_field).toBe(1);
    expect(request({ [FIELDS.honeypot]: 'bot@example.com' }).honeypot_field).toBe(0);
    expect(request({})).not.toHaveProperty('honeypot_field');
  });

  it('goes with the rest of the browser signals into the request', () => {
    const sent = request({ ...withBehaviour(), [FIELDS.lang]: 'en-US', [FIELDS.honeypot]: '' });
    expect(JSON.parse(sent.sender_info)).toMatchObject({
      cms_lang: 'en',
      fields_number: 0,
      direct_post: 1,
      page_set_timestamp: SET_UP,
      mouse_moved: 'true',
    });
  });
});
