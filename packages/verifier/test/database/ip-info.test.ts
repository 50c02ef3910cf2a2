import { type DevServer, startDevServer } from '@ct-protected-form/devserver';
import { ApiError } from '@ct-protected-form/verifier';
import { createDatabaseClient } from '@ct-protected-form/verifier/database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const KEY = 'ip8info7key6secret';
let clock = Date.now();
let server: DevServer;

beforeAll(async () => {
  server = await startDevServer({ port: 0, authKeys: [KEY], quiet: true, now: () => clock });
});
afterAll(() => server.close());

const database = () => createDatabaseClient({ authKey: KEY, endpoint: server.databaseUrl });

describe('ipInfo', () => {
  it('answers the country of IPv4 and IPv6 addresses, in order', async () => {
    const report = await database().ipInfo(['8.8.8.8', '2001:4860:4860:0::8888', '203.0.113.5']);
    expect(report.complete).toBe(true);
    expect(report.results).toMatchObject([
      { status: 'ok', type: 'ip', countryCode: 'US', countryName: 'United States' },
      { status: 'ok', countryCode: 'US' },
      { status: 'ok', record: '203.0.113.5' },
    ]);
    expect(report.results[2]).not.toHaveProperty('countryCode');
    expect(server.lastRequest('ip_info')?.body).toEqual({
      data: '8.8.8.8,2001:4860:4860:0::8888,203.0.113.5',
    });
  });

  it('reports emails and garbage as invalid instead of sending them', async () => {
    const report = await database().ipInfo(['ann@example.com', '1.1.1.1', 'nope']);
    expect(report.results.map((result) => result.status)).toEqual(['invalid', 'ok', 'invalid']);
    expect(report.results[0]).toMatchObject({ error: 'expected an IP address, got an email' });
  });

  it('waits for the next minute when the 10-calls limit is reached', async () => {
    const waits: number[] = [];
    const ips = Array.from({ length: 12 }, (_, i) => `198.51.100.${i + 1}`);
    const report = await database().ipInfo(ips, {
      chunkSize: 1,
      retry: {
        sleep: async (ms) => {
          waits.push(ms);
          clock += ms;
        },
      },
    });
    expect(report.complete).toBe(true);
    expect(waits.length).toBeGreaterThan(0);
    expect(waits.reduce((sum, ms) => sum + ms, 0)).toBeGreaterThanOrEqual(60_000 - 10_000);
  });

  it('stops with an ApiError for an unknown key', async () => {
    const report = await createDatabaseClient({ authKey: 'nobody', endpoint: server.databaseUrl }).ipInfo([
      '8.8.8.8',
    ]);
    expect(report.error).toBeInstanceOf(ApiError);
    expect(report.results[0]?.status).toBe('unchecked');
  });
});
