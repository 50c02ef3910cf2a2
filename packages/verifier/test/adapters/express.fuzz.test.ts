import { once } from 'node:events';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_AUTH_KEY } from '@ct-protected-form/devserver';
import { FIELD_NAMES } from '@ct-protected-form/fields';
import { ctProtectedForm } from '@ct-protected-form/verifier/express';
import express, { type ErrorRequestHandler } from 'express';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headers, payload, payloadBody } from '../helpers/hostile-requests.js';
import { FUZZ_TIMEOUT, runs } from '../helpers/hostile-values.js';
import { useLocalCleanTalk } from '../helpers/local-cleantalk.js';

const local = useLocalCleanTalk([DEFAULT_AUTH_KEY]);
let server: Server;
let origin: string;
/** What the last handler saw as its body. */
let seen: unknown;

beforeAll(async () => {
  const app = express();
  const protect = ctProtectedForm({
    authKey: DEFAULT_AUTH_KEY,
    endpoint: local.server.apiUrl,
    timeoutMs: 2000,
    bodyLimit: 64 * 1024,
    logger: { warn() {}, error() {} },
  });
  const handler: express.RequestHandler = (req, res) => {
    seen = req.body;
    res.json({ ok: true });
  };
  app.post('/contact', protect({ commentType: 'contact' }), handler);
  // JSON parsed by Express itself before the middleware, as an app would.
  app.post('/api/signup', express.json({ limit: '1mb' }), protect({ method: 'check_newuser' }), handler);
  app.post('/login', protect({ method: 'check_bot' }), handler);
  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    res.status(error.statusCode ?? 500).json({ code: error.code, message: error.message });
  };
  app.use(onError);
  server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** Posts a body with an exact Content-Length and resolves the status and body text. */
function post(
  path: string,
  body: string | Buffer,
  head: Record<string, string>,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const call = request(`${origin}${path}`, { method: 'POST', headers: head }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
    });
    call.on('error', reject);
    call.end(body);
  });
}

describe('Express middleware under hostile requests', () => {
  it(
    'answers every request with 200, 403 or a 4xx for the request, never a 5xx, never the key',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('/contact', '/api/signup', '/login'),
          payload,
          headers,
          fc.boolean(),
          async (path, sent, extra, gzip) => {
            seen = undefined;
            const { body, type } = await payloadBody(sent);
            const head: Record<string, string> = { ...extra, 'content-type': type };
            if (gzip) head['content-encoding'] = 'gzip';
            const answer = await post(path, body, head);
            expect([200, 400, 403, 413, 415]).toContain(answer.status);
            expect(answer.text).not.toContain(DEFAULT_AUTH_KEY);
            if (answer.status === 200) {
              expect(JSON.parse(answer.text)).toEqual({ ok: true });
              if (seen && typeof seen === 'object' && !Array.isArray(seen)) {
                for (const name of FIELD_NAMES) expect(Object.hasOwn(seen, name)).toBe(false);
              }
            } else {
              expect(seen).toBeUndefined();
            }
          },
        ),
        runs(120),
      );
    },
    FUZZ_TIMEOUT,
  );
});
