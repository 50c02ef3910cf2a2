import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevServer, decodeCompressedText, startDevServer } from '../src/index.js';
import { callApi, message } from './helpers.js';

const packed = (text: string) => gzipSync(text).toString('base64');

let server: DevServer;
beforeAll(async () => {
  server = await startDevServer();
});
afterAll(() => server.close());

describe('texts sent gzip-compressed and base64-encoded, as CleanTalk’s integrations send long ones', () => {
  it('reads them as the text they hold', () => {
    expect(decodeCompressedText(packed('Hello, tomatoes.'))).toBe('Hello, tomatoes.');
  });

  it('applies the rules to what a compressed message holds', async () => {
    const text = `${'A long story about tomatoes. '.repeat(1_500)} stop_word`;
    expect(await callApi(server, message({ message: packed(text) }))).toMatchObject({ codes: 'STOP_LIST' });
    expect(await callApi(server, message({ message: packed('please moderate_me') }))).toMatchObject({
      allow: 0,
      stop_queue: '0',
      codes: 'MANUAL',
    });
  });

  it('reads anything else as it was sent: plain text, broken base64, a truncated gzip stream', () => {
    for (const value of [
      'stop_word',
      'H4sI',
      'H4sIAAAA',
      packed('a truncated stream of text').slice(0, 16),
      'H4sI!!!!',
    ]) {
      expect(decodeCompressedText(value)).toBe(value);
    }
  });

  it('reads a text that would expand past 1 MiB as it was sent', () => {
    const bomb = packed('x'.repeat(2_000_000));
    expect(decodeCompressedText(bomb)).toBe(bomb);
  });
});
