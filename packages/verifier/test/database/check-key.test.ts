import { inspect } from 'node:util';
import { type DevServer, startDevServer } from '@ct-protected-form/devserver';
import { ConnectionError, createVerifier, ResponseError, TimeoutError } from '@ct-protected-form/verifier';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const KEY = 'check5key4valid3secret';
let server: DevServer;

beforeAll(async () => {
  server = await startDevServer({ port: 0, authKeys: [KEY], quiet: true });
});
afterAll(() => server.close());
afterEach(() => server.setFault(null));

const checkKey = (authKey: string, fetch?: typeof globalThis.fetch) =>
  createVerifier({ authKey, databaseEndpoint: server.databaseUrl, ...(fetch ? { fetch } : {}) }).checkKey({
    timeoutMs: 200,
  });

describe('checkKey', () => {
  it('says an accepted key is valid, with its paid period', async () => {
    await expect(checkKey(KEY)).resolves.toMatchObject({
      valid: true,
      paidTill: '2099-12-31',
      trial: false,
      productId: 1,
    });
    expect(server.lastRequest('notice_paid_till')?.query).toMatchObject({ method_name: 'notice_paid_till' });
  });

  it('says an unknown or expired key is not valid, without throwing', async () => {
    await expect(checkKey('someone-elses-key')).resolves.toMatchObject({ valid: false });
    await expect(checkKey('ct-devserver-trial-expired')).resolves.toMatchObject({
      valid: false,
      trial: true,
    });
  });

  it('rejects with a typed error when CleanTalk cannot say', async () => {
    server.setFault({ drop: 'hang', paths: ['db'] });
    await expect(checkKey(KEY)).rejects.toBeInstanceOf(TimeoutError);
    server.setFault({ body: '{"data":"yes"}', paths: ['db'] });
    await expect(checkKey(KEY)).rejects.toBeInstanceOf(ResponseError);
  });

  it('rejects with a ConnectionError when a custom fetch throws what String() cannot convert', async () => {
    // Found by the property tests: a fetch throwing [Object.create(null)] made checkKey reject with a TypeError.
    for (const thrown of [Object.create(null), [Object.create(null)], { toString: 1 }]) {
      const rejection = checkKey(KEY, async () => {
        throw thrown;
      });
      await expect(rejection).rejects.toThrow(ConnectionError);
    }
  });

  it('rejects an unreachable API with a ConnectionError that does not carry the key', async () => {
    const error = await checkKey('unreachable-secret-key', async (input) => {
      throw new TypeError(`fetch failed: ${String(input)}`);
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(inspect(error, { depth: 10 })).not.toContain('unreachable-secret-key');
  });
});
