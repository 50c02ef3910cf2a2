import { inspect } from 'node:util';
import { ConnectionError } from '@ct-protected-form/verifier';
import { describe, expect, it } from 'vitest';
import { redactAnswer, redactError, redactText } from '../src/redact.js';

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

describe('redactAnswer', () => {
  it('removes the key from every string and property name, and keeps everything else', () => {
    const answer = JSON.parse(
      `{"data":{"ann@example.com":{"appears":1,"country":"${KEY}","__proto__":{"x":"a ${KEY} b"}},"${KEY}":[1,"${KEY}",null]}}`,
    );
    const cleaned = redactAnswer(answer, KEY) as { data: Record<string, Record<string, unknown>> };
    expect(JSON.stringify(cleaned)).not.toContain(KEY);
    expect(cleaned.data['ann@example.com']).toMatchObject({ appears: 1, country: '[redacted]' });
    expect(Object.hasOwn(cleaned.data['ann@example.com'] ?? {}, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(cleaned.data['[redacted]']).toEqual([1, '[redacted]', null]);
  });

  it('ends at a bounded depth instead of walking any nesting', () => {
    const deep = JSON.parse(`${'['.repeat(50_000)}${']'.repeat(50_000)}`);
    expect(() => redactAnswer({ data: deep }, KEY)).not.toThrow();
  });
});
