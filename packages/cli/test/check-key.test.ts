import { DEFAULT_AUTH_KEY, type DevServer, startDevServer } from '@ct-protected-form/devserver';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { killAll, run } from './helpers.js';

let server: DevServer;

beforeAll(async () => {
  server = await startDevServer({ port: 0, quiet: true });
});
afterAll(() => server.close());
afterEach(() => {
  killAll();
  server.setFault(null);
});

const checkKey = (key: string, args: string[] = []) =>
  run(['check-key', '--database-endpoint', server.databaseUrl, '--timeout', '500', ...args], {
    env: { CLEANTALK_AUTH_KEY: key },
  });

describe('ct-protected-form check-key', () => {
  it('says a valid key is valid and exits 0', async () => {
    const result = await checkKey(DEFAULT_AUTH_KEY);
    expect(result).toMatchObject({
      code: 0,
      stdout: 'valid: CleanTalk accepts the key (paid till 2099-12-31)\n',
    });
    expect(server.lastRequest('notice_paid_till')).toBeDefined();
  });

  it('answers JSON on request', async () => {
    const result = await checkKey(DEFAULT_AUTH_KEY, ['--format', 'json']);
    expect(JSON.parse(result.stdout)).toEqual({
      valid: true,
      paidTill: '2099-12-31',
      trial: false,
      productId: 1,
    });
  });

  it('exits 1 for a key CleanTalk does not accept, without printing it', async () => {
    const result = await checkKey('not-my-real-key');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('not valid');
    expect(result.stdout + result.stderr).not.toContain('not-my-real-key');
  });

  it('exits 1 with the reason when CleanTalk does not answer in time', async () => {
    server.setFault({ drop: 'hang', paths: ['db'] });
    const result = await checkKey('hanging-secret-key');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Could not reach CleanTalk at ${server.databaseUrl}`);
    expect(result.stderr).toContain('did not answer within 500 ms');
    expect(result.stderr).not.toContain('hanging-secret-key');
  });

  it('refuses an ill-formed key without echoing it', async () => {
    const result = await checkKey('has spaces in it');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('CLEANTALK_AUTH_KEY');
    expect(result.stderr).not.toContain('has spaces in it');
  });
});
