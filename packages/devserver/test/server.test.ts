import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_AUTH_KEY, type DevServer, DevServerOptionError, startDevServer } from '../src/index.js';
import { callApi, message } from './helpers.js';

let server: DevServer;

beforeAll(async () => {
  server = await startDevServer();
});
afterAll(() => server.close());
beforeEach(() => server.clearRequests());

describe('startDevServer', () => {
  it('listens on a free loopback port and derives every URL from it', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.apiUrl).toBe(`${server.url}/api2.0`);
    expect(server.databaseUrl).toBe(`${server.url}/db/`);
    expect(server.detectorUrl).toBe(`${server.url}/ct-bot-detector-wrapper.js`);
  });
});

describe('recording', () => {
  it('records each API request with its parsed body, headers and method name', async () => {
    await callApi(server, message({ sender_email: 'rec@example.com' }));
    const recorded = server.lastRequest('check_message');
    expect(recorded).toMatchObject({
      path: '/api2.0',
      methodName: 'check_message',
      body: { auth_key: DEFAULT_AUTH_KEY, sender_email: 'rec@example.com' },
      headers: { 'content-type': 'application/json' },
    });
    expect(typeof recorded?.receivedAt).toBe('number');
    expect(server.requests).toHaveLength(1);
  });

  it('records an unparseable body as raw text', async () => {
    await fetch(server.apiUrl, { method: 'POST', body: 'not json' });
    expect(server.lastRequest()?.body).toBe('not json');
    expect(server.lastRequest()?.methodName).toBeUndefined();
  });

  it('records JSON nested too deep to write back as its text, so the request list still answers', async () => {
    // Found by the property tests: after such a body, GET /__devserver/requests answered 500.
    const body = `{"message":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    await fetch(server.apiUrl, { method: 'POST', body });
    expect(server.lastRequest()?.body).toBe(body);
    const listed = await fetch(`${server.url}/__devserver/requests`);
    expect(listed.status).toBe(200);
    expect(await listed.json()).toMatchObject([{ body }]);
  });

  it('finds the newest request of a given method and forgets all on clear', async () => {
    await callApi(server, message({ message: 'first' }));
    await callApi(server, { method_name: 'send_feedback', auth_key: DEFAULT_AUTH_KEY, feedback: '' });
    expect(server.lastRequest()?.methodName).toBe('send_feedback');
    expect(server.lastRequest('check_message')?.body).toMatchObject({ message: 'first' });
    expect(server.lastRequest('check_bot')).toBeUndefined();
    server.clearRequests();
    expect(server.requests).toEqual([]);
  });

  it('keeps only the newest maxRecorded requests', async () => {
    const small = await startDevServer({ maxRecorded: 2 });
    try {
      for (const text of ['a', 'b', 'c']) await callApi(small, message({ message: text }));
      expect(small.requests.map((request) => (request.body as { message: string }).message)).toEqual([
        'b',
        'c',
      ]);
    } finally {
      await small.close();
    }
  });
});

describe('the stand-in detector scripts', () => {
  it('serves the wrapper as CORS-open JavaScript and counts the loads', async () => {
    const before = server.detectorLoads;
    const response = await fetch(server.detectorUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/javascript/);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(await response.text()).toContain('/ct-bot-detector-1.0.0.min.js');
    expect(server.detectorLoads).toBe(before + 1);
  });

  it('serves the versioned detector with this server as its token source and the page delay', async () => {
    const response = await fetch(`${server.url}/ct-bot-detector-1.0.0.min.js?delay=250`);
    expect(response.headers.get('content-type')).toMatch(/^application\/javascript/);
    const source = await response.text();
    expect(source).toContain(`"${server.url}/__devserver/event-token"`);
    expect(source).toContain('var DELAY = 250;');
    expect(source).toContain('ct_bot_detector_event_token');
  });
});

describe('control endpoints', () => {
  it('lists the recorded requests as JSON and clears them on DELETE', async () => {
    await callApi(server, message({ message: 'over http' }));
    const listed = (await (await fetch(`${server.url}/__devserver/requests`)).json()) as Array<{
      body: unknown;
    }>;
    expect(listed).toHaveLength(1);
    expect(listed[0]?.body).toMatchObject({ message: 'over http' });
    const cleared = await fetch(`${server.url}/__devserver/requests`, { method: 'DELETE' });
    expect(cleared.status).toBe(200);
    expect(server.requests).toEqual([]);
  });

  it('sets and clears a fault over HTTP, refusing an invalid one with 400', async () => {
    const set = await fetch(`${server.url}/__devserver/fault`, {
      method: 'POST',
      body: JSON.stringify({ status: 503, times: 1 }),
    });
    expect(await set.json()).toEqual({ fault: { status: 503, times: 1 } });
    expect((await fetch(server.apiUrl, { method: 'POST', body: '{}' })).status).toBe(503);
    expect((await fetch(server.apiUrl, { method: 'POST', body: '{}' })).status).toBe(200);

    await fetch(`${server.url}/__devserver/fault`, { method: 'POST', body: JSON.stringify({ status: 500 }) });
    const cleared = await fetch(`${server.url}/__devserver/fault`, { method: 'POST', body: 'null' });
    expect(await cleared.json()).toEqual({ fault: null });
    expect((await fetch(server.apiUrl, { method: 'POST', body: '{}' })).status).toBe(200);

    const invalid = await fetch(`${server.url}/__devserver/fault`, {
      method: 'POST',
      body: '{"drop":"explode"}',
    });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toEqual({ error_message: expect.stringContaining('"drop"') });
  });

  it('issues event tokens CORS-open and answers the preflight', async () => {
    const preflight = await fetch(`${server.url}/__devserver/event-token`, { method: 'OPTIONS' });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    const issued = await fetch(`${server.url}/__devserver/event-token`, { method: 'POST' });
    expect(issued.headers.get('access-control-allow-origin')).toBe('*');
    const { event_token } = (await issued.json()) as { event_token: string };
    expect(event_token).toMatch(/^[0-9a-f]{64}$/);
  });

  it('answers unknown paths with 404 and records nothing', async () => {
    expect((await fetch(`${server.url}/nothing-here`)).status).toBe(404);
    expect((await fetch(`${server.url}/__devserver/nothing`)).status).toBe(404);
    expect(server.requests).toEqual([]);
  });
});

describe('connections', () => {
  it('keeps one connection alive over several requests', async () => {
    const fresh = await startDevServer();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let i = 0; i < 5; i++) {
        const answer = await rawPost(fresh.apiUrl, JSON.stringify(message()), agent);
        expect(answer.status).toBe(200);
        expect(answer.headers.connection).not.toBe('close');
      }
      expect(fresh.connectionsAccepted).toBe(1);
    } finally {
      agent.destroy();
      await fresh.close();
    }
  });

  it('closes idle kept-alive connections on close()', async () => {
    const fresh = await startDevServer();
    const agent = new Agent({ keepAlive: true });
    try {
      await rawPost(fresh.apiUrl, JSON.stringify(message()), agent);
      await fresh.close();
      await expect(rawPost(fresh.apiUrl, '{}', new Agent())).rejects.toThrow();
    } finally {
      agent.destroy();
    }
  });

  it('answers an absolute-form target with a bad host with 400, not 500', async () => {
    // Found by the property tests: `POST http://%zz/api2.0 HTTP/1.1` failed in the URL parser.
    const reply = await rawExchange(
      'POST http://%zz/api2.0 HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-length: 2\r\n\r\n{}',
    );
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect(await callApi(server, message())).toMatchObject({ allow: 1 });
  });

  it('answers a malformed HTTP request with 400 and keeps serving', async () => {
    const reply = await rawExchange('NOT HTTP AT ALL\r\n\r\n', { end: false });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect(await callApi(server, message())).toMatchObject({ allow: 1 });
  });
});

describe('options', () => {
  it('refuses an invalid option, naming it and the value', async () => {
    await expect(startDevServer({ port: -1 })).rejects.toThrow(DevServerOptionError);
    await expect(startDevServer({ port: 1.5 })).rejects.toThrow(/"port".*1\.5/);
    await expect(startDevServer({ authKeys: 'key' as never })).rejects.toThrow(/"authKeys"/);
    await expect(startDevServer({ rateLimitPerMinute: { ipInfo: 0 } })).rejects.toThrow(
      /"rateLimitPerMinute\.ipInfo"/,
    );
  });

  it('accepts only the configured keys', async () => {
    const custom = await startDevServer({ authKeys: ['my-key'] });
    try {
      expect(await callApi(custom, message({ auth_key: 'my-key' }))).toMatchObject({ allow: 1 });
      expect(await callApi(custom, message())).toMatchObject({ codes: 'KEY_NOT_FOUND' });
    } finally {
      await custom.close();
    }
  });

  it('fails to start on a port already in use', async () => {
    const port = Number(new URL(server.url).port);
    await expect(startDevServer({ port })).rejects.toThrow(/EADDRINUSE/);
  });
});

function rawPost(
  url: string,
  body: string,
  agent: Agent,
): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Writes `bytes` to the server on a socket of its own (ended after them unless `end` is false: the
 * server then closes it) and answers everything the server sent back.
 */
function rawExchange(bytes: string, { end = true } = {}): Promise<string> {
  const port = Number(new URL(server.url).port);
  return new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => (end ? socket.end(bytes) : socket.write(bytes)));
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString();
    });
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}
