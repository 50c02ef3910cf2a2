import { RequestError } from './request-error.js';

/**
 * What every adapter refuses before it reads a body: a compressed one (415: decompressing is the
 * classic way past a size limit), and one whose declared length is over `limit` (413, before any
 * byte is buffered). A body that streams past `limit` is refused with {@link bodyTooLarge} too.
 */
export function checkBodyHeaders(
  contentEncoding: string | null | undefined,
  contentLength: string | null | undefined,
  limit: number,
): void {
  const encoding = (contentEncoding ?? 'identity').toLowerCase();
  if (encoding !== 'identity') {
    throw new RequestError(
      'CT_UNSUPPORTED_MEDIA_TYPE',
      415,
      `Unsupported Content-Encoding ${JSON.stringify(encoding.slice(0, 40))}.`,
    );
  }
  if (Number(contentLength) > limit) throw bodyTooLarge(limit);
}

export function bodyTooLarge(limit: number): RequestError {
  return new RequestError('CT_BODY_TOO_LARGE', 413, `The request body is larger than ${limit} bytes.`);
}

export function unreadableBody(message: string, cause?: unknown): RequestError {
  return new RequestError('CT_BAD_BODY', 400, message, cause === undefined ? undefined : { cause });
}
