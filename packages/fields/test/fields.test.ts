import { FIELD_NAMES, FIELDS, isContractField } from '@ct-protected-form/fields';
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
