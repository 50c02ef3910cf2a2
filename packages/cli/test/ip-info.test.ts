import { DEFAULT_AUTH_KEY, type DevServer, startDevServer } from '@ct-protected-form/devserver';
import { parse } from 'csv-parse/sync';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { killAll, run } from './helpers.js';

let server: DevServer;

beforeAll(async () => {
  server = await startDevServer({ port: 0, quiet: true, rateLimitPerMinute: { ipInfo: 1_000_000 } });
});
afterAll(() => server.close());
afterEach(() => killAll());

const ipInfo = (args: string[], input: string) =>
  run(['ip-info', '--database-endpoint', server.databaseUrl, ...args], {
    env: { CLEANTALK_AUTH_KEY: DEFAULT_AUTH_KEY },
    input,
  });

describe('ct-protected-form ip-info', () => {
  it('answers the country of IPv4 and IPv6 addresses from the "ip" column', async () => {
    const result = await ipInfo([], 'user,ip\nann,8.8.8.8\nbob,2a02:6b8::feed:ff\ncid,203.0.113.9\n');
    expect(result.code).toBe(0);
    expect(parse(result.stdout, { columns: true })).toEqual([
      {
        line: '2',
        ip: '8.8.8.8',
        status: 'ok',
        country_code: 'US',
        country_name: 'United States',
        error: '',
      },
      {
        line: '3',
        ip: '2a02:6b8::feed:ff',
        status: 'ok',
        country_code: 'RU',
        country_name: 'Russia',
        error: '',
      },
      { line: '4', ip: '203.0.113.9', status: 'ok', country_code: '', country_name: '', error: '' },
    ]);
    expect(result.stderr).toContain('done: 3 of 3 IPs answered, 2 countries.');
  });

  it('skips emails and garbage with their line number', async () => {
    const result = await ipInfo(['--format', 'jsonl'], '1.1.1.1\nann@example.com\n300.1.1.1\n');
    expect(result.code).toBe(0);
    expect(
      result.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).ip),
    ).toEqual(['1.1.1.1']);
    expect(result.stderr).toContain(
      'line 2: expected an IP address, got an email: "ann@example.com"; skipped',
    );
    expect(result.stderr).toContain('line 3: not an IP address: "300.1.1.1"; skipped');
  });
});
