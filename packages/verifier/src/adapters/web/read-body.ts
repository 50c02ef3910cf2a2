import { bodyTooLarge, checkBodyHeaders, unreadableBody } from '../shared/body-policy.js';
import { RequestError } from '../shared/request-error.js';

/**
 * Reads a `Request`'s body, at most `limit` bytes, under the adapters' one body policy; a refused
 * stream is cancelled. Web APIs only.
 */
export async function readRequestBody(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  try {
    checkBodyHeaders(request.headers.get('content-encoding'), request.headers.get('content-length'), limit);
  } catch (error) {
    await request.body?.cancel().catch(() => {});
    throw error;
  }
  if (!request.body) return new Uint8Array(0);
  if (request.bodyUsed) throw unreadableBody('The request body was already read before the check.');

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => {});
        throw bodyTooLarge(limit);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof RequestError) throw error;
    throw unreadableBody('The request body could not be read.', error);
  } finally {
    reader.releaseLock();
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
