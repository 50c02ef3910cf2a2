import { type DevServer, startDevServer } from '@ct-protected-form/devserver';
import { OptionsError } from '@ct-protected-form/verifier';
import { createDatabaseClient } from '@ct-protected-form/verifier/database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const KEY = 'client7database3key';
let server: DevServer;

beforeAll(async () => {
  server = await startDevServer({ port: 0, authKeys: [KEY], quiet: true });
});
afterAll(() => server.close());

describe('createDatabaseClient', () => {
  it('names the option that is missing or ill-formed, never repeating the key', () => {
    expect(() => createDatabaseClient({ authKey: '' })).toThrow(/authKey/);
    expect(() => createDatabaseClient({ authKey: KEY, endpoint: 'ftp://api.example/' })).toThrow(
      expect.objectContaining({ name: 'OptionsError', option: 'endpoint' }),
    );
    expect(() => createDatabaseClient({ authKey: KEY, retries: 9 })).toThrow(OptionsError);
    expect(() => createDatabaseClient({ authKey: KEY, fetch: 'fetch' as never })).toThrow(/fetch/);
    expect(() => createDatabaseClient(null as never)).toThrow(OptionsError);
    expect(() => createDatabaseClient({ authKey: `${KEY} ` })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(KEY) }),
    );
  });

  it('answers all three database methods at the configured endpoint', async () => {
    const database = createDatabaseClient({ authKey: KEY, endpoint: server.databaseUrl });
    await expect(database.checkKey()).resolves.toMatchObject({ valid: true });
    const spam = await database.spamCheck(['ann@example.com']);
    expect(spam.complete).toBe(true);
    expect(spam.results).toHaveLength(1);
    const ips = await database.ipInfo(['8.8.8.8']);
    expect(ips.results[0]).toMatchObject({ status: 'ok', record: '8.8.8.8' });
  });
});
