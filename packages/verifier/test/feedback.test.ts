import { inspect } from 'node:util';
import {
  ConnectionError,
  createVerifier,
  HttpStatusError,
  LicenceError,
  type VerifierOptions,
} from '@ct-protected-form/verifier';
import { describe, expect, it } from 'vitest';
import { useLocalCleanTalk } from './helpers/local-cleantalk.js';

const KEY = 'feed4back3key2secret';
const local = useLocalCleanTalk([KEY]);

const verifier = (options: Partial<VerifierOptions> = {}) =>
  createVerifier({ authKey: KEY, endpoint: local.server.apiUrl, timeoutMs: 1000, ...options });

const id = (n: number) => n.toString(16).padStart(32, 'a');
const feedbackCalls = () => local.server.requests.filter((request) => request.methodName === 'send_feedback');

describe('sendFeedback', () => {
  it('sends 1 for "it was fine" and 0 for "it was spam" and returns what CleanTalk received', async () => {
    const result = await verifier().sendFeedback([
      { requestId: id(1), spam: false },
      { requestId: id(2).toUpperCase(), spam: true },
    ]);
    expect(result).toEqual({ sent: 2, received: 2, rejected: [], complete: true });
    const body = feedbackCalls()[0]?.body as Record<string, unknown>;
    expect(body.feedback).toBe(`${id(1)}:1;${id(2)}:0;`);
    expect(body.auth_key).toBe(KEY);
  });

  it('rejects ill-formed items with their position and sends the rest', async () => {
    const items = [
      { requestId: 'not-an-id', spam: true },
      { requestId: id(3), spam: true },
      { requestId: id(4), spam: 'yes' },
      null,
    ] as never;
    const result = await verifier().sendFeedback(items);
    expect(result.sent).toBe(1);
    expect(result.received).toBe(1);
    expect(result.rejected.map((item) => item.index)).toEqual([0, 2, 3]);
    expect(result.rejected[0]?.problem).toMatch(/32 hex/);
  });

  it('batches many items into several calls', async () => {
    const items = Array.from({ length: 5 }, (_, n) => ({ requestId: id(n), spam: n % 2 === 0 }));
    const result = await verifier().sendFeedback(items, { batchSize: 2 });
    expect(result).toMatchObject({ sent: 5, received: 5, complete: true });
    expect(
      feedbackCalls().map(
        (call) => String((call.body as { feedback: string }).feedback).split(';').length - 1,
      ),
    ).toEqual([2, 2, 1]);
  });

  it('makes no call when nothing is well formed', async () => {
    const result = await verifier().sendFeedback([{ requestId: 'x', spam: false }]);
    expect(result).toMatchObject({ sent: 0, received: 0, complete: true });
    expect(feedbackCalls()).toHaveLength(0);
  });

  it('returns an HTTP failure as a typed error instead of throwing, counting only what was answered', async () => {
    local.server.setFault({ status: 503, paths: ['api'] });
    const result = await verifier().sendFeedback([{ requestId: id(5), spam: true }]);
    expect(result).toMatchObject({ sent: 0, received: 0, complete: false });
    expect(result.error).toBeInstanceOf(HttpStatusError);
  });

  it('returns a refused key as a LicenceError that does not name the key', async () => {
    const result = await createVerifier({
      authKey: 'ct-devserver-disabled',
      endpoint: local.server.apiUrl,
    }).sendFeedback([{ requestId: id(6), spam: false }]);
    expect(result.error).toBeInstanceOf(LicenceError);
    expect(result.error?.message).not.toContain('ct-devserver-disabled');
  });

  it('turns anything a custom fetch throws into a ConnectionError', async () => {
    const result = await verifier({
      fetch: () => {
        throw 'boom';
      },
    }).sendFeedback([{ requestId: id(7), spam: false }]);
    expect(result.error).toBeInstanceOf(ConnectionError);
  });

  it('keeps the key out of the error when a custom fetch quotes the request it failed to send', async () => {
    // Found by the property tests: `throw new Error(\`request failed: ${init.body}\`)` put the key in result.error.
    const result = await verifier({
      fetch: async (_url, init) => {
        throw new Error(`request failed: ${String(init?.body)}`);
      },
    }).sendFeedback([{ requestId: id(1), spam: false }]);
    expect(result.error).toBeInstanceOf(ConnectionError);
    expect(inspect(result, { depth: Infinity })).not.toContain(KEY);
  });

  it('keeps the key out of the error when CleanTalk echoes it', async () => {
    const result = await verifier({
      fetch: async () => Response.json({ error_message: `unknown key ${KEY}` }),
    }).sendFeedback([{ requestId: id(1), spam: false }]);
    expect(result.error?.message).toContain('unknown key [redacted]');
  });

  it('rejects with the reason when aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(
      verifier().sendFeedback([{ requestId: id(8), spam: false }], { signal: controller.signal }),
    ).rejects.toThrow('stop');
  });

  it('throws for a list that is not an array, a programming error', async () => {
    await expect(verifier().sendFeedback('abc' as never)).rejects.toThrow(TypeError);
  });
});
