import { DEFAULT_AUTH_KEY } from '@ct-protected-form/devserver';
import { FIELD_NAMES } from '@ct-protected-form/fields';
import ctProtectedForm from '@ct-protected-form/verifier/fastify';
import fc from 'fast-check';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headers, payload, payloadBody } from '../helpers/hostile-requests.js';
import { FUZZ_TIMEOUT, ipLike, runs, validIp } from '../helpers/hostile-values.js';
import { useLocalCleanTalk } from '../helpers/local-cleantalk.js';

const local = useLocalCleanTalk([DEFAULT_AUTH_KEY]);
let app: FastifyInstance;
/** What the last handler saw as its body. */
let seen: unknown;

beforeAll(async () => {
  app = Fastify({ bodyLimit: 64 * 1024 });
  await app.register(ctProtectedForm, {
    authKey: DEFAULT_AUTH_KEY,
    endpoint: local.server.apiUrl,
    timeoutMs: 2000,
    logger: { warn() {}, error() {} },
  });
  const handler = async (request: { body: unknown; ctVerdict: unknown }) => {
    seen = request.body;
    return { ok: true };
  };
  app.post('/contact', { config: { ctProtectedForm: { commentType: 'contact' } } }, handler);
  app.post('/signup', { config: { ctProtectedForm: { method: 'check_newuser' } } }, handler);
  app.post('/login', { config: { ctProtectedForm: { method: 'check_bot' } } }, handler);
  await app.ready();
});
afterAll(() => app?.close());

const route = fc.constantFrom('/contact', '/signup', '/login');
const remoteAddress = fc.oneof({ weight: 4, arbitrary: validIp }, { weight: 1, arbitrary: ipLike });

describe('Fastify plugin under hostile requests', () => {
  it(
    'answers every request with 200, 403 or a 4xx for the request, never a 5xx, never the key',
    async () => {
      await fc.assert(
        fc.asyncProperty(route, payload, headers, remoteAddress, async (url, sent, extra, address) => {
          seen = undefined;
          const { body, type } = await payloadBody(sent);
          const response = await app.inject({
            method: 'POST',
            url,
            headers: { ...extra, 'content-type': type },
            payload: body,
            remoteAddress: address,
          });
          expect([200, 400, 403, 413, 415]).toContain(response.statusCode);
          expect(response.body).not.toContain(DEFAULT_AUTH_KEY);
          if (response.statusCode === 200) {
            // The handler ran, and never saw the contract's hidden fields.
            expect(response.json()).toEqual({ ok: true });
            if (seen && typeof seen === 'object' && !Array.isArray(seen)) {
              for (const name of FIELD_NAMES) expect(Object.hasOwn(seen, name)).toBe(false);
            }
          } else {
            expect(seen).toBeUndefined();
          }
          if (response.statusCode === 403) expect(response.body).not.toMatch(/<script/i);
        }),
        runs(150),
      );
    },
    FUZZ_TIMEOUT,
  );
});
