import { FIELDS } from '@ct-protected-form/fields';
import { AGENT } from '@ct-protected-form/verifier';
import { describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { buildCheckRequest, utcOffset } from '../../src/check/request.js';
import { readClientSignals, resolveStartTime } from '../../src/check/signals.js';
import type { Submission } from '../../src/check/submission.js';
import { VERSION } from '../../src/version.js';

const START = 1_764_000_000_000;

function build(
  submission: Submission,
  method: 'check_message' | 'check_newuser' = 'check_message',
  eventTokenEnabled = true,
  jsEvidence?: boolean,
) {
  const signals = readClientSignals(submission.form);
  return buildCheckRequest(submission, {
    method,
    authKey: 'key',
    responseLang: 'en',
    eventTokenEnabled,
    ip: submission.ip,
    signals,
    startTime: resolveStartTime(signals, START + 10_000, undefined),
    jsEvidence,
  });
}

describe('buildCheckRequest', () => {
  it('sends every signal of a real submission', () => {
    const request = build(
      {
        ip: '203.0.113.7',
        email: 'ann@example.com',
        nickname: 'Ann',
        message: ['Nice post!', 'Second field'],
        phone: '+1 555 0100',
        headers: {
          'user-agent': 'Mozilla/5.0',
          referer: 'https://blog.example/post/1',
          cookie: 'session=secret',
          'x-forwarded-for': '203.0.113.7',
        },
        form: {
          [FIELDS.eventToken]: 'b'.repeat(64),
          [FIELDS.startedAt]: String(START),
          [FIELDS.tzOffset]: '-300',
          [FIELDS.timeZone]: 'America/New_York',
          [FIELDS.pageUrl]: 'https://blog.example/post/1',
          [FIELDS.referrer]: 'https://search.example/',
        },
        commentType: 'contact',
        relevance: { pageText: 'A post about gardens.', approvedMessages: ['Lovely roses', 'Great tips'] },
      },
      'check_message',
      true,
      true,
    );
    expect(request).toMatchObject({
      method_name: 'check_message',
      auth_key: 'key',
      agent: AGENT,
      sender_ip: '203.0.113.7',
      sender_email: 'ann@example.com',
      sender_nickname: 'Ann',
      message: 'Nice post!\nSecond field',
      phone: '+1 555 0100',
      event_token: 'b'.repeat(64),
      event_token_enabled: 1,
      js_on: 1,
      submit_time: 10,
      tz: 'UTC-05',
      response_lang: 'en',
      example: 'A post about gardens.\n\nLovely roses\n\nGreat tips',
      x_forwarded_for: '203.0.113.7',
    });
    expect(JSON.parse(request.sender_info)).toEqual({
      REFERRER: 'https://blog.example/post/1',
      REFFERRER: 'https://blog.example/post/1',
      REFFERRER_PREVIOUS: 'https://search.example/',
      USER_AGENT: 'Mozilla/5.0',
      page_url: 'https://blog.example/post/1',
      timezone: 'America/New_York',
      // Only hidden fields, with a start time: no field of the author's, a page view before the POST.
      fields_number: 0,
      direct_post: 0,
    });
    expect(JSON.parse(request.post_info)).toEqual({
      comment_type: 'contact',
      post_url: 'https://blog.example/post/1',
    });
    expect(JSON.parse(request.all_headers)).toEqual({
      'user-agent': 'Mozilla/5.0',
      referer: 'https://blog.example/post/1',
      'x-forwarded-for': '203.0.113.7',
    });
  });

  it('omits what is absent instead of sending nulls, js_on included when no evidence came back, and says the site runs the detector', () => {
    const request = build({ ip: '203.0.113.7' });
    expect(Object.values(request)).not.toContain(null);
    expect(Object.values(request)).not.toContain(undefined);
    expect(request).not.toHaveProperty('sender_email');
    expect(request).not.toHaveProperty('event_token');
    expect(request).not.toHaveProperty('submit_time');
    expect(request).not.toHaveProperty('js_on');
    expect(request).toMatchObject({ event_token_enabled: 1 });
    expect(JSON.parse(request.sender_info)).toMatchObject({ REFERRER: '', start_time_problem: 'missing' });
    expect(JSON.parse(request.sender_info)).not.toHaveProperty('REFFERRER_PREVIOUS');
  });

  it('says the site has no bot detector only when configured so', () => {
    expect(build({ ip: '203.0.113.7' }, 'check_message', false)).toMatchObject({ event_token_enabled: 0 });
  });

  it('sends the form page as REFERRER when the request has no Referer, and no REFFERRER_PREVIOUS for a page opened directly', () => {
    const request = build({
      ip: '203.0.113.7',
      form: { [FIELDS.pageUrl]: 'https://blog.example/post/1', [FIELDS.referrer]: '' },
    });
    expect(JSON.parse(request.sender_info)).toMatchObject({
      REFERRER: 'https://blog.example/post/1',
      REFFERRER: 'https://blog.example/post/1',
    });
    expect(JSON.parse(request.sender_info)).not.toHaveProperty('REFFERRER_PREVIOUS');
  });

  it.each([
    [60, 'UTC+01'],
    [0, 'UTC+00'],
    [-180, 'UTC-03'],
    [330, 'UTC+05:30'],
    [345, 'UTC+05:45'],
    [-570, 'UTC-09:30'],
    [840, 'UTC+14'],
  ])('writes a UTC offset of %i minutes as tz %s', (minutes, tz) => {
    expect(utcOffset(minutes)).toBe(tz);
    expect(build({ ip: '203.0.113.7', form: { [FIELDS.tzOffset]: String(minutes) } }).tz).toBe(tz);
  });

  it('sends js_on 0 when server-issued evidence came back refused, whatever ct_js the client computed', () => {
    // What older widgets sent: a checksum of the start time anyone can compute.
    const form = { [FIELDS.startedAt]: String(START), ct_js: '1x9k2fa' };
    expect(build({ ip: '203.0.113.7', form }, 'check_message', true, false)).toMatchObject({ js_on: 0 });
    expect(build({ ip: '203.0.113.7', form })).not.toHaveProperty('js_on');
  });

  it('drops the page URL’s query string and fragment unless the site opts in', () => {
    const form = {
      [FIELDS.pageUrl]: 'https://blog.example/reset?email=ann%40example.com&token=abc#top',
      [FIELDS.referrer]: 'https://blog.example/login?email=ann%40example.com',
    };
    const headers = { referer: 'https://blog.example/reset?email=ann%40example.com&token=abc' };
    const request = build({ ip: '203.0.113.7', form, headers });
    expect(JSON.parse(request.sender_info)).toMatchObject({
      REFERRER: 'https://blog.example/reset',
      REFFERRER_PREVIOUS: 'https://blog.example/login',
    });
    expect(JSON.parse(request.all_headers)).toEqual({ referer: 'https://blog.example/reset' });
    expect(JSON.parse(request.post_info).post_url).toBe('https://blog.example/reset');
    expect(JSON.parse(request.sender_info).page_url).toBe('https://blog.example/reset');
    expect(JSON.stringify(request)).not.toContain('ann%40example.com');
    const signals = readClientSignals(form);
    const kept = buildCheckRequest(
      { ip: '203.0.113.7', form },
      {
        method: 'check_message',
        authKey: 'key',
        responseLang: 'en',
        eventTokenEnabled: true,
        ip: '203.0.113.7',
        signals,
        startTime: { source: 'none' },
        sendPageQuery: true,
      },
    );
    expect(JSON.parse(kept.post_info).post_url).toBe(
      'https://blog.example/reset?email=ann%40example.com&token=abc#top',
    );
  });

  it('uses the Referer header as the page URL when the widget did not run', () => {
    const request = build({ ip: '203.0.113.7', headers: { referer: 'https://blog.example/contact' } });
    expect(JSON.parse(request.post_info)).toEqual({
      comment_type: 'comment',
      post_url: 'https://blog.example/contact',
    });
    expect(JSON.parse(request.sender_info)).toMatchObject({ REFERRER: 'https://blog.example/contact' });
  });

  it('defaults the comment type by method and refuses odd ones', () => {
    expect(JSON.parse(build({ ip: '203.0.113.7' }, 'check_newuser').post_info).comment_type).toBe(
      'registration',
    );
    expect(JSON.parse(build({ ip: '203.0.113.7', commentType: '"}' }).post_info).comment_type).toBe(
      'comment',
    );
  });

  it('names this library and version as the agent', () => {
    expect(AGENT).toBe(`ct-protected-form-${packageJson.version}`);
    expect(VERSION).toBe(packageJson.version);
  });
});
