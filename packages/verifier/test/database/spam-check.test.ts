import { inspect } from 'node:util';
import { type DevServer, startDevServer } from '@ct-protected-form/devserver';
import { ApiError, HttpStatusError, OptionsError } from '@ct-protected-form/verifier';
import {
  createDatabaseClient,
  type DatabaseClientOptions,
  type SpamCheckResult,
} from '@ct-protected-form/verifier/database';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const KEY = 'spam1check0key9secret';
let clock = Date.now();
let server: DevServer;

beforeAll(async () => {
  server = await startDevServer({
    port: 0,
    authKeys: [KEY],
    quiet: true,
    now: () => clock,
    rateLimitPerMinute: { spamCheck: 1_000_000 },
  });
});
afterAll(() => server.close());
afterEach(() => {
  server.setFault(null);
  server.clearRequests();
});

const database = (options: Partial<DatabaseClientOptions> = {}) =>
  createDatabaseClient({ authKey: KEY, endpoint: server.databaseUrl, ...options });

/** A sleep that moves the devserver's clock instead of waiting, and remembers each wait. */
function fakeSleep() {
  const waits: number[] = [];
  return {
    waits,
    sleep: async (ms: number) => {
      waits.push(ms);
      clock += ms;
    },
  };
}

const spamChecks = () => server.requests.filter((request) => request.methodName === 'spam_check');
const sentData = (index: number) =>
  String((spamChecks()[index]?.body as { data?: string } | undefined)?.data ?? '').split(',');
const ok = (result: SpamCheckResult | undefined) => {
  if (result?.status !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result;
};

describe('spamCheck', () => {
  it('answers one typed result per record, in order, with numbers coerced', async () => {
    const report = await database().spamCheck(['ann@example.com', 'stop_email@example.com', '192.0.2.66']);
    expect(report).toMatchObject({ complete: true, calls: 1 });
    const [ann, spammer, ip] = report.results;
    expect(ok(ann)).toMatchObject({
      index: 0,
      record: 'ann@example.com',
      type: 'email',
      appears: false,
      exists: true,
    });
    expect(ok(spammer)).toMatchObject({
      type: 'email',
      appears: true,
      frequency: 42,
      spamRate: 1,
      spamFrequency24h: 7,
      inAntispam: true,
      submitted: '2024-01-15 10:20:30',
    });
    expect(ok(spammer).sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(ok(ip)).toMatchObject({ type: 'ip', appears: true, networkType: 'hosting', domainsCount: 3 });
  });

  it('posts the records in the body, never in the URL, and the key only in the query', async () => {
    await database().spamCheck(['ann@example.com']);
    const request = spamChecks()[0];
    expect(request?.query).toMatchObject({ method_name: 'spam_check', auth_key: KEY });
    expect(request?.query).not.toHaveProperty('data');
    expect(request?.body).toEqual({ data: 'ann@example.com' });
  });

  it('checks IPv6 addresses and matches answers whatever their spelling', async () => {
    const report = await database().spamCheck([
      '2001:DB8:0:0:0:0:0:66',
      '2001:4860:4860::8888',
      '::ffff:192.0.2.66',
    ]);
    expect(report.results.map((result) => result.status)).toEqual(['ok', 'ok', 'ok']);
    expect(ok(report.results[0])).toMatchObject({ type: 'ip', appears: true });
    expect(ok(report.results[1])).toMatchObject({ appears: false, country: 'US' });
    expect(ok(report.results[2])).toMatchObject({ appears: true });
    expect(sentData(0)).toEqual(['2001:db8:0:0:0:0:0:66', '2001:4860:4860::8888', '192.0.2.66']);
  });

  it('sends 1000 records in one call and 1001 in two', async () => {
    const emails = (n: number) => Array.from({ length: n }, (_, i) => `user${i}@example.com`);
    const thousand = await database().spamCheck(emails(1000));
    expect(thousand).toMatchObject({ complete: true, calls: 1 });
    expect(sentData(0)).toHaveLength(1000);

    server.clearRequests();
    const progress: number[] = [];
    const more = await database().spamCheck(emails(1001), { onProgress: (p) => progress.push(p.done) });
    expect(more).toMatchObject({ complete: true, calls: 2 });
    expect(spamChecks().map((_, i) => sentData(i).length)).toEqual([1000, 1]);
    expect(more.results.every((result) => result.status === 'ok')).toBe(true);
    expect(progress).toEqual([1000, 1001]);
  });

  it('refuses a chunk size CleanTalk would reject', async () => {
    await expect(database().spamCheck(['a@example.com'], { chunkSize: 1001 })).rejects.toThrow(OptionsError);
  });

  it('reports a record String() cannot convert as invalid instead of throwing', async () => {
    // Found by the property tests: spamCheck([Object.create(null)]) threw a TypeError.
    const report = await database().spamCheck([Object.create(null), 'ann@example.com'] as never);
    expect(report.results.map((result) => [result.status, result.record])).toEqual([
      ['invalid', '[object Object]'],
      ['ok', 'ann@example.com'],
    ]);
  });

  it('reports malformed records without sending them and asks duplicates once', async () => {
    const report = await database().spamCheck([
      'not an email',
      'ann@example.com',
      '',
      '999.1.1.1',
      'ANN@example.com ',
      'a,b@example.com',
      42 as never,
    ]);
    expect(report.results.map((result) => result.status)).toEqual([
      'invalid',
      'ok',
      'invalid',
      'invalid',
      'ok',
      'invalid',
      'invalid',
    ]);
    expect(report.results[4]?.record).toBe('ANN@example.com ');
    expect(sentData(0)).toEqual(['ann@example.com']);
  });

  it('waits out the rate limit with growing pauses, then finishes', async () => {
    const limited = await startDevServer({
      port: 0,
      authKeys: [KEY],
      quiet: true,
      now: () => clock,
      rateLimitPerMinute: { spamCheck: 2 },
    });
    try {
      const { waits, sleep } = fakeSleep();
      const records = ['a@example.com', 'b@example.com', 'c@example.com', 'd@example.com'];
      const report = await createDatabaseClient({ authKey: KEY, endpoint: limited.databaseUrl }).spamCheck(
        records,
        {
          chunkSize: 1,
          retry: { sleep },
        },
      );
      expect(report.complete).toBe(true);
      expect(report.results.map((result) => result.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
      // The third call hits the limit; pauses double until the minute has passed.
      expect(waits).toEqual([2000, 4000, 8000, 16000, 32000]);
    } finally {
      await limited.close();
    }
  });

  it('stops with an ApiError once the rate limit outlasts every repeat, keeping what was done', async () => {
    const limited = await startDevServer({
      port: 0,
      authKeys: [KEY],
      quiet: true,
      now: () => clock,
      rateLimitPerMinute: { spamCheck: 1 },
    });
    try {
      const { waits, sleep } = fakeSleep();
      const report = await createDatabaseClient({ authKey: KEY, endpoint: limited.databaseUrl }).spamCheck(
        ['a@example.com', 'b@example.com', 'c@example.com'],
        { chunkSize: 1, retry: { sleep, rateLimitRetries: 2, initialDelayMs: 10 } },
      );
      expect(report.complete).toBe(false);
      expect(report.error).toBeInstanceOf(ApiError);
      expect((report.error as ApiError).errorNo).toBe(10);
      expect(report.results.map((result) => result.status)).toEqual(['ok', 'unchecked', 'unchecked']);
      expect(waits).toEqual([10, 20]);
    } finally {
      await limited.close();
    }
  });

  it('asks again for records CleanTalk answered "In progress" for', async () => {
    server.rules.inProgressRecords.push('later@example.com');
    const { waits, sleep } = fakeSleep();
    const report = await database().spamCheck(['later@example.com', 'ann@example.com'], { retry: { sleep } });
    expect(report.complete).toBe(true);
    expect(report.results.map((result) => result.status)).toEqual(['ok', 'ok']);
    expect(spamChecks()).toHaveLength(2);
    expect(waits).toEqual([2000]);
  });

  it('marks records still "In progress" after every repeat as pending, and carries on', async () => {
    const { sleep } = fakeSleep();
    let calls = 0;
    const report = await createDatabaseClient({
      authKey: KEY,
      endpoint: server.databaseUrl,
      fetch: async () => {
        calls++;
        return Response.json({ data: calls <= 3 ? 'In progress' : { 'b@example.com': { appears: 0 } } });
      },
    }).spamCheck(['a@example.com', 'b@example.com'], {
      chunkSize: 1,
      retry: { sleep, inProgressRetries: 2 },
    });
    expect(report.complete).toBe(true);
    expect(report.results.map((result) => result.status)).toEqual(['pending', 'ok']);
    expect(calls).toBe(4);
  });

  it('reports records missing from the answer and per-record errors', async () => {
    const report = await createDatabaseClient({
      authKey: KEY,
      endpoint: server.databaseUrl,
      fetch: async () =>
        Response.json({
          data: {
            'a@example.com': { error_message: 'Record rejected.' },
            'c@example.com': { appears: 'maybe' },
          },
        }),
    }).spamCheck(['a@example.com', 'b@example.com', 'c@example.com']);
    expect(report.results).toMatchObject([
      { status: 'error', error: 'Record rejected.' },
      { status: 'missing' },
      { status: 'error', error: expect.stringMatching(/appears/) },
    ]);
  });

  it('repeats a call after an HTTP 5xx and stops after the last repeat with a typed error', async () => {
    const { waits, sleep } = fakeSleep();
    server.setFault({ status: 502, paths: ['db'], times: 1 });
    const recovered = await database().spamCheck(['ann@example.com'], { retry: { sleep } });
    expect(recovered.complete).toBe(true);
    expect(waits).toEqual([2000]);

    server.setFault({ status: 500, paths: ['db'] });
    const failed = await database().spamCheck(['ann@example.com', 'bob@example.com'], {
      chunkSize: 1,
      retry: { sleep },
    });
    expect(failed.complete).toBe(false);
    expect(failed.error).toBeInstanceOf(HttpStatusError);
    expect(failed.results.map((result) => result.status)).toEqual(['unchecked', 'unchecked']);
    expect(failed.calls).toBe(3);
  });

  it('stops at once with an ApiError for a key CleanTalk does not know', async () => {
    const report = await createDatabaseClient({
      authKey: 'wrong-key-123',
      endpoint: server.databaseUrl,
    }).spamCheck(['ann@example.com']);
    expect(report.complete).toBe(false);
    expect(report.error).toBeInstanceOf(ApiError);
    expect(report.error?.code).toBe('CT_API_ERROR');
    expect(report.calls).toBe(1);
  });

  it('rejects with the signal reason when aborted between calls, after reporting the finished records', async () => {
    const controller = new AbortController();
    const finished: string[] = [];
    const run = database().spamCheck(['a@example.com', 'b@example.com', 'c@example.com'], {
      chunkSize: 1,
      signal: controller.signal,
      onProgress: (progress) => {
        finished.push(...progress.results.map((result) => result.record));
        controller.abort(new Error('interrupted'));
      },
    });
    await expect(run).rejects.toThrow('interrupted');
    expect(finished).toEqual(['a@example.com']);
  });

  it('rejects with the signal reason when aborted during a hanging call', async () => {
    server.setFault({ drop: 'hang', paths: ['db'] });
    const controller = new AbortController();
    const run = database().spamCheck(['a@example.com'], { signal: controller.signal, timeoutMs: 60_000 });
    setTimeout(() => controller.abort(new Error('interrupted')), 50);
    await expect(run).rejects.toThrow('interrupted');
  });
});

describe('the access key in database API failures', () => {
  const SECRET = 'sup3r+secret/key=42';

  it('never appears in an error a transport built from the URL', async () => {
    const report = await createDatabaseClient({
      authKey: SECRET,
      endpoint: server.databaseUrl,
      fetch: async (input) => {
        const url = String(input);
        throw new TypeError(`request to ${url} failed`, { cause: new Error(`connect ECONNREFUSED ${url}`) });
      },
    }).spamCheck(['ann@example.com'], { retry: { failureRetries: 0 } });
    const error = report.error;
    expect(error?.code).toBe('CT_CONNECTION');
    const shown = [error?.message, error?.stack, inspect(error, { depth: 10 }), JSON.stringify(error)].join(
      '\n',
    );
    expect(shown).toContain('auth_key=[redacted]');
    for (const form of [SECRET, encodeURIComponent(SECRET), 'sup3r']) expect(shown).not.toContain(form);
  });

  it('never appears in an ApiError, even when CleanTalk repeats it', async () => {
    const report = await createDatabaseClient({
      authKey: SECRET,
      endpoint: server.databaseUrl,
      fetch: async () => Response.json({ error_no: 2, error_message: `Access key ${SECRET} is not valid.` }),
    }).spamCheck(['ann@example.com']);
    expect(report.error).toBeInstanceOf(ApiError);
    expect(report.error?.message).toContain('CleanTalk error 2');
    expect(inspect(report.error, { depth: 10 })).not.toContain(SECRET);
  });

  it('never appears in a report when CleanTalk echoes it in a record', async () => {
    const report = await createDatabaseClient({
      authKey: SECRET,
      endpoint: server.databaseUrl,
      fetch: async () =>
        Response.json({
          data: {
            'ann@example.com': { appears: 1, country: SECRET, network_type: `net ${SECRET}` },
            'bob@example.com': { error_message: `bad key ${SECRET}` },
          },
        }),
    }).spamCheck(['ann@example.com', 'bob@example.com']);
    expect(report.results.map((result) => result.status)).toEqual(['ok', 'error']);
    const shown = inspect(report, { depth: 10 });
    expect(shown).toContain('[redacted]');
    expect(shown).not.toContain(SECRET);
  });

  it('never appears in a timeout', async () => {
    server.setFault({ drop: 'hang', paths: ['db'] });
    const report = await createDatabaseClient({ authKey: SECRET, endpoint: server.databaseUrl }).spamCheck(
      ['ann@example.com'],
      { timeoutMs: 50, retry: { failureRetries: 0 } },
    );
    expect(report.error?.code).toBe('CT_TIMEOUT');
    expect(inspect(report.error, { depth: 10 })).not.toContain('sup3r');
  });
});
