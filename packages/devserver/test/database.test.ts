import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_ERRORS, DEFAULT_AUTH_KEY, type DevServer, startDevServer } from '../src/index.js';

let server: DevServer;
let clock = Date.UTC(2026, 0, 1);

beforeAll(async () => {
  server = await startDevServer({ now: () => clock, denyEmails: ['denied@example.com'] });
});
afterAll(() => server.close());

type Answer = Record<string, unknown> & { data?: unknown };

async function get(params: Record<string, string>, target: DevServer = server): Promise<Answer> {
  const url = new URL(target.databaseUrl);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return (await (await fetch(url)).json()) as Answer;
}

async function post(
  query: Record<string, string>,
  data: string,
  target: DevServer = server,
): Promise<Answer> {
  const url = new URL(target.databaseUrl);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  const response = await fetch(url, { method: 'POST', body: new URLSearchParams({ data }) });
  return (await response.json()) as Answer;
}

const key = { auth_key: DEFAULT_AUTH_KEY };

describe('spam_check', () => {
  it('answers the documented test address as a listed spammer, numbers partly as strings', async () => {
    const answer = await get({ method_name: 'spam_check', ...key, email: 'stop_email@example.com' });
    expect(answer).toEqual({
      data: {
        'stop_email@example.com': {
          appears: 1,
          frequency: '42',
          spam_rate: '1',
          submitted: '2024-01-15 10:20:30',
          updated: '2025-06-30 12:00:00',
          sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
          network_type: null,
          country: null,
          exists: 1,
          disposable_email: 0,
          spam_frequency_24h: '7',
          in_antispam: 1,
          domains_count: null,
        },
      },
    });
  });

  it('answers a clean email as never seen, and flags disposable and non-existent domains', async () => {
    const answer = await get({
      method_name: 'spam_check',
      ...key,
      data: 'someone@example.com,x@mailinator.com,y@nowhere.invalid',
    });
    const data = answer.data as Record<string, Record<string, unknown>>;
    expect(data['someone@example.com']).toMatchObject({
      appears: 0,
      frequency: '0',
      in_antispam: 0,
      submitted: null,
    });
    expect(data['x@mailinator.com']).toMatchObject({ appears: 0, disposable_email: 1 });
    expect(data['y@nowhere.invalid']).toMatchObject({ exists: 0 });
  });

  it('gives the same sha256 and fields on every call', async () => {
    const first = await get({ method_name: 'spam_check', ...key, email: 'same@example.com' });
    const second = await get({ method_name: 'spam_check', ...key, email: 'same@example.com' });
    expect(second).toEqual(first);
  });

  it('answers deny-listed entries and the documented IP set as spammy', async () => {
    const answer = await get({ method_name: 'spam_check', ...key, data: 'denied@example.com,192.0.2.66' });
    const data = answer.data as Record<string, Record<string, unknown>>;
    expect(data['denied@example.com']).toMatchObject({ appears: 1 });
    expect(data['192.0.2.66']).toMatchObject({ appears: 1, network_type: 'hosting', domains_count: 3 });
  });

  it('checks IPv6 addresses, matching them in any notation', async () => {
    const answer = await get({ method_name: 'spam_check', ...key, ip: '2001:DB8:0::66' });
    expect(answer.data).toEqual({
      '2001:DB8:0::66': expect.objectContaining({ appears: 1, in_antispam: 1 }),
    });
    const clean = await get({ method_name: 'spam_check', ...key, ip: '2001:4860:4860::8888' });
    expect(clean.data).toEqual({
      '2001:4860:4860::8888': expect.objectContaining({ appears: 0, country: 'US', network_type: 'public' }),
    });
  });

  it('checks an IPv6 address with a zone id instead of failing with 500', async () => {
    // Found by the property tests: node:net takes `fe80::1%eth0` as IPv6, the URL parser does not.
    const answer = await get({ method_name: 'spam_check', ...key, ip: 'fe80::1%eth0' });
    expect(answer.data).toEqual({ 'fe80::1%eth0': expect.objectContaining({ appears: 0 }) });
  });

  it('ignores nested arrays in a JSON body instead of failing with 500', async () => {
    // Found by the property tests: `"data": [[[…]]]` overflowed the stack when joined.
    const url = new URL(server.databaseUrl);
    url.searchParams.set('method_name', 'spam_check');
    url.searchParams.set('auth_key', DEFAULT_AUTH_KEY);
    const body = `{"data":["1.1.1.1",${'['.repeat(100_000)}${']'.repeat(100_000)}]}`;
    const response = await fetch(url, { method: 'POST', body });
    expect(response.status).toBe(200);
    expect(((await response.json()) as Answer).data).toEqual({ '1.1.1.1': expect.any(Object) });
  });

  it('tells private addresses apart', async () => {
    const answer = await get({ method_name: 'spam_check', ...key, ip: '192.168.1.20' });
    expect(answer.data).toEqual({ '192.168.1.20': expect.objectContaining({ network_type: 'private' }) });
  });

  it('checks 1000 records posted in bulk and refuses 1001', async () => {
    const records = Array.from({ length: 1001 }, (_, i) => `user${i}@example.com`);
    const bulk = await startDevServer();
    try {
      const ok = await post({ method_name: 'spam_check', ...key }, records.slice(0, 1000).join(','), bulk);
      expect(Object.keys(ok.data as object)).toHaveLength(1000);
      const tooMany = await post({ method_name: 'spam_check', ...key }, records.join(','), bulk);
      expect(tooMany).toEqual(DB_ERRORS.tooManyRecords);
      expect(tooMany.error_no).toBe(8);
    } finally {
      await bulk.close();
    }
  });

  it('answers "In progress" the first time the documented record is asked for, then the record', async () => {
    const params = { method_name: 'spam_check', ...key, email: 'in-progress@example.com' };
    expect(await get(params)).toEqual({ data: 'In progress' });
    expect(await get(params)).toEqual({
      data: { 'in-progress@example.com': expect.objectContaining({ appears: 0 }) },
    });
  });

  it('refuses a call with nothing to check', async () => {
    expect(await get({ method_name: 'spam_check', ...key })).toEqual(DB_ERRORS.noRecords);
  });
});

describe('rate limits', () => {
  it('allows the configured number of spam_check calls per key per minute, then answers error 10', async () => {
    let now = 0;
    const limited = await startDevServer({ rateLimitPerMinute: { spamCheck: 3 }, now: () => now });
    try {
      const params = { method_name: 'spam_check', ...key, email: 'a@example.com' };
      for (let i = 0; i < 3; i++) expect(await get(params, limited)).toHaveProperty('data');
      expect(await get(params, limited)).toEqual({ error_message: 'Calls limit exceeded.', error_no: 10 });
      now += 60_000;
      expect(await get(params, limited)).toHaveProperty('data');
    } finally {
      await limited.close();
    }
  });

  it('limits ip_info to 10 calls a minute by default, counted apart from spam_check', async () => {
    const limited = await startDevServer();
    try {
      const params = { method_name: 'ip_info', ...key, ip: '8.8.8.8' };
      for (let i = 0; i < 10; i++) expect(await get(params, limited)).toHaveProperty('data');
      expect(await get(params, limited)).toEqual(DB_ERRORS.callsLimit);
      expect(await get({ method_name: 'spam_check', ...key, ip: '8.8.8.8' }, limited)).toHaveProperty('data');
    } finally {
      await limited.close();
    }
  });
});

describe('ip_info', () => {
  it('answers the country of a known address', async () => {
    expect(await get({ method_name: 'ip_info', ...key, ip: '8.8.8.8' })).toEqual({
      data: { '8.8.8.8': { country_code: 'US', country_name: 'United States' } },
    });
  });

  it('answers several addresses in bulk, null for an unknown one', async () => {
    clock += 60_000;
    const answer = await post({ method_name: 'ip_info', ...key }, '1.1.1.1,203.0.113.7,not-an-ip');
    expect(answer).toEqual({
      data: {
        '1.1.1.1': { country_code: 'AU', country_name: 'Australia' },
        '203.0.113.7': { country_code: null, country_name: null },
      },
    });
  });
});

describe('ip_info with IPv6', () => {
  it('finds a known IPv6 address written in another notation', async () => {
    clock += 60_000;
    const answer = await get({ method_name: 'ip_info', ...key, ip: '2A02:06B8:0:0:0:0:FEED:00FF' });
    expect(answer.data).toEqual({
      '2A02:06B8:0:0:0:0:FEED:00FF': { country_code: 'RU', country_name: 'Russia' },
    });
  });
});

describe('notice_paid_till', () => {
  it('says an accepted key is valid and any other key is not', async () => {
    const valid = await get({ method_name: 'notice_paid_till', ...key });
    expect(valid.data).toMatchObject({ valid: 1 });
    for (const other of ['wrong-key', 'ct-devserver-trial-expired']) {
      const invalid = await get({ method_name: 'notice_paid_till', auth_key: other });
      expect(invalid.data).toMatchObject({ valid: 0 });
    }
  });
});

describe('errors', () => {
  it('refuses a missing or wrong key', async () => {
    clock += 60_000;
    expect(await get({ method_name: 'spam_check', email: 'a@example.com' })).toEqual(DB_ERRORS.missingKey);
    expect(await get({ method_name: 'spam_check', auth_key: 'nope', email: 'a@example.com' })).toEqual(
      DB_ERRORS.unknownKey,
    );
    expect(await get({ method_name: 'ip_info', auth_key: 'ct-devserver-disabled', ip: '8.8.8.8' })).toEqual(
      DB_ERRORS.unknownKey,
    );
    expect(await get({ method_name: 'notice_paid_till' })).toEqual(DB_ERRORS.missingKey);
  });

  it('refuses a missing or unknown method', async () => {
    expect(await get({ ...key })).toEqual(DB_ERRORS.missingMethod);
    expect(await get({ method_name: 'everything', ...key })).toEqual(DB_ERRORS.unknownMethod);
  });

  it('records database calls with their query and form fields', async () => {
    await post({ method_name: 'spam_check', ...key }, 'a@example.com,b@example.com');
    expect(server.lastRequest('spam_check')).toMatchObject({
      path: '/db/',
      query: { method_name: 'spam_check', auth_key: DEFAULT_AUTH_KEY },
      body: { data: 'a@example.com,b@example.com' },
    });
  });
});
