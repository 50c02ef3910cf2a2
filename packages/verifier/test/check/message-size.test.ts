import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { fitText, jsonBytes, MAX_COMPRESSED_BYTES, PLAIN_TEXT_BYTES } from '../../src/check/message-size.js';

/** What CleanTalk reads from a text sent gzip-compressed and base64-encoded. */
const gunzip = (value: string) => gunzipSync(Buffer.from(value, 'base64')).toString('utf8');

/** Bytes the value takes in a JSON body, quotes left out. */
const bodyBytes = (value: string) => Buffer.byteLength(JSON.stringify(value)) - 2;

/** Text no compressor shrinks much: random CJK with control characters, quotes and emoji, from a fixed seed. */
function hostileText(length: number): string {
  const alphabet = ['\u0001', '\u001f', '"', '\\', '\u4e00', '\u9fa5', '\ud83d\ude00', 'a'];
  let seed = 42;
  let text = '';
  while (text.length < length) {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
    const pick = alphabet[seed % 16] ?? 'a';
    text += pick === 'a' ? String.fromCharCode(0x4e00 + (seed % 20_000)) : pick;
  }
  return text;
}

describe('fitText', () => {
  it('sends a text up to 32 KiB as it is', async () => {
    const text = 'A comment. '.repeat(2_900);
    expect(bodyBytes(text)).toBeLessThanOrEqual(PLAIN_TEXT_BYTES);
    expect(await fitText(text, true)).toBe(text);
  });

  it('compresses a longer message with gzip and base64, as CleanTalk’s WordPress plugin does, losing nothing', async () => {
    const text = `${'Tomatoes like sun and wind shelter. '.repeat(2_000)}The end.`;
    const sent = await fitText(text, true);
    expect(sent).toMatch(/^H4sI[A-Za-z0-9+/]+=*$/);
    expect(sent.length).toBeLessThan(text.length / 4);
    expect(gunzip(sent)).toBe(text);
  });

  it('counts what JSON escaping costs: 6 000 control characters are 36 000 bytes, over the limit', async () => {
    const text = '\u0001'.repeat(6_000);
    expect(jsonBytes(text)).toBe(36_000);
    expect(gunzip(await fitText(text, true))).toBe(text);
  });

  it('cuts a text that does not compress to 32 KiB instead, never half a character', async () => {
    const text = hostileText(100_000);
    expect(bodyBytes(text)).toBeGreaterThan(300_000);
    const sent = await fitText(text, true);
    expect(bodyBytes(sent)).toBeLessThanOrEqual(PLAIN_TEXT_BYTES);
    expect(bodyBytes(sent)).toBeGreaterThan(PLAIN_TEXT_BYTES - 6);
    expect(text.startsWith(sent)).toBe(true);
    expect(sent.isWellFormed()).toBe(true);
  });

  it('cuts without compressing when asked to (check_newuser)', async () => {
    const text = 'x'.repeat(50_000);
    expect(await fitText(text, false)).toBe('x'.repeat(PLAIN_TEXT_BYTES));
  });

  it('cuts instead where the runtime cannot compress', async () => {
    vi.stubGlobal('CompressionStream', undefined);
    try {
      expect(await fitText('x'.repeat(50_000), true)).toBe('x'.repeat(PLAIN_TEXT_BYTES));
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('never sends more than 64 KiB for any text', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', maxLength: 40_000 }),
        fc.boolean(),
        async (text, compress) => {
          const sent = await fitText(text, compress);
          expect(bodyBytes(sent)).toBeLessThanOrEqual(MAX_COMPRESSED_BYTES);
          if (sent !== text && !compress) expect(text.startsWith(sent)).toBe(true);
          if (sent !== text && compress && sent.startsWith('H4sI')) expect(gunzip(sent)).toBe(text);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('measures a text as JSON.stringify writes it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(jsonBytes(text)).toBe(bodyBytes(text));
      }),
    );
  });
});
