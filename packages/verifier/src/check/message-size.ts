/**
 * How big the visitor's text may get on its way to CleanTalk.
 *
 * CleanTalk's own integrations (the WordPress plugin and the PHP library it ships) send `message`
 * and `example` as they are up to 32 KiB, and gzip-compressed, base64-encoded above that; CleanTalk
 * recognises the compressed form by itself. This library does the same for `check_message`, with
 * two bounds a hostile form cannot get around:
 *
 * - the size is measured as the text takes it in the JSON body (UTF-8, escapes included), so a
 *   text of quotes or control characters, which JSON escapes to 2 or 6 bytes each, counts as what
 *   it costs;
 * - a compressed text larger than {@link MAX_COMPRESSED_BYTES} (text that does not compress, i.e.
 *   not prose) is not sent compressed: its first {@link PLAIN_TEXT_BYTES} are sent as they are.
 *
 * So `message` and `example` each take at most 64 KiB of the body, whatever the form held.
 * `check_newuser` sends its text plain, cut at 32 KiB.
 */

/** The most a text takes in the request body as it is; longer texts are compressed (or cut). */
export const PLAIN_TEXT_BYTES = 32_768;

/** The most a compressed text may take in the request body. */
export const MAX_COMPRESSED_BYTES = 65_536;

/**
 * The text as it should go into the request body: as it is when it fits in
 * {@link PLAIN_TEXT_BYTES}, else gzip + base64 when `compress` is set and the result fits in
 * {@link MAX_COMPRESSED_BYTES}, else cut to {@link PLAIN_TEXT_BYTES}.
 */
export async function fitText(text: string, compress: boolean): Promise<string> {
  if (fitsAsIs(text)) return text;
  if (compress) {
    // A runtime without CompressionStream, or one that fails, gets the cut text: never a crash.
    const packed = await gzipBase64(text).catch(() => undefined);
    if (packed !== undefined && packed.length <= MAX_COMPRESSED_BYTES) return packed;
  }
  return cutToJsonBytes(text, PLAIN_TEXT_BYTES);
}

/** True when the text goes into the body as it is. */
export function fitsAsIs(text: string): boolean {
  // At most 6 bytes a UTF-16 unit: short texts need no measuring.
  return text.length * 6 <= PLAIN_TEXT_BYTES || jsonBytes(text) <= PLAIN_TEXT_BYTES;
}

/** Bytes a JSON string literal of one UTF-16 unit takes, the quotes left out. */
function unitBytes(code: number): number {
  if (code === 0x22 || code === 0x5c) return 2; // \" and \\
  if (code < 0x20)
    return code === 0x08 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d ? 2 : 6;
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  // A surrogate pair is 4 bytes of UTF-8: 2 for each half.
  if (code >= 0xd800 && code <= 0xdfff) return 2;
  return 3;
}

/** Bytes the text takes inside a JSON string literal (well-formed text: lone surrogates are repaired before). */
export function jsonBytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) bytes += unitBytes(text.charCodeAt(i));
  return bytes;
}

/** The longest start of `text` that takes at most `limit` bytes in JSON, never half a surrogate pair. */
function cutToJsonBytes(text: string, limit: number): string {
  let bytes = 0;
  let end = 0;
  while (end < text.length) {
    const code = text.charCodeAt(end);
    const pair = code >= 0xd800 && code <= 0xdbff && end + 1 < text.length ? 2 : 1;
    const cost = pair === 2 ? 4 : unitBytes(code);
    if (bytes + cost > limit) break;
    bytes += cost;
    end += pair;
  }
  return text.slice(0, end);
}

/** gzip of the UTF-8 text, base64-encoded: Web APIs only, so it runs wherever `fetch` does. */
async function gzipBase64(text: string): Promise<string> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
