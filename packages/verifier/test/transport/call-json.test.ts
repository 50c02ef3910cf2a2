import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectionError, HttpStatusError, ResponseError, TimeoutError } from '@ct-protected-form/verifier';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { callJson } from '../../src/transport/call-json.js';
import { fromFetch } from '../../src/transport/from-fetch.js';
import { createHttpTransport } from '../../src/transport/node-client.js';
import type { Transport } from '../../src/transport/transport.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server;
let url: URL;
let handler: Handler;
let connections = 0;

beforeEach(async () => {
  connections = 0;
  handler = (_req, res) => res.end('{"allow":1}');
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handler(req, res));
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api2.0`);
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

// The same behaviour through a custom `fetch` (here the global one, through `fromFetch`) and
// through the default Node transport: the two implementations of the one transport seam.
const nodeTransport = createHttpTransport();
afterAll(() => nodeTransport.close());
const transports = [
  ['the global fetch', fromFetch(globalThis.fetch)],
  ['the default Node transport', nodeTransport],
] as const;
let transport: Transport = fromFetch(globalThis.fetch);

const call = (overrides: Partial<Parameters<typeof callJson>[0]> = {}) =>
  callJson({
    transport,
    url,
    method: 'POST',
    body: '{}',
    timeoutMs: 500,
    retries: 1,
    what: 'CleanTalk check',
    ...overrides,
  });

async function timed<T>(promise: Promise<T>): Promise<{ ms: number; error?: unknown; value?: T }> {
  const start = performance.now();
  try {
    const value = await promise;
    return { ms: performance.now() - start, value };
  } catch (error) {
    return { ms: performance.now() - start, error };
  }
}

it('hands a fetch the call as a plain request, with an abort signal, and reads its answer', async () => {
  let seen: { url: string; init: RequestInit | undefined } | undefined;
  const spy: typeof fetch = async (input, init) => {
    seen = { url: String(input), init };
    return Response.json({ allow: 1 });
  };
  expect(await call({ transport: fromFetch(spy) })).toEqual({ allow: 1 });
  expect(seen).toMatchObject({
    url: url.href,
    init: { method: 'POST', body: '{}', signal: expect.any(AbortSignal) },
  });
});

describe.each(transports)('callJson through %s', (_name, through) => {
  beforeEach(() => {
    transport = through;
  });

  it('returns the parsed answer and reuses kept-alive connections instead of opening one per call', async () => {
    for (let i = 0; i < 20; i++) expect(await call()).toEqual({ allow: 1 });
    expect(connections).toBeLessThanOrEqual(2);
  });

  it('gives up at the deadline when the server never answers', async () => {
    handler = () => {};
    const { ms, error } = await timed(call({ timeoutMs: 200 }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(ms).toBeLessThan(200 + 250);
  });

  it('gives up at the deadline when the body stalls half-way', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"allow":');
    };
    const { ms, error } = await timed(call({ timeoutMs: 200 }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(ms).toBeLessThan(200 + 250);
  });

  it('answers in time even with a fetch that ignores the abort signal', async () => {
    const stuck: typeof fetch = () => new Promise(() => {});
    const { ms, error } = await timed(call({ transport: fromFetch(stuck), timeoutMs: 100 }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(ms).toBeLessThan(100 + 250);
  });

  it('decodes UTF-8 split across chunks', async () => {
    handler = (_req, res) => {
      const bytes = Buffer.from('{"comment":"Спам ✓"}');
      res.write(bytes.subarray(0, 14));
      setTimeout(() => res.end(bytes.subarray(14)), 5);
    };
    expect(await call()).toEqual({ comment: 'Спам ✓' });
  });

  it('stops a call in flight when its signal aborts, long before the deadline', async () => {
    handler = () => {};
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    // A deadline past the test's own timeout: only the signal can end this call in time.
    const { error } = await timed(call({ timeoutMs: 60_000, signal: controller.signal }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(controller.signal.aborted).toBe(true);
  });

  it('reports HTTP errors with their status', async () => {
    handler = (_req, res) => {
      res.statusCode = 503;
      res.end('<html>Service Unavailable</html>');
    };
    const { error } = await timed(call());
    expect(error).toBeInstanceOf(HttpStatusError);
    expect((error as HttpStatusError).status).toBe(503);
  });

  it.each([
    ['garbage', '<html>oops</html>', /not JSON/],
    ['truncated JSON', '{"allow":1,"comm', /truncated/],
    ['an empty body', '', /empty/],
  ])('reports %s as an unusable answer', async (_name, body, message) => {
    handler = (_req, res) => res.end(body);
    const { error } = await timed(call());
    expect(error).toBeInstanceOf(ResponseError);
    expect((error as Error).message).toMatch(message);
  });

  it('refuses an answer of several megabytes', async () => {
    handler = (_req, res) => res.end(`{"x":"${'a'.repeat(3_000_000)}"}`);
    const { error } = await timed(call({ timeoutMs: 2000 }));
    expect(error).toBeInstanceOf(ResponseError);
    expect((error as Error).message).toMatch(/larger than/);
  });

  it('reports a connection closed mid-body', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"allow":1');
      setTimeout(() => res.socket?.destroy(), 10);
    };
    const { error } = await timed(call());
    expect(error).toBeInstanceOf(ResponseError);
  });

  it('never sends a call twice when the connection breaks after the server read the request', async () => {
    let calls = 0;
    handler = (req, res) => {
      calls++;
      if (calls === 1) req.socket.destroy();
      else res.end('{"allow":1}');
    };
    const { error } = await timed(call());
    expect(error).toBeInstanceOf(ConnectionError);
    expect(calls).toBe(1);
  });

  it('retries an idempotent call (a database lookup) once after a reset and succeeds', async () => {
    let calls = 0;
    handler = (req, res) => {
      calls++;
      if (calls === 1) req.socket.destroy();
      else res.end('{"allow":1}');
    };
    expect(await call({ idempotent: true })).toEqual({ allow: 1 });
    expect(calls).toBe(2);
  });

  it('reports a refused connection after its retries', async () => {
    const closed = new URL(url);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    const { ms, error } = await timed(call({ url: closed }));
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    expect(ms).toBeLessThan(500);
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  it('sends JSON with the right content type', async () => {
    let seen: string | undefined;
    handler = (req, res) => {
      seen = req.headers['content-type'];
      res.end('{}');
    };
    await call();
    expect(seen).toBe('application/json');
  });
});

describe('the default Node transport', () => {
  beforeEach(() => {
    transport = nodeTransport;
  });

  it('keeps its connection after an HTTP error answer', async () => {
    let calls = 0;
    handler = (_req, res) => {
      calls++;
      res.statusCode = calls === 1 ? 502 : 200;
      res.end(calls === 1 ? '<html>Bad Gateway</html>' : '{"allow":1}');
    };
    const { error } = await timed(call());
    expect(error).toBeInstanceOf(HttpStatusError);
    expect(await call()).toEqual({ allow: 1 });
    expect(connections).toBe(1);
  });

  it('sends a call again when a kept-alive socket dies while the request is still being written', async () => {
    const requestsOn = new WeakMap<object, number>();
    let handled = 0;
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const count = (requestsOn.get(req.socket) ?? 0) + 1;
      requestsOn.set(req.socket, count);
      // The second request on a kept-alive connection meets a server that drops it unread.
      if (count === 2) return req.socket.resetAndDestroy();
      req.resume();
      req.on('end', () => {
        handled++;
        res.end('{"allow":1}');
      });
    });
    // Large enough that the reset arrives before the body is written out.
    const body = JSON.stringify({ message: 'x'.repeat(8_000_000) });
    expect(await call({ body, timeoutMs: 5_000 })).toEqual({ allow: 1 });
    expect(await call({ body, timeoutMs: 5_000 })).toEqual({ allow: 1 });
    expect(handled).toBe(2);
    expect(connections).toBe(2);
  });

  it('never sends a call again once it was written, even on a kept-alive socket', async () => {
    let calls = 0;
    handler = (req, res) => {
      calls++;
      if (calls === 2) req.socket.resetAndDestroy();
      else res.end('{"allow":1}');
    };
    expect(await call()).toEqual({ allow: 1 });
    const { error } = await timed(call());
    expect(error).toBeInstanceOf(ConnectionError);
    expect(calls).toBe(2);
  });

  it('drops the request when the deadline passes, so the server sees it closed', async () => {
    let closed = false;
    handler = (req) => {
      req.socket.on('close', () => {
        closed = true;
      });
    };
    const { error } = await timed(call({ timeoutMs: 100 }));
    expect(error).toBeInstanceOf(TimeoutError);
    await vi.waitFor(() => expect(closed).toBe(true));
  });
});
