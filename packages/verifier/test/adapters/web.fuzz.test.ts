import { DEFAULT_AUTH_KEY } from '@ct-protected-form/devserver';
import { FIELD_NAMES } from '@ct-protected-form/fields';
import { createRequestProtector, type RequestProtector } from '@ct-protected-form/verifier/fetch';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { headers, payload, payloadBody } from '../helpers/hostile-requests.js';
import { FUZZ_TIMEOUT, ipLike, runs, validIp } from '../helpers/hostile-values.js';
import { useLocalCleanTalk } from '../helpers/local-cleantalk.js';

const local = useLocalCleanTalk([DEFAULT_AUTH_KEY]);
let protect: RequestProtector;

beforeAll(() => {
  protect = createRequestProtector({
    authKey: DEFAULT_AUTH_KEY,
    endpoint: local.server.apiUrl,
    timeoutMs: 2000,
    bodyLimit: 64 * 1024,
    logger: { warn() {}, error() {} },
  });
});

/** How the body arrives: whole, or as a stream that may break half way. */
const delivery = fc.constantFrom('whole', 'stream', 'broken-stream', 'gzip');

function streamOf(bytes: Uint8Array, broken: boolean): ReadableStream<Uint8Array> {
  let sent = false;
  return new ReadableStream({
    pull(controller) {
      if (!sent) {
        sent = true;
        controller.enqueue(bytes.subarray(0, Math.ceil(bytes.length / 2)));
      } else if (broken) controller.error(new Error('the connection broke'));
      else {
        controller.enqueue(bytes.subarray(Math.ceil(bytes.length / 2)));
        controller.close();
      }
    },
  });
}

describe('Web Request protector under hostile requests', () => {
  it(
    'resolves every request to a verdict or a ready 400, 403, 413 or 415 answer, never a throw, never the key',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          payload,
          headers,
          fc.oneof({ weight: 4, arbitrary: validIp }, { weight: 1, arbitrary: ipLike }),
          fc.constantFrom('check_message', 'check_newuser', 'check_bot') as fc.Arbitrary<
            'check_message' | 'check_newuser' | 'check_bot'
          >,
          delivery,
          async (sent, extra, ip, method, how) => {
            const { body, type } = await payloadBody(sent);
            const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : new Uint8Array(body);
            const requestHeaders = new Headers({ ...extra, 'content-type': type });
            if (how === 'gzip') requestHeaders.set('content-encoding', 'gzip');
            const request = new Request('http://site.example/contact', {
              method: 'POST',
              headers: requestHeaders,
              body:
                how === 'stream' || how === 'broken-stream'
                  ? streamOf(bytes, how === 'broken-stream')
                  : bytes,
              duplex: 'half',
            } as RequestInit);
            const result = await protect(request, { ip, method });
            if (result.response) {
              const text = await result.response.text();
              expect(text).not.toContain(DEFAULT_AUTH_KEY);
              if (result.verdict) {
                expect(result.verdict.decision).toBe('block');
                expect(result.response.status).toBe(403);
              } else {
                expect([400, 413, 415]).toContain(result.response.status);
                expect(JSON.parse(text)).toMatchObject({
                  statusCode: result.response.status,
                  code: expect.any(String),
                });
              }
              if (how === 'broken-stream' && bytes.length > 1) expect(result.verdict).toBeNull();
              return;
            }
            expect(['allow', 'review']).toContain(result.verdict.decision);
            expect(how).not.toBe('gzip');
            for (const name of FIELD_NAMES) expect(Object.hasOwn(result.fields, name)).toBe(false);
          },
        ),
        runs(150),
      );
    },
    FUZZ_TIMEOUT,
  );
});
