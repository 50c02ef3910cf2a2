import { once } from 'node:events';
import { DEFAULT_AUTH_KEY, type DevServer, startDevServer } from '@ct-protected-form/devserver';
import { FIELDS } from '@ct-protected-form/fields';
import { createStartTokens, createVerifier, OptionsError } from '@ct-protected-form/verifier';
import { createRedisReplayStore, ReplayStoreError } from '@ct-protected-form/verifier/redis';
import { Redis, type RedisOptions } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, startSilentServer, type TestRedis } from '../helpers/redis-server.js';

const SECRETS = ['redis-test-secret-0123456789abcdef0123'];
/** The client settings the README recommends: fail fast, never queue while disconnected. */
const FAIL_FAST = { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 300 } as const;

let redis: TestRedis;
let devserver: DevServer;
const clients: Redis[] = [];

/** A client connected and ready (with the offline queue off, commands before `ready` fail). */
async function readyClient(port = redis.port): Promise<Redis> {
  const c = client(port);
  if (c.status !== 'ready') await once(c, 'ready');
  return c;
}

function client(port = redis.port, options: RedisOptions = FAIL_FAST): Redis {
  const c = new Redis(port, '127.0.0.1', { ...options, lazyConnect: false });
  c.on('error', () => {});
  clients.push(c);
  return c;
}

beforeAll(async () => {
  [redis, devserver] = await Promise.all([startRedis(), startDevServer({ port: 0, quiet: true })]);
});
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await Promise.all([redis?.stop(), devserver?.close()]);
});

function widgetForm(token: string) {
  const startedAt = String(Date.now() - 8_000);
  return {
    [FIELDS.startedAt]: startedAt,
    [FIELDS.startToken]: token,
    // CleanTalk then allows on the detector token, so what the start token changes shows.
    [FIELDS.eventToken]: devserver.issueEventToken(),
  };
}

describe('createRedisReplayStore', () => {
  it('claims a nonce once, with SET NX and an expiry under its prefix', async () => {
    const c = await readyClient();
    const store = createRedisReplayStore({ client: c, prefix: 'test:claim:' });
    expect(await store.claim('n1', 60_000)).toBe(true);
    expect(await store.claim('n1', 60_000)).toBe(false);
    expect(await store.claim('n2', 60_000)).toBe(true);
    const ttl = await c.pttl('test:claim:n1');
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('catches a token replayed against another instance sharing the same Redis', async () => {
    const instances = [await readyClient(), await readyClient()].map((c) => {
      const startTokens = createStartTokens({
        secrets: SECRETS,
        replayStore: createRedisReplayStore({ client: c }),
        minAgeMs: 0,
      });
      return {
        startTokens,
        verifier: createVerifier({ authKey: DEFAULT_AUTH_KEY, endpoint: devserver.apiUrl, startTokens }),
      };
    });
    const [a, b] = instances as [(typeof instances)[0], (typeof instances)[0]];
    const token = await a.startTokens.issue();
    const first = await a.verifier.checkMessage({
      ip: '203.0.113.5',
      email: 'ann@example.com',
      form: widgetForm(token),
    });
    expect(first.startTime.source).toBe('signed');
    const replay = await b.verifier.checkMessage({
      ip: '203.0.113.6',
      email: 'bob@example.com',
      form: widgetForm(token),
    });
    expect(replay).toMatchObject({ decision: 'review', startTime: { problem: 'replayed' } });
  });

  it('reports unavailable quickly when Redis is down, and the check goes to review', async () => {
    const dead = await startRedis();
    let c: Redis;
    try {
      c = await readyClient(dead.port);
    } finally {
      await dead.stop();
    }
    const store = createRedisReplayStore({ client: c });
    const error = await store.claim('n', 1_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReplayStoreError);

    const startTokens = createStartTokens({
      secrets: SECRETS,
      replayStore: store,
      minAgeMs: 0,
    });
    const verifier = createVerifier({ authKey: DEFAULT_AUTH_KEY, endpoint: devserver.apiUrl, startTokens });
    const verdict = await verifier.checkMessage({
      ip: '203.0.113.5',
      email: 'ann@example.com',
      form: widgetForm(await startTokens.issue()),
    });
    expect(verdict).toMatchObject({
      decision: 'review',
      verified: true,
      startTime: { problem: 'unavailable' },
    });
  });

  it('gives up at its own deadline when Redis accepts connections but never answers', async () => {
    const silent = await startSilentServer();
    try {
      // A client left at its defaults queues commands and retries: the store's own deadline still holds.
      const c = client(silent.port, { enableReadyCheck: false });
      const store = createRedisReplayStore({ client: c, timeoutMs: 100 });
      const error = await store.claim('n', 1_000).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ReplayStoreError);
      expect((error as Error).message).toMatch(/within 100 ms/);
    } finally {
      await silent.close();
    }
  });

  it('validates its options', () => {
    expect(() => createRedisReplayStore({} as never)).toThrow(OptionsError);
    expect(() => createRedisReplayStore({ client: client(), timeoutMs: 0 })).toThrow(OptionsError);
    expect(() => createRedisReplayStore({ client: client(), prefix: 5 as never })).toThrow(OptionsError);
  });
});
