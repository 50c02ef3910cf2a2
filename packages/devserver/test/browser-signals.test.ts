import { describe, expect, it } from 'vitest';
import { describeBrowserSignals, FALLBACK_KEYS, senderInfoOf } from '../src/browser-signals.js';

const fallbackSet = Object.fromEntries(FALLBACK_KEYS.map((key) => [key, 'x']));

describe('browser signals in the request log', () => {
  it('says whether a check carries a token, how much of the fallback set, and a reported webdriver', () => {
    expect(describeBrowserSignals({ event_token: 'a'.repeat(64), sender_info: '{"cms_lang":"en"}' })).toBe(
      'token',
    );
    expect(
      describeBrowserSignals({
        sender_info: JSON.stringify({ ...fallbackSet, emulations_headless_mode: 'true' }),
      }),
    ).toBe('no token, fallback 14/14, webdriver');
    expect(describeBrowserSignals({ sender_info: '{"mouse_moved":"false","has_scrolled":"true"}' })).toBe(
      'no token, fallback 2/14',
    );
  });

  it('reads any body without throwing', () => {
    for (const body of [
      undefined,
      null,
      'text',
      [],
      { sender_info: '{' },
      { sender_info: '[1]' },
      { sender_info: 7 },
    ]) {
      expect(describeBrowserSignals(body)).toBe('no token');
      expect(senderInfoOf(body)).toEqual({});
    }
  });
});
