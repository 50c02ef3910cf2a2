import { readFileSync, writeFileSync } from 'node:fs';
import { DEFAULT_AUTH_KEY, type DevServer, startDevServer } from '@ct-protected-form/devserver';
import { parse } from 'csv-parse/sync';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { killAll, run, start, tempDir, waitFor } from './helpers.js';

let server: DevServer;
const env = { CLEANTALK_AUTH_KEY: DEFAULT_AUTH_KEY };
const temp = tempDir();

beforeAll(async () => {
  server = await startDevServer({ port: 0, quiet: true, rateLimitPerMinute: { spamCheck: 1_000_000 } });
});
afterAll(async () => {
  await server.close();
  temp.remove();
});
afterEach(() => {
  killAll();
  server.setFault(null);
  server.clearRequests();
});

const spamCheck = (args: string[], options: { input?: string; env?: Record<string, string> } = {}) =>
  run(['spam-check', '--database-endpoint', server.databaseUrl, ...args], { env, ...options });
const rows = (csv: string) => parse(csv, { columns: true }) as Record<string, string>[];
const sentRecords = () =>
  server.requests
    .filter((request) => request.methodName === 'spam_check')
    .flatMap((request) => String((request.body as { data?: string }).data).split(','));

describe('ct-protected-form spam-check', () => {
  it('reads the chosen CSV column and writes one CSV row per record with its input line', async () => {
    const file = temp.path('users.csv');
    writeFileSync(
      file,
      'id,name,mail\n1,Ann,ann@example.com\n2,Spammer,stop_email@example.com\n3,Host,192.0.2.66\n',
    );
    const result = await spamCheck([file, '--column', 'mail']);
    expect(result.code).toBe(0);
    expect(rows(result.stdout)).toMatchObject([
      { line: '2', record: 'ann@example.com', type: 'email', status: 'ok', appears: '0', exists: '1' },
      {
        line: '3',
        record: 'stop_email@example.com',
        status: 'ok',
        appears: '1',
        frequency: '42',
        spam_rate: '1',
      },
      { line: '4', record: '192.0.2.66', type: 'ip', appears: '1', network_type: 'hosting' },
    ]);
    expect(result.stderr).toContain('done: 3 of 3 records answered, 2 in the spam database.');
  });

  it('reads a plain list from stdin and writes JSON with typed values', async () => {
    const result = await spamCheck(['--format', 'json'], {
      input: '# exported users\nann@example.com\n\n2001:DB8::66\n2001:4860:4860::8888\n',
    });
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(parsed).toMatchObject([
      { line: 2, record: 'ann@example.com', appears: false, frequency: 0, error: null },
      { line: 4, record: '2001:DB8::66', type: 'ip', appears: true },
      { line: 5, record: '2001:4860:4860::8888', type: 'ip', appears: false, country: 'US' },
    ]);
  });

  it('reports malformed rows with their line number on stderr and carries on', async () => {
    const input =
      'name,email\nAnn,ann@example.com\nBroken,"unclosed\nBob,bob@example.com,extra\nNoMail,\nJunk,not-an-email\nCid,cid@example.com\n';
    const file = temp.path('messy.csv');
    writeFileSync(file, input);
    const result = await spamCheck([file, '--format', 'jsonl']);
    expect(result.code).toBe(0);
    const records = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { record: string });
    expect(records.map((record) => record.record)).toEqual(['ann@example.com', 'cid@example.com']);
    expect(result.stderr).toContain('line 3: unreadable CSV (a quoted field is not closed); skipped');
    expect(result.stderr).not.toMatch(/^spam-check: .*(Error|at )\s/m);

    writeFileSync(
      file,
      'name,email\nAnn,ann@example.com\nBob,bob@example.com,extra\nNoMail,\nJunk,not-an-email\nCid,cid@example.com\n',
    );
    const second = await spamCheck([file]);
    expect(second.code).toBe(0);
    expect(rows(second.stdout).map((row) => [row.line, row.record])).toEqual([
      ['2', 'ann@example.com'],
      ['6', 'cid@example.com'],
    ]);
    expect(second.stderr).toContain('line 3: expected 2 fields, got 3; skipped');
    expect(second.stderr).toContain('line 4: the "email" field is empty; skipped');
    expect(second.stderr).toContain('line 5: neither an email nor an IP address: "not-an-email"; skipped');
  });

  it('sends 1001 records in two calls of 1000 and 1', async () => {
    const input = Array.from({ length: 1001 }, (_, i) => `user${i}@example.com`).join('\n');
    const result = await spamCheck(['--input-format', 'list', '--format', 'jsonl'], { input });
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(1001);
    const calls = server.requests.filter((request) => request.methodName === 'spam_check');
    expect(calls.map((call) => String((call.body as { data: string }).data).split(',').length)).toEqual([
      1000, 1,
    ]);
  });

  it('waits and asks again when CleanTalk answers the rate limit', async () => {
    server.setFault({
      body: '{"error_no":10,"error_message":"Calls limit exceeded."}',
      paths: ['db'],
      times: 2,
    });
    const result = await spamCheck(['--retry-delay', '5'], { input: 'ann@example.com\n' });
    expect(result.code).toBe(0);
    expect(rows(result.stdout)).toMatchObject([{ record: 'ann@example.com', status: 'ok' }]);
    expect(result.stderr).toContain('asking again in 5 ms');
    expect(result.stderr).toContain('asking again in 10 ms');
  });

  it('asks again for records CleanTalk answered "In progress" for', async () => {
    server.rules.inProgressRecords.push('slow@example.com');
    const result = await spamCheck(['--retry-delay', '5'], { input: 'slow@example.com\nann@example.com\n' });
    expect(result.code).toBe(0);
    expect(rows(result.stdout).map((row) => row.status)).toEqual(['ok', 'ok']);
    expect(server.requests.filter((request) => request.methodName === 'spam_check')).toHaveLength(2);
  });

  it('fails with exit 1 and a clear message for a key CleanTalk refuses, never printing the key', async () => {
    const secret = 'my-very-secret-key-123';
    for (const keyEnv of [{ CLEANTALK_AUTH_KEY: secret }, {}] as Record<string, string>[]) {
      const args = Object.keys(keyEnv).length ? [] : ['--key', secret];
      const result = await spamCheck(args, { input: 'ann@example.com\n', env: keyEnv });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/CleanTalk error 2: Access key is not valid/);
      expect(result.stderr).toMatch(/Check the access key/);
      expect(result.stdout + result.stderr).not.toContain(secret);
    }
  });

  it('fails with exit 1 when CleanTalk cannot be reached, never printing the key', async () => {
    const closed = await startDevServer({ port: 0, quiet: true });
    const url = closed.databaseUrl;
    await closed.close();
    const result = await run(['spam-check', '--database-endpoint', url, '--retry-delay', '1'], {
      input: 'ann@example.com\n',
      env: { CLEANTALK_AUTH_KEY: 'unreachable-secret-key' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Could not reach CleanTalk at ${url}`);
    expect(result.stderr).toMatch(/ECONNREFUSED/);
    expect(result.stdout + result.stderr).not.toContain('unreachable-secret-key');
  });

  it('exits 2 with a pointer to --help without a key or with a bad option', async () => {
    const noKey = await run(['spam-check', '--database-endpoint', server.databaseUrl], { input: 'a@b.co\n' });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('no access key: set CLEANTALK_AUTH_KEY');
    const badChunk = await spamCheck(['--chunk-size', '1001'], { input: 'a@b.co\n' });
    expect(badChunk.code).toBe(2);
    expect(badChunk.stderr).toContain('--chunk-size expects a whole number from 1 to 1000');
    expect(badChunk.stderr).toContain('ct-protected-form spam-check --help');
    const noColumn = await spamCheck(['--column', 'email'], { input: 'name,mail\nAnn,a@b.co\n' });
    expect(noColumn.code).toBe(2);
    expect(noColumn.stderr).toContain('the CSV has no column "email" (columns: "name", "mail")');
  });

  it('writes what is done when interrupted, exits 130, and --resume asks only for the rest', async () => {
    const output = temp.path('interrupted.csv');
    const records = Array.from({ length: 30 }, (_, i) => `person${i}@example.com`);
    server.setFault({ latencyMs: 100, paths: ['db'] });
    const running = start(
      [
        'spam-check',
        '--database-endpoint',
        server.databaseUrl,
        '--chunk-size',
        '1',
        '--output',
        output,
        '--no-progress',
      ],
      { env, input: `${records.join('\n')}\n` },
    );
    await waitFor(() => sentRecords().length >= 3, 'a few calls');
    running.child.kill('SIGINT');
    const interrupted = await running.done;
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toMatch(/interrupted: \d+ of 30 records answered to .*--resume/);
    const partial = rows(readFileSync(output, 'utf8'));
    expect(partial.length).toBeGreaterThanOrEqual(2);
    expect(partial.length).toBeLessThan(30);
    expect(partial.map((row) => row.record)).toEqual(records.slice(0, partial.length));

    server.setFault(null);
    server.clearRequests();
    const resumed = await spamCheck(['--chunk-size', '1000', '--output', output, '--resume'], {
      input: `${records.join('\n')}\n`,
    });
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain(`resuming: ${partial.length} of 30 records already in`);
    expect(sentRecords()).toEqual(records.slice(partial.length));
    const all = rows(readFileSync(output, 'utf8'));
    expect(all.map((row) => row.record)).toEqual(records);
  });

  it('keeps a JSON array valid when interrupted, and resumes it', async () => {
    const output = temp.path('interrupted.json');
    const records = Array.from({ length: 20 }, (_, i) => `json${i}@example.com`);
    server.setFault({ latencyMs: 100, paths: ['db'] });
    const running = start(
      [
        'spam-check',
        '--database-endpoint',
        server.databaseUrl,
        '--chunk-size',
        '1',
        '-o',
        output,
        '-f',
        'json',
      ],
      { env, input: records.join('\n') },
    );
    await waitFor(() => sentRecords().length >= 2, 'a few calls');
    running.child.kill('SIGINT');
    expect((await running.done).code).toBe(130);
    const partial = JSON.parse(readFileSync(output, 'utf8')) as { record: string }[];
    expect(partial.length).toBeGreaterThanOrEqual(1);

    server.setFault(null);
    const resumed = await spamCheck(['-o', output, '-f', 'json', '--resume'], { input: records.join('\n') });
    expect(resumed.code).toBe(0);
    const all = JSON.parse(readFileSync(output, 'utf8')) as { record: string }[];
    expect(all.map((row) => row.record)).toEqual(records);
  });
});
