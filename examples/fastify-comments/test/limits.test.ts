import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './helpers.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const LIMITS = { requestTimeoutMs: 1_500, headersTimeoutMs: 1_000, keepAliveTimeoutMs: 1_000 };

/** Starts the app on a free loopback port with short limits; resolves to its port. */
async function listening(): Promise<number> {
  harness = await startHarness({ limits: LIMITS });
  await harness.app.listen({ port: 0, host: '127.0.0.1' });
  const address = harness.app.server.address();
  if (!address || typeof address === 'string') throw new Error('not listening on a port');
  return address.port;
}

interface Client {
  socket: Socket;
  /** Everything the server sent. */
  received: () => string;
  /** Resolves, with the milliseconds since the client connected, when the server closed the connection. */
  closed: Promise<number>;
}

/** A raw client that sends `start` and then nothing more, keeping the connection open. */
function stall(port: number, start: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const opened = performance.now();
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      data += chunk;
    });
    const closed = new Promise<number>((done) =>
      socket.once('close', () => done(performance.now() - opened)),
    );
    socket.once('error', () => {}); // a reset is a close too
    socket.once('connect', () => {
      socket.write(start);
      resolve({ socket, received: () => data, closed });
    });
    socket.once('error', reject);
  });
}

const slowBody = (path: string) =>
  `POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 10000\r\n\r\npost=tomat`;

describe('a slow client', () => {
  it('is disconnected once its body is late, 50 of them at once, and the site keeps answering', async () => {
    const port = await listening();
    const clients = await Promise.all(Array.from({ length: 50 }, () => stall(port, slowBody('/comments'))));
    const page = await fetch(`http://127.0.0.1:${port}/posts/tomatoes-on-a-balcony`);
    expect(page.status).toBe(200);

    const times = await Promise.all(clients.map((client) => client.closed));
    // Closed after the request timeout, checked about once a second: never held for long.
    for (const ms of times) {
      expect(ms).toBeGreaterThanOrEqual(LIMITS.requestTimeoutMs - 100);
      expect(ms).toBeLessThan(LIMITS.requestTimeoutMs + 2_500);
    }
    for (const client of clients) expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(harness?.devserver.lastRequest('check_message')).toBeUndefined();
  });

  it('is disconnected when its headers never end', async () => {
    const port = await listening();
    const client = await stall(port, 'GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: a');
    const ms = await client.closed;
    expect(ms).toBeLessThan(LIMITS.headersTimeoutMs + 2_500);
  });

  it('has an idle kept-alive connection closed after the keep-alive timeout', async () => {
    const port = await listening();
    const client = await stall(port, 'GET /assets/site.css HTTP/1.1\r\nHost: localhost\r\n\r\n');
    const ms = await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 200 /);
    expect(ms).toBeGreaterThanOrEqual(LIMITS.keepAliveTimeoutMs - 100);
    expect(ms).toBeLessThan(LIMITS.keepAliveTimeoutMs + 2_500);
  });
});

describe('a large body', () => {
  it('is refused with 413 above the limit, before anything is checked or stored', async () => {
    harness = await startHarness();
    const response = await harness.app.inject({
      method: 'POST',
      url: '/comments',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `post=tomatoes-on-a-balcony&name=Ada&email=ada%40example.com&message=${'a'.repeat(1_048_576)}`,
    });
    expect(response.statusCode).toBe(413);
    expect(harness.devserver.lastRequest('check_message')).toBeUndefined();
  });
});
