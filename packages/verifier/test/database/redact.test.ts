import { inspect } from 'node:util';
import { ConnectionError } from '@ct-protected-form/verifier';
import { describe, expect, it } from 'vitest';
import { redactError, redactText } from '../../src/database/redact.js';

const KEY = 'k3y/with+symbols=';

describe('redactText', () => {
  it('removes the key in plain and URL-encoded form and any auth_key query value', () => {
    const url = `https://api.example/?method_name=spam_check&auth_key=${encodeURIComponent(KEY)}&x=1`;
    expect(redactText(`GET ${url} with ${KEY}`, KEY)).toBe(
      'GET https://api.example/?method_name=spam_check&auth_key=[redacted]&x=1 with [redacted]',
    );
    expect(redactText('auth_key=other-value', KEY)).toBe('auth_key=[redacted]');
  });
});

describe('redactError', () => {
  it('cleans message, stack, own properties and the cause chain', () => {
    const inner = Object.assign(new Error(`socket to ?auth_key=${KEY}`), { code: 'ECONNRESET' });
    const cause = new TypeError(`fetch ${KEY} failed`, { cause: inner });
    const error = new ConnectionError('CleanTalk spam_check', cause);
    Object.assign(error, { url: `https://x/?auth_key=${KEY}` });
    const cleaned = redactError(error, KEY);
    expect(cleaned).toBe(error);
    const shown = inspect(cleaned, { depth: 10 }) + JSON.stringify(cleaned) + String(cleaned.stack);
    expect(shown).not.toContain(KEY);
    expect(shown).not.toContain(encodeURIComponent(KEY));
    expect((cleaned.cause as { cause?: { code?: string } }).cause?.code).toBe('ECONNRESET');
  });

  it('turns a thrown non-error into a redacted Error', () => {
    expect(redactError(`oops ${KEY}`, KEY)).toEqual(new Error('oops [redacted]'));
  });
});
