import { isSecretHeader, scrubHeaders } from '@ct-protected-form/verifier';
import { describe, expect, it } from 'vitest';

describe('scrubHeaders', () => {
  it('removes every secret header named by CleanTalk’s guidance', () => {
    const secrets = [
      'Cookie',
      'set-cookie',
      'Authorization',
      'proxy-authorization',
      'x-csrf-token',
      'x-xsrf-token',
      'x-api-key',
      'api-key',
      'x-auth-token',
      'x-access-token',
      'x-forwarded-client-cert',
      'x-session-token',
      'x-client-secret',
      'x-hub-signature',
      'my-apikey',
      'x-authenticated-user',
    ];
    const input = Object.fromEntries([...secrets.map((s) => [s, 'secret-value']), ['user-agent', 'Firefox']]);
    const scrubbed = scrubHeaders(input);
    expect(scrubbed).toEqual({ 'user-agent': 'Firefox' });
    expect(JSON.stringify(scrubbed)).not.toContain('secret-value');
  });

  it('removes the identity and session headers cloud proxies and gateways add', () => {
    const identity = [
      'cf-access-jwt-assertion',
      'x-amzn-oidc-data',
      'x-amzn-oidc-identity',
      'x-ms-client-principal',
      'x-ms-client-principal-name',
      'x-ssl-client-cert',
      'x-client-cert-chain',
      'x-session-id',
      'x-goog-iap-jwt-assertion',
      'x-forwarded-password',
      'x-csrftoken',
      'x-xsrf',
      'x-original-cookie',
    ];
    const input = Object.fromEntries([...identity.map((s) => [s, 'identity']), ['accept-language', 'de']]);
    expect(scrubHeaders(input)).toEqual({ 'accept-language': 'de' });
  });

  it('reads Headers, plain objects with arrays, and pairs, lower-casing names', () => {
    expect(scrubHeaders(new Headers({ 'User-Agent': 'UA', Cookie: 'a=b' }))).toEqual({ 'user-agent': 'UA' });
    expect(
      scrubHeaders({ Accept: ['text/html', 'application/json'], 'X-Count': 3, Empty: undefined }),
    ).toEqual({
      accept: 'text/html, application/json',
      'x-count': '3',
    });
    expect(
      scrubHeaders([
        ['Accept-Language', 'en'],
        ['accept-language', 'de'],
      ]),
    ).toEqual({ 'accept-language': 'en, de' });
  });

  it('ignores hostile names and caps values and counts', () => {
    const input: Record<string, string> = JSON.parse('{"__proto__": {"polluted": 1}, "bad name": "x"}');
    input['x-long'] = 'a'.repeat(100_000);
    for (let i = 0; i < 500; i++) input[`x-h${i}`] = 'v';
    const scrubbed = scrubHeaders(input);
    expect(Object.keys(scrubbed).length).toBeLessThanOrEqual(64);
    expect(scrubbed['x-long']?.length).toBe(4000);
    expect(Object.getPrototypeOf(scrubbed)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(scrubbed).not.toHaveProperty('bad name');
  });

  it('returns an empty object for no headers', () => {
    expect(scrubHeaders(undefined)).toEqual({});
  });

  it('tells secrets apart by name', () => {
    expect(isSecretHeader('X-Auth-Token')).toBe(true);
    expect(isSecretHeader('referer')).toBe(false);
  });
});
