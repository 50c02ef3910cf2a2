import { FIELD_NAMES, FIELDS, isContractField, jsProof } from '@ct-protected-form/fields';
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

describe('jsProof', () => {
  it('is deterministic, so the server can recompute what the browser wrote', () => {
    expect(jsProof('1764000000000')).toBe(jsProof('1764000000000'));
  });

  it('changes with the start time, so a proof cannot be reused with another start', () => {
    expect(jsProof('1764000000000')).not.toBe(jsProof('1764000000001'));
  });

  it('is a short base-36 string', () => {
    expect(jsProof('1764000000000')).toMatch(/^[0-9a-z]{1,7}$/);
  });
});
