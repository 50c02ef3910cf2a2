import {
  EVENT_TOKEN_LENGTH,
  FIELD_NAMES,
  FIELDS,
  isContractField,
  isEventToken,
  readStartTokenAnswer,
  START_TIME_PROBLEMS,
  START_TOKEN_PATTERN,
  START_TOKEN_PROBLEMS,
} from '@ct-protected-form/fields';
import { describe, expect, it } from 'vitest';

describe('the hidden-field contract', () => {
  it('keeps the bot detector’s own field name, so its input and ours are the same field', () => {
    expect(FIELDS.eventToken).toBe('ct_bot_detector_event_token');
  });

  it('gives every field a distinct name', () => {
    expect(new Set(FIELD_NAMES).size).toBe(FIELD_NAMES.length);
  });

  it('recognises its own fields and nothing else', () => {
    expect(isContractField('ct_started_at')).toBe(true);
    expect(isContractField('email')).toBe(false);
    expect(isContractField('__proto__')).toBe(false);
  });
});

describe('no client-computed proof', () => {
  it('has no ct_js field: a checksum any client can compute proves nothing, so none is sent or read', () => {
    expect(FIELD_NAMES).not.toContain('ct_js');
    expect(isContractField('ct_js')).toBe(false);
    expect(Object.keys(FIELDS)).not.toContain('jsProof');
  });
});

describe('the event token', () => {
  it('is 64 URL-safe characters and nothing else', () => {
    expect(isEventToken(`${'aZ09_-'.repeat(10)}abcd`)).toBe(true);
    expect(isEventToken('a'.repeat(EVENT_TOKEN_LENGTH - 1))).toBe(false);
    expect(isEventToken('a'.repeat(EVENT_TOKEN_LENGTH + 1))).toBe(false);
    expect(isEventToken(`${'a'.repeat(63)}=`)).toBe(false);
    expect(isEventToken(`${'a'.repeat(64)}\n`)).toBe(false);
    expect(isEventToken(undefined)).toBe(false);
  });
});

describe('the start-token wire format', () => {
  it('reads the token of a {"token": "…"} answer and nothing else', () => {
    expect(readStartTokenAnswer({ token: 'abc' })).toBe('abc');
    expect(readStartTokenAnswer({ token: '' })).toBeUndefined();
    expect(readStartTokenAnswer({ token: 42 })).toBeUndefined();
    expect(readStartTokenAnswer(null)).toBeUndefined();
    expect(readStartTokenAnswer('token')).toBeUndefined();
  });

  it('spells a token in 100 base64url characters', () => {
    expect(START_TOKEN_PATTERN.test('A-_z'.repeat(25))).toBe(true);
    expect(START_TOKEN_PATTERN.test('A'.repeat(99))).toBe(false);
    expect(START_TOKEN_PATTERN.test(`${'A'.repeat(99)}=`)).toBe(false);
  });

  it('names every start-token problem as a start-time problem too', () => {
    for (const problem of START_TOKEN_PROBLEMS) expect(START_TIME_PROBLEMS).toContain(problem);
    expect(new Set(START_TIME_PROBLEMS).size).toBe(START_TIME_PROBLEMS.length);
  });
});
