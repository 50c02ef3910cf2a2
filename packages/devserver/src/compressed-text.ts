import { gunzipSync } from 'node:zlib';

/** The most a compressed text may expand to here; anything beyond is read as it was sent. */
const MAX_EXPANDED_BYTES = 1_048_576;

/** base64 of gzip data always starts with `H4sI` (the bytes 1f 8b 08). */
const GZIP_BASE64 = /^H4sI[A-Za-z0-9+/]*={0,2}$/;

/**
 * A `message` or `example` as CleanTalk reads it: CleanTalk's integrations send texts over 32 KiB
 * gzip-compressed and base64-encoded, and the server recognises that form by itself. Anything
 * that is not valid gzip in base64 (or expands past 1 MiB) is the text as sent.
 */
export function decodeCompressedText(value: string): string {
  if (value.length % 4 !== 0 || !GZIP_BASE64.test(value)) return value;
  try {
    return gunzipSync(Buffer.from(value, 'base64'), { maxOutputLength: MAX_EXPANDED_BYTES }).toString('utf8');
  } catch {
    return value;
  }
}
