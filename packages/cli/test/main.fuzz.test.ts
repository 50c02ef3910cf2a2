import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/main.js';
import { EXIT } from '../src/usage-error.js';
import { tempDir } from './helpers.js';
import { FUZZ_TIMEOUT, hostileText, runs } from './hostile.js';

const temp = tempDir();
mkdirSync(temp.path('a-directory'));
writeFileSync(temp.path('users.csv'), 'name,email\nAnn,ann@example.com\nBob,192.0.2.1\n');
writeFileSync(temp.path('decisions.txt'), '0123456789abcdef0123456789abcdef:spam\n');

/** How the stub CleanTalk answers: each answer may quote the key it was sent. */
const MODES = [
  'data',
  'record-error',
  'error',
  'rate-limit',
  'in-progress',
  'http-500',
  'junk',
  'feedback',
] as const;
type Mode = (typeof MODES)[number];
let mode: Mode = 'data';
/** Both endpoints on the stub CleanTalk. */
const endpoints = () => ['--database-endpoint', `${url}/`, '--endpoint', `${url}/api2.0`];
let server: Server;
let url = '';

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      const query = new URL(request.url ?? '/', 'http://x').searchParams;
      const form = new URLSearchParams(body);
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(body) as Record<string, unknown>;
      } catch {}
      const key = String(query.get('auth_key') ?? form.get('auth_key') ?? json.auth_key ?? '');
      const records = (form.get('data') ?? query.get('data') ?? query.get('email') ?? query.get('ip') ?? '')
        .split(',')
        .filter(Boolean);
      const paidTill = (query.get('method_name') ?? form.get('method_name')) === 'notice_paid_till';
      const perRecord = (make: (record: string) => unknown) =>
        Object.fromEntries(records.map((record) => [record, make(record)]));
      const answers: Record<Mode, () => [number, string]> = {
        data: () => [
          200,
          JSON.stringify({
            data: paidTill
              ? { valid: 1, paid_till: key, product_id: 1, trial: 0 }
              : perRecord(() => ({
                  appears: 1,
                  country: key,
                  network_type: `auth_key=${key}`,
                  sha256: key,
                  country_code: key,
                  country_name: key,
                })),
          }),
        ],
        'record-error': () => [
          200,
          JSON.stringify({ data: perRecord(() => ({ error_message: `bad key ${key}` })) }),
        ],
        error: () => [200, JSON.stringify({ error_message: `Access key ${key} is not valid`, error_no: 2 })],
        'rate-limit': () => [200, JSON.stringify({ error_message: `limit for ${key}`, error_no: 10 })],
        'in-progress': () => [200, JSON.stringify({ data: 'In progress' })],
        'http-500': () => [500, `internal error for auth_key=${key}`],
        junk: () => [200, `<html>${key}</html>`],
        feedback: () => [200, JSON.stringify({ received: 1, comment: `OK ${key}`, codes: key })],
      };
      const [status, text] = answers[mode]();
      response.writeHead(status, { 'content-type': 'application/json' }).end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  temp.remove();
});

/** A key that names itself by a unique middle, possibly wrapped in characters a key should not hold. */
const key = fc
  .tuple(
    fc.stringMatching(/^[a-z0-9]{10}$/),
    fc.constantFrom('', ' ', '\n', '"', '\u0000', 'é', '&=', '%2F'),
    fc.constantFrom('', ' ', '\t', '<x>', '\uD800'),
  )
  .map(([middle, before, after]) => ({ key: `${before}zQ${middle}Qz${after}`, marker: `zQ${middle}Qz` }));

const OPTIONS = [
  '--column',
  '-c',
  '--format',
  '-f',
  '--input-format',
  '--resume',
  '--chunk-size',
  '--timeout',
  '--no-progress',
  '--date',
  '--file',
  '--help',
  '-h',
  '--version',
  '--colour',
  '-x',
  '--',
  '-',
];
const WORDS = [
  'csv',
  'json',
  'jsonl',
  'list',
  'auto',
  'text',
  'email',
  'ip',
  '0',
  '1',
  '1000',
  '1001',
  '-1',
  '2025-01-01',
];

/** A token of a command line: options, their values, files, or anything else. */
const token = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...OPTIONS) },
  { weight: 3, arbitrary: fc.constantFrom(...WORDS) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      temp.path('users.csv'),
      temp.path('decisions.txt'),
      temp.path('a-directory'),
      temp.path('missing.csv'),
      '0123456789abcdef0123456789abcdef:spam',
      'ffffffffffffffffffffffffffffffff:maybe',
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...OPTIONS), fc.string({ maxLength: 8 }))
      .map(([o, v]) => `${o}=${v}`),
  },
  // Anything else, except what would write files or reach other hosts (added below, on purpose).
  {
    weight: 2,
    arbitrary: fc
      .string({ maxLength: 12 })
      .filter((text) => !/^-[^-]*o|^--(output|endpoint|database-endpoint|retry-delay|o)/.test(text)),
  },
);

let outputs = 0;
/** Where the output goes: stdout, a fresh file, a directory, or a file in a directory that does not exist. */
const output = fc.constantFrom('stdout', 'file', 'directory', 'no-such-directory').map((kind) => {
  const n = outputs++;
  if (kind === 'file') return ['--output', temp.path(`out-${n}`)];
  if (kind === 'directory') return ['-o', temp.path('a-directory')];
  if (kind === 'no-such-directory') return ['--output', temp.path(`nowhere-${n}/out.csv`)];
  return [];
});

async function run(args: string[], env: NodeJS.ProcessEnv, input = '') {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  stderr.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const code = await main(args, {
    stdin: Readable.from([input]),
    stdout,
    stderr,
    env,
    signal: new AbortController().signal,
  });
  return { code, stdout: out, stderr: err };
}

describe('main with a CleanTalk that quotes the key back', () => {
  it('writes the key neither in rows whose country, network type or hash hold it nor in check-key', async () => {
    const secret = 'echoed-key-0123';
    mode = 'data';
    for (const format of ['csv', 'json']) {
      const args = ['spam-check', '--database-endpoint', `${url}/`, '--format', format];
      const result = await run(args, { CLEANTALK_AUTH_KEY: secret }, 'ann@example.com\n');
      expect(result.code).toBe(EXIT.ok);
      expect(result.stdout).toContain('[redacted]');
      expect(result.stdout).not.toContain(secret);
      const check = await run(
        ['check-key', '--database-endpoint', `${url}/`, '--format', format === 'csv' ? 'text' : 'json'],
        {
          CLEANTALK_AUTH_KEY: secret,
        },
      );
      expect(check.stdout).toMatch(/valid/);
      expect(check.stdout).not.toContain(secret);
    }
  });
});

describe('main under any command line, input and CleanTalk answer', () => {
  it(
    'ends with a documented exit code and a message, never a stack trace, and never prints the key',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('spam-check', 'ip-info', 'check-key', 'feedback', 'help', 'spam_check', ''),
          fc.array(token, { maxLength: 8 }),
          output,
          key,
          fc.boolean(),
          fc.constantFrom(...MODES),
          fc.oneof(hostileText, fc.constant('ann@example.com\n192.0.2.1\n')),
          async (command, tokens, where, secret, onCommandLine, answer, input) => {
            mode = answer;
            const args = [
              command,
              ...endpoints(),
              ...(command === 'spam-check' || command === 'ip-info' ? ['--retry-delay', '0'] : []),
              ...(onCommandLine ? [`--key=${secret.key}`] : []),
              ...where,
              ...tokens,
            ];
            const env = onCommandLine ? {} : { CLEANTALK_AUTH_KEY: secret.key };
            const result = await run(args, env, input);
            expect(Object.values(EXIT)).toContain(result.code);
            const text = result.stdout + result.stderr;
            expect(text).not.toContain(secret.marker);
            expect(result.stderr).not.toMatch(/\n\s+at \S/);
            if (result.code === EXIT.usage) expect(result.stderr + result.stdout).toMatch(/--help|Usage:/);
            if (result.code === EXIT.failure) expect(result.stderr).not.toBe('');
          },
        ),
        runs(300),
      );
    },
    FUZZ_TIMEOUT ?? 30_000,
  );

  it(
    'never prints the key a well-formed run sends, whatever CleanTalk answers with it',
    async () => {
      const runOf = fc.oneof(
        fc.record({
          command: fc.constantFrom('spam-check', 'ip-info'),
          format: fc.constantFrom('csv', 'json', 'jsonl'),
          input: fc.constantFrom('ann@example.com\n192.0.2.1\n', 'ip\n192.0.2.1\n2001:db8::1\n'),
        }),
        fc.record({
          command: fc.constant('check-key'),
          format: fc.constantFrom('text', 'json'),
          input: fc.constant(''),
        }),
        fc.record({
          command: fc.constant('feedback'),
          format: fc.constantFrom('text', 'json'),
          input: fc.constant(''),
        }),
      );
      await fc.assert(
        fc.asyncProperty(
          runOf,
          key,
          fc.boolean(),
          fc.constantFrom(...MODES),
          async ({ command, format, input }, secret, onCommandLine, answer) => {
            mode = answer;
            const args = [
              command,
              ...endpoints(),
              '--format',
              format,
              ...(command === 'feedback' ? ['0123456789abcdef0123456789abcdef:spam'] : []),
              ...(command === 'spam-check' || command === 'ip-info' ? ['--retry-delay', '0'] : []),
              ...(onCommandLine ? ['--key', secret.key] : []),
            ];
            const result = await run(args, onCommandLine ? {} : { CLEANTALK_AUTH_KEY: secret.key }, input);
            expect([EXIT.ok, EXIT.failure, EXIT.usage]).toContain(result.code);
            expect(result.stdout + result.stderr).not.toContain(secret.marker);
            expect(result.stderr).not.toMatch(/\n\s+at \S/);
          },
        ),
        runs(200),
      );
    },
    FUZZ_TIMEOUT ?? 30_000,
  );
});
