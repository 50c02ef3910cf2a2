import { RequestError } from '../shared/index.js';

/**
 * Reads a `Request`'s body, at most `limit` bytes. A larger body (declared or streamed) is refused
 * with 413 and the stream cancelled; compressed bodies are refused with 415. Web APIs only.
 */
export async function readRequestBody(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const encoding = (request.headers.get('content-encoding') ?? 'identity').toLowerCase();
  if (encoding !== 'identity') {
    throw new RequestError(
      'CT_UNSUPPORTED_MEDIA_TYPE',
      415,
      `Unsupported Content-Encoding ${JSON.stringify(encoding.slice(0, 40))}.`,
    );
  }
  const tooLarge = () =>
    new RequestError('CT_BODY_TOO_LARGE', 413, `The request body is larger than ${limit} bytes.`);
  if (Number(request.headers.get('content-length')) > limit) {
    await request.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  if (!request.body) return new Uint8Array(0);
  if (request.bodyUsed) {
    throw new RequestError('CT_BAD_BODY', 400, 'The request body was already read before the check.');
  }

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
        throw tooLarge();
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof RequestError) throw error;
    throw new RequestError('CT_BAD_BODY', 400, 'The request body could not be read.', { cause: error });
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
