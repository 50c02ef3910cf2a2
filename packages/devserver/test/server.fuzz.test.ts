import { METHODS } from 'node:http';
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_AUTH_KEY, type DevServer, startDevServer } from '../src/index.js';
import { callApi, message } from './helpers.js';

/** `FUZZ_RUNS=1000` for a longer hunt. */
const RUNS = Number(process.env.FUZZ_RUNS) || undefined;
const runs = (numRuns: number) => ({ numRuns: RUNS ?? numRuns });
const FUZZ_TIMEOUT = RUNS ? 600_000 : undefined;

const MAX_BODY = 256 * 1024;
let server: DevServer;
let port: number;

beforeAll(async () => {
  server = await startDevServer({ maxBodyBytes: MAX_BODY });
  port = Number(new URL(server.url).port);
});
afterAll(() => server.close());
afterEach(() => {
  server.setFault(null);
  server.clearRequests();
});

interface RawAnswer {
  status: number;
  body: string;
}

/**
 * Sends one request exactly as given, over a fresh connection, and reads the answer to the end.
 * Resolves `status: 0` when the server closed the connection without an answer.
 */
function raw(
  method: string,
  target: string,
  headers: [string, string][],
  body: Uint8Array,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const head = [
      `${method} ${target} HTTP/1.1`,
      'host: 127.0.0.1',
      'connection: close',
      `content-length: ${body.byteLength}`,
      ...headers.map(([name, value]) => `${name}: ${value}`),
      '',
      '',
    ].join('\r\n');
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(head);
      socket.end(body);
    });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // The server may answer (413, 400) and close before it has read everything sent.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error);
    });
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const status = /^HTTP\/1\.1 (\d{3}) /.exec(text)?.[1];
      const at = text.indexOf('\r\n\r\n');
      resolve({ status: status ? Number(status) : 0, body: at < 0 ? '' : text.slice(at + 4) });
    });
  });
}

const API_PATHS = ['/api2.0', '/api2.0/', '/db', '/db/'];
const OTHER_PATHS = [
  '/__devserver/requests',
  '/__devserver/fault',
  '/__devserver/event-token',
  '/ct-bot-detector-wrapper.js',
  '/ct-bot-detector-1.0.0.min.js',
  '/nowhere',
];

/** Values that have broken request handlers: IPs with zone ids, prototype names, deep JSON, anything. */
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue(),
  // What JSON.parse gives for objects keyed like Object.prototype's members.
  fc.anything({
    key: fc.constantFrom('__proto__', 'toString', 'valueOf', 'constructor', 'length', '0'),
    values: [fc.string(), fc.integer(), fc.boolean(), fc.constant(null)],
    maxDepth: 2,
  }),
  fc.constantFrom(
    'fe80::1%eth0',
    '::ffff:999.1.1.1',
    '2001:db8::66%1',
    '[::1]',
    '__proto__',
    'constructor',
    'stop_email@example.com',
    'in-progress@example.com',
    '',
  ),
  fc
    .array(fc.constantFrom('1', '255', '0', 'fe80', 'ffff', ':', '::', '.', '%', 'eth0', '@', 'a'), {
      maxLength: 10,
    })
    .map((parts) => parts.join('')),
);

/** The same values as text, as a query string or form carries them. */
const hostileText = hostile.map((value) => (typeof value === 'string' ? value : JSON.stringify(value)));

/** A real-time API body: the usual fields, each any value. */
const apiFields = fc.record(
  {
    // Mostly a real method and the accepted key, so the rules behind them are reached.
    method_name: fc.oneof(
      {
        weight: 3,
        arbitrary: fc.constantFrom('check_message', 'check_newuser', 'check_bot', 'send_feedback'),
      },
      { weight: 1, arbitrary: fc.oneof(fc.constantFrom('spam_check', ''), hostile) },
    ),
    auth_key: fc.oneof(
      { weight: 3, arbitrary: fc.constant(DEFAULT_AUTH_KEY) },
      {
        weight: 1,
        arbitrary: fc.oneof(fc.constantFrom('ct-devserver-trial-expired', 'ct-devserver-disabled'), hostile),
      },
    ),
    sender_ip: hostile,
    sender_email: hostile,
    message: hostile,
    event_token: hostile,
    // Mostly 1, so the timing rule that reads submit_time is reached.
    js_on: fc.oneof({ weight: 3, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: hostile }),
    submit_time: hostile,
    feedback: hostile,
  },
  { requiredKeys: [] },
);

/** A database API form: methods, keys and records, each any text. */
const dbFields = fc.record(
  {
    method_name: fc.oneof(
      fc.constantFrom('spam_check', 'ip_info', 'notice_paid_till', 'toString'),
      fc.string(),
    ),
    auth_key: fc.oneof(fc.constant(DEFAULT_AUTH_KEY), fc.string()),
    data: fc.array(hostileText, { maxLength: 20 }).map((records) => records.join(',')),
    email: fc.string(),
    ip: hostileText,
  },
  { requiredKeys: [] },
);

/** A body and the content type it claims, kept printable for the counterexample. */
const body = fc.oneof(
  {
    weight: 3,
    arbitrary: apiFields.map((fields) => ({ text: JSON.stringify(fields), type: 'application/json' })),
  },
  dbFields.map((fields) => ({
    text: new URLSearchParams(fields).toString(),
    type: 'application/x-www-form-urlencoded',
  })),
  dbFields.map((fields) => ({ text: JSON.stringify(fields), type: 'application/json' })),
  fc.record({ depth: fc.integer({ min: 1, max: 100_000 }), open: fc.constantFrom('[', '{"a":') }),
  fc.record({ bytes: fc.uint8Array({ maxLength: 2_000 }), type: fc.stringMatching(/^[\x20-\x7e]{0,60}$/) }),
  fc.constant({ oversized: true as const }),
);

type Body = typeof body extends fc.Arbitrary<infer T> ? T : never;

const encoder = new TextEncoder();

/** The bytes of a body and its content type. */
function encode(spec: Body): { bytes: Uint8Array; type: string } {
  if ('text' in spec) return { bytes: encoder.encode(spec.text), type: spec.type };
  if ('bytes' in spec) return spec;
  if ('oversized' in spec)
    return { bytes: new Uint8Array(MAX_BODY + 1).fill(0x61), type: 'application/json' };
  const close = spec.open === '[' ? ']' : '}';
  // Deep in the fields the real-time and database APIs read as text or records.
  const deep = (inner: string) => `${spec.open.repeat(spec.depth)}${inner}${close.repeat(spec.depth)}`;
  const text = `{"method_name":"check_message","auth_key":"${DEFAULT_AUTH_KEY}","message":${deep('1')},"data":${deep('null')}}`;
  return { bytes: encoder.encode(text), type: 'application/json' };
}

/** A request target: an API path with any query, another path, or an absolute-form URL. */
const target = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...API_PATHS) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(...API_PATHS), dbFields)
      .map(([path, query]) => `${path}?${new URLSearchParams(query)}`),
  },
  { weight: 1, arbitrary: fc.constantFrom(...OTHER_PATHS) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom('http://%zz', 'http://[::1', 'http://x:99999', 'http://127.0.0.1', 'http://%'),
        fc.constantFrom(...API_PATHS),
      )
      .map(([origin, path]) => `${origin}${path}`),
  },
);

/** Methods Node's parser knows (CONNECT has its own event), and tokens it does not. */
const method = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('POST', 'GET') },
  { weight: 2, arbitrary: fc.constantFrom(...METHODS.filter((m) => m !== 'CONNECT')) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Z]{1,10}$/) },
);

/** The path a target names, without a trailing slash; undefined when the target is not a URL. */
function pathOf(target: string): string | undefined {
  try {
    return new URL(target, 'http://x').pathname.replace(/\/$/, '');
  } catch {
    return undefined;
  }
}

function expectJsonObject(text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  expect(value !== null && typeof value === 'object' && !Array.isArray(value)).toBe(true);
  return value as Record<string, unknown>;
}

describe('devserver under hostile requests', () => {
  it(
    'answers every request without a 5xx, per its contract, and stays up for the next one',
    async () => {
      await fc.assert(
        fc.asyncProperty(method, target, body, async (verb, path, spec) => {
          const sent = encode(spec);
          const answer = await raw(verb, path, [['content-type', sent.type]], sent.bytes);
          expect(answer.status).toBeGreaterThanOrEqual(200);
          expect(answer.status).toBeLessThan(500);

          const known = METHODS.includes(verb) && verb !== 'CONNECT';
          const apiPath = pathOf(path);
          if (!known || apiPath === undefined) {
            expect(answer.status).toBe(400);
          } else if (apiPath === '/api2.0') {
            if (verb !== 'POST') expect(answer.status).toBe(405);
            else if (sent.bytes.byteLength > MAX_BODY) expect(answer.status).toBe(413);
            else {
              expect(answer.status).toBe(200);
              const json = expectJsonObject(answer.body);
              expect('allow' in json || 'error_no' in json || 'received' in json).toBe(true);
            }
          } else if (apiPath === '/db') {
            if (verb !== 'GET' && verb !== 'POST') expect(answer.status).toBe(405);
            else if (sent.bytes.byteLength > MAX_BODY) expect(answer.status).toBe(413);
            else {
              expect(answer.status).toBe(200);
              const json = expectJsonObject(answer.body);
              expect('data' in json || 'error_no' in json).toBe(true);
            }
          }

          // Still up, still recording, still deciding by its rules.
          server.setFault(null);
          const requests = await fetch(`${server.url}/__devserver/requests`);
          expect(requests.status).toBe(200);
          await requests.json();
          expect(await callApi(server, message())).toMatchObject({ allow: 1, codes: 'ALLOWED' });
        }),
        runs(200),
      );
    },
    FUZZ_TIMEOUT,
  );
});
