import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_AUTH_KEY, type DevServer, startDevServer } from '@ct-protected-form/devserver';
import {
  ConnectionError,
  createVerifier,
  HttpStatusError,
  ResponseError,
  TimeoutError,
} from '@ct-protected-form/verifier';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { callJson } from '../../src/transport/call-json.js';
import { createHttpTransport, type HttpTransport } from '../../src/transport/node-client.js';
import { stubStartTokens, widgetFields } from '../helpers/widget-form.js';

let devserver: DevServer;
let transport: HttpTransport;

beforeAll(async () => {
  devserver = await startDevServer({ port: 0, quiet: true });
  transport = createHttpTransport();
});
afterAll(async () => {
  transport.close();
  await devserver.close();
});
afterEach(() => devserver.setFault(null));

const submission = () => ({
  ip: '203.0.113.7',
  email: 'ann@example.com',
  message: 'Hello.',
  form: widgetFields(),
});
// Without a `fetch` option, a verifier on Node calls CleanTalk through this client.
const verifier = (timeoutMs = 400) =>
  createVerifier({
    authKey: DEFAULT_AUTH_KEY,
    endpoint: devserver.apiUrl,
    timeoutMs,
    logger: { warn() {}, error() {} },
    startTokens: stubStartTokens,
  });

describe('createHttpTransport', () => {
  it('carries the verifier’s checks over kept-alive connections', async () => {
    const v = verifier();
    const before = devserver.connectionsAccepted;
    for (let i = 0; i < 10; i++) expect((await v.checkMessage(submission())).decision).toBe('allow');
    expect(devserver.connectionsAccepted - before).toBeLessThanOrEqual(1);
    expect(devserver.lastRequest('check_message')?.body).toMatchObject({ sender_email: 'ann@example.com' });
  });

  it.each([
    ['no answer', { drop: 'hang' }, TimeoutError],
    ['a reset connection', { drop: 'reset' }, ConnectionError],
    ['a closed connection', { drop: 'close' }, ConnectionError],
    ['HTTP 500', { status: 500 }, HttpStatusError],
    ['garbage', { body: 'garbage' }, ResponseError],
    ['truncated JSON', { body: 'truncated' }, ResponseError],
    ['an empty body', { body: 'empty' }, ResponseError],
  ] as const)(
    'turns %s into the same typed failure as the global fetch',
    async (_name, fault, errorClass) => {
      devserver.setFault(fault);
      const started = performance.now();
      const verdict = await verifier().checkMessage(submission());
      // Generous on purpose: what matters is that a hanging server cannot hold the check past its deadline.
      expect(performance.now() - started).toBeLessThan(400 + 1_500);
      expect(verdict).toMatchObject({ verified: false, basis: 'failure', decision: 'review' });
      expect(verdict.error).toBeInstanceOf(errorClass);
    },
  );

  it('sends a form body (the database API) with its content type through the Node client', async () => {
    let seen: { type?: string; body: string } = { body: '' };
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        seen = { type: req.headers['content-type'], body };
        res.end('{"data":{}}');
      });
    });
    server.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const answer = await callJson({
        transport,
        url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`),
        method: 'POST',
        body: new URLSearchParams({ data: 'a,b' }),
        timeoutMs: 2_000,
        retries: 0,
        what: 'CleanTalk spam_check',
      });
      expect(answer).toEqual({ data: {} });
      expect(seen).toEqual({ type: 'application/x-www-form-urlencoded;charset=UTF-8', body: 'data=a%2Cb' });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('answers the status and the whole body as text, without a Response', async () => {
    const answer = await transport({
      url: new URL(devserver.apiUrl),
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
      signal: new AbortController().signal,
      maxBytes: 1 << 20,
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toHaveProperty('error_no');
  });
});
