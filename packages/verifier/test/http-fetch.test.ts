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
import { createHttpFetch, type HttpFetch } from '../src/node-transport/http-fetch.js';
import { freePort } from './helpers/redis-server.js';
import { widgetFields } from './helpers/widget-form.js';

let devserver: DevServer;
let httpFetch: HttpFetch;

beforeAll(async () => {
  devserver = await startDevServer({ port: 0, quiet: true });
  httpFetch = createHttpFetch();
});
afterAll(async () => {
  httpFetch.close();
  await devserver.close();
});
afterEach(() => devserver.setFault(null));

const submission = () => ({
  ip: '203.0.113.7',
  email: 'ann@example.com',
  message: 'Hello.',
  form: widgetFields(),
});
const verifier = (timeoutMs = 400) =>
  createVerifier({
    authKey: DEFAULT_AUTH_KEY,
    endpoint: devserver.apiUrl,
    fetch: httpFetch,
    timeoutMs,
    logger: { warn() {}, error() {} },
  });

describe('createHttpFetch', () => {
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

  it('rejects when the server refuses the connection, and when aborted', async () => {
    const port = await freePort();
    await expect(httpFetch(`http://127.0.0.1:${port}/`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    devserver.setFault({ drop: 'hang' });
    const controller = new AbortController();
    const pending = httpFetch(new URL(devserver.apiUrl), {
      method: 'POST',
      body: '{}',
      signal: controller.signal,
    });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await expect(httpFetch(devserver.apiUrl, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('sends URLSearchParams as a form and answers status, type and body like fetch', async () => {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        if (req.url === '/empty') {
          res.writeHead(204).end();
          return;
        }
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            method: req.method,
            type: req.headers['content-type'],
            body,
            custom: req.headers['x-a'],
          }),
        );
      });
    });
    server.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const response = await httpFetch(`${base}/x`, {
        method: 'POST',
        body: new URLSearchParams({ data: 'a,b' }),
        headers: new Headers({ 'X-A': '1' }),
      });
      expect(response.status).toBe(201);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(await response.json()).toEqual({
        method: 'POST',
        type: 'application/x-www-form-urlencoded;charset=UTF-8',
        body: 'data=a%2Cb',
        custom: '1',
      });
      const empty = await httpFetch(`${base}/empty`);
      expect(empty.status).toBe(204);
      expect(empty.body).toBeNull();
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
