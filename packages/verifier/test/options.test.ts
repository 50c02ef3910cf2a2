import { createVerifier, OptionsError } from '@ct-protected-form/verifier';
import { describe, expect, it } from 'vitest';

const SECRET = 'a1b2c3d4e5f6g7';

function optionsError(fn: () => unknown): OptionsError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(OptionsError);
    return error as OptionsError;
  }
  throw new Error('expected an OptionsError');
}

describe('createVerifier options', () => {
  it('accepts a key alone and fills in every default', () => {
    expect(() => createVerifier({ authKey: SECRET })).not.toThrow();
  });

  it('names the missing key and says where to set it', () => {
    const error = optionsError(() => createVerifier({ authKey: '' }));
    expect(error.option).toBe('authKey');
    expect(error.code).toBe('CT_INVALID_OPTION');
    expect(error.message).toMatch(/missing.*CLEANTALK_AUTH_KEY/);
  });

  it('rejects a key with white space without ever printing it', () => {
    const error = optionsError(() => createVerifier({ authKey: ` ${SECRET}` }));
    expect(error.message).not.toContain(SECRET);
    const other = optionsError(() => createVerifier({ authKey: `${SECRET} ${SECRET}` }));
    expect(other.message).not.toContain(SECRET);
    expect(other.message).toContain('value not shown');
  });

  it('rejects a key that is not a string', () => {
    expect(optionsError(() => createVerifier({ authKey: 42 as unknown as string })).option).toBe('authKey');
  });

  it.each([
    ['endpoint', { endpoint: 'not a url' }, /not an absolute URL/],
    ['endpoint', { endpoint: 'ftp://example.com/api2.0' }, /http: or https:/],
    ['endpoint', { endpoint: 'https://user:pass@example.com/' }, /credentials/],
    ['databaseEndpoint', { databaseEndpoint: 42 }, /URL string/],
    ['timeoutMs', { timeoutMs: 0 }, /whole number from 1/],
    ['timeoutMs', { timeoutMs: 1.5 }, /got 1.5/],
    ['timeoutMs', { timeoutMs: '3000' }, /got "3000"/],
    ['failMode', { failMode: 'open' }, /allow, review, block, allow-if-js/],
    ['retries', { retries: -1 }, /from 0 to 5/],
    ['fetch', { fetch: 'fetch' }, /function/],
    ['now', { now: 5 }, /function/],
    ['logger', { logger: {} }, /warn\(\) and error\(\)/],
    ['responseLang', { responseLang: 'english' }, /two-letter/],
    ['eventTokenEnabled', { eventTokenEnabled: 1 }, /true or false, got 1/],
    ['sendPageQuery', { sendPageQuery: 'yes' }, /true or false/],
  ])('names the bad option %s and its value', (option, extra, message) => {
    const error = optionsError(() => createVerifier({ authKey: SECRET, ...(extra as object) }));
    expect(error.option).toBe(option);
    expect(error.message).toMatch(message);
  });

  it('refuses to be created without an options object', () => {
    expect(optionsError(() => createVerifier(undefined as never)).option).toBe('options');
  });
});
