import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_AUTH_KEY, type DevServer, FaultError, startDevServer } from '../src/index.js';
import { callApi, message } from './helpers.js';

let server: DevServer;

beforeEach(async () => {
  server = await startDevServer();
});
afterEach(() => server.close());

const post = () =>
  fetch(server.apiUrl, { method: 'POST', body: JSON.stringify(message()), headers: { connection: 'close' } });
const spamCheck = () =>
  fetch(`${server.databaseUrl}?method_name=spam_check&auth_key=${DEFAULT_AUTH_KEY}&ip=8.8.8.8`);

async function waitForRequests(count: number): Promise<void> {
  while (server.requests.length < count) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('setFault', () => {
  it('delays the answer by latencyMs and then answers normally', async () => {
    server.setFault({ latencyMs: 80 });
    const started = performance.now();
    const response = await post();
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
    expect(await response.json()).toMatchObject({ allow: 1 });
  });

  it('answers a bare error status with its plain-text reason', async () => {
    server.setFault({ status: 503 });
    const response = await post();
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toBe('Service Unavailable');
  });

  it('sends a given body with a given status', async () => {
    server.setFault({ status: 500, body: '{"error_message":"boom"}' });
    const response = await post();
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error_message: 'boom' });
  });

  it('sends garbage that is not JSON', async () => {
    server.setFault({ body: 'garbage' });
    const response = await post();
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toMatch(/^<!DOCTYPE html>/);
    expect(() => JSON.parse(text)).toThrow();
  });

  it('sends an empty body', async () => {
    server.setFault({ body: 'empty' });
    const response = await post();
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('cuts a truncated answer short so reading it fails', async () => {
    server.setFault({ body: 'truncated' });
    const response = await post();
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });

  it('resets the connection', async () => {
    server.setFault({ drop: 'reset' });
    await expect(post()).rejects.toThrow();
  });

  it('closes the connection without an answer', async () => {
    server.setFault({ drop: 'close' });
    await expect(post()).rejects.toThrow();
  });

  it('leaves a hanging request open until the client gives up', async () => {
    server.setFault({ drop: 'hang', times: 1 });
    const controller = new AbortController();
    const pending = fetch(server.apiUrl, { method: 'POST', body: '{}', signal: controller.signal });
    await waitForRequests(1);
    controller.abort();
    await expect(pending).rejects.toThrow();
    expect(await callApi(server, message())).toMatchObject({ allow: 1 });
  });

  it('clears itself after `times` requests', async () => {
    server.setFault({ status: 502, times: 2 });
    expect((await post()).status).toBe(502);
    expect((await post()).status).toBe(502);
    expect((await post()).status).toBe(200);
  });

  it('affects only the paths it names', async () => {
    server.setFault({ status: 500, paths: ['db'] });
    expect((await post()).status).toBe(200);
    expect((await spamCheck()).status).toBe(500);
    server.setFault({ status: 500, paths: ['api'] });
    expect((await spamCheck()).status).toBe(200);
  });

  it('affects both APIs by default and never the detector or the control endpoints', async () => {
    server.setFault({ status: 500 });
    expect((await spamCheck()).status).toBe(500);
    expect((await fetch(server.detectorUrl)).status).toBe(200);
    expect((await fetch(`${server.url}/__devserver/requests`)).status).toBe(200);
  });

  it('is cleared by null', async () => {
    server.setFault({ status: 500 });
    server.setFault(null);
    expect((await post()).status).toBe(200);
  });

  it('records faulted requests', async () => {
    server.setFault({ status: 500 });
    await post();
    expect(server.lastRequest('check_message')).toBeDefined();
  });

  it('refuses an invalid fault with a FaultError that names the problem', () => {
    expect(() => server.setFault({ drop: 'explode' } as never)).toThrow(FaultError);
    expect(() => server.setFault({ status: 99 })).toThrow(/"status"/);
    expect(() => server.setFault({ paths: [] })).toThrow(/"paths"/);
    expect(() => server.setFault({ latency: 5 } as never)).toThrow(/unknown property "latency"/);
  });
});

describe('close()', () => {
  it('finishes while a request hangs, ending that request', async () => {
    server.setFault({ drop: 'hang' });
    const pending = post();
    pending.catch(() => {});
    await waitForRequests(1);
    await server.close();
    await expect(pending).rejects.toThrow();
  });

  it('finishes while an answer is delayed by latency', async () => {
    server.setFault({ latencyMs: 600_000 });
    const pending = post();
    pending.catch(() => {});
    await waitForRequests(1);
    await server.close();
    await expect(pending).rejects.toThrow();
  });

  it('can be called twice', async () => {
    await Promise.all([server.close(), server.close()]);
  });
});
