import type { IncomingMessage } from 'node:http';
import { bodyTooLarge, checkBodyHeaders, unreadableBody } from '../shared/body-policy.js';

/** Reads a request body of at most `limit` bytes, under the adapters' one body policy. */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  try {
    checkBodyHeaders(request.headers['content-encoding'], request.headers['content-length'], limit);
  } catch (error) {
    return Promise.reject(error);
  }
  if (request.readableEnded) return Promise.resolve(Buffer.alloc(0));
  // Aborted while an earlier middleware was still busy: the stream already closed, so neither 'end'
  // nor 'close' comes again, and waiting for them would leave the request unanswered for good.
  if (request.destroyed) return Promise.reject(unreadableBody('The request was aborted.'));

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
    };
    const fail = (error: Error) => {
      cleanup();
      // Keep reading and discard, so the connection can carry the error answer.
      request.resume();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) fail(bodyTooLarge(limit));
      else chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => fail(unreadableBody('The request body could not be read.', error));
    const onClose = () => {
      if (!request.readableEnded) fail(unreadableBody('The request was aborted.'));
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
