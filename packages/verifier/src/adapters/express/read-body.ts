import type { IncomingMessage } from 'node:http';
import { RequestError } from '../shared/index.js';

/**
 * Reads a request body of at most `limit` bytes. A larger body (declared or streamed) is refused
 * with 413 without buffering it; compressed bodies are refused with 415.
 */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const encoding = (request.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity') {
    return Promise.reject(
      new RequestError(
        'CT_UNSUPPORTED_MEDIA_TYPE',
        415,
        `Unsupported Content-Encoding ${JSON.stringify(encoding.slice(0, 40))}.`,
      ),
    );
  }
  const tooLarge = () =>
    new RequestError('CT_BODY_TOO_LARGE', 413, `The request body is larger than ${limit} bytes.`);
  if (Number(request.headers['content-length']) > limit) return Promise.reject(tooLarge());
  if (request.readableEnded) return Promise.resolve(Buffer.alloc(0));

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
    };
    const fail = (error: RequestError) => {
      cleanup();
      // Keep reading and discard, so the connection can carry the error answer.
      request.resume();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) fail(tooLarge());
      else chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) =>
      fail(new RequestError('CT_BAD_BODY', 400, 'The request body could not be read.', { cause: error }));
    const onClose = () => {
      if (!request.readableEnded) fail(new RequestError('CT_BAD_BODY', 400, 'The request was aborted.'));
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('close', onClose);
  });
}

/** True when the request announces a body (HTTP/1.1: a non-zero length or chunked transfer). */
export function hasBody(request: IncomingMessage): boolean {
  return (
    request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0
  );
}
