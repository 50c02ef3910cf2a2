import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_AUTH_KEY, type DevServer, startDevServer } from '../src/index.js';
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
