import { displayReason, LicenceError, ResponseError } from '@ct-protected-form/verifier';
import { describe, expect, it } from 'vitest';
import { parseCheckResponse, splitCodes } from '../../src/check/answer.js';

describe('parseCheckResponse', () => {
  it('coerces string-typed numbers and splits codes', () => {
    const response = parseCheckResponse({
      allow: '0',
      codes: 'FORBIDDEN BL',
      comment: '*** Forbidden. Sender blacklisted. ***',
      id: 'ABCDEF0123456789abcdef0123456789',
      spam: '1',
      blacklisted: 1,
      js_disabled: '0',
      fast_submit: -1,
      stop_queue: '0',
      inactive: 0,
      account_status: '1',
      version: 7.47,
    });
    expect(response).toEqual({
      allow: false,
      codes: ['FORBIDDEN', 'BL'],
      comment: '*** Forbidden. Sender blacklisted. ***',
      id: 'abcdef0123456789abcdef0123456789',
      spam: true,
      blacklisted: true,
      jsDisabled: false,
      stopQueue: false,
      inactive: false,
      accountStatus: 1,
      version: '7.47',
    });
  });

  it('keeps unknown codes untouched', () => {
    expect(splitCodes('ALLOWED SOMETHING_NEW_2030')).toEqual(['ALLOWED', 'SOMETHING_NEW_2030']);
  });

  it.each(['KEY_NOT_FOUND', 'SERVICE_DISABLED', 'TRIAL_EXPIRED', 'SERVICE_FREEZED'])(
    'turns %s into a licence error, never a spam answer',
    (code) => {
      expect(() => parseCheckResponse({ allow: 0, codes: code, comment: '*** Unknown key ***' })).toThrow(
        LicenceError,
      );
    },
  );

  it.each([
    ['null', null],
    ['an array', [1]],
    ['a string', 'ok'],
    ['no allow field', { comment: 'hi' }],
    ['allow out of range', { allow: 2 }],
    ['an error answer', { error_message: 'Bad request', error_no: 3 }],
  ])('rejects %s as an unusable answer', (_name, body) => {
    expect(() => parseCheckResponse(body)).toThrow(ResponseError);
  });

  it('rejects an error answer whose error_no String() cannot convert as an unusable answer', () => {
    // Found by the property tests: {"error_no":{"toString":false},"error_message":"x"} threw a TypeError,
    // reported as a failed connection.
    expect(() => parseCheckResponse({ error_no: { toString: false }, error_message: 'x' })).toThrow(
      ResponseError,
    );
  });

  it('ignores an ill-formed request id', () => {
    expect(parseCheckResponse({ allow: 1, id: '<script>' }).id).toBeUndefined();
  });
});

describe('displayReason', () => {
  it('strips stars and HTML', () => {
    expect(displayReason('*** Forbidden. <p>Sender <a href="x">blacklisted</a>.</p><br> ***')).toBe(
      'Forbidden. Sender blacklisted.',
    );
  });

  it('decodes entities and leaves no markup behind', () => {
    expect(displayReason('*** Stop &amp; go &lt;script&gt;alert(1)&lt;/script&gt; &#39;x&#39; ***')).toBe(
      "Stop & go scriptalert(1)/script 'x'",
    );
  });

  it('returns an empty string for an empty comment', () => {
    expect(displayReason('')).toBe('');
  });
});
