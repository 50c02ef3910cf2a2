import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../src/config.js';

describe('readConfig', () => {
  it('defaults to port 3000 on loopback, no key, and a random secret', () => {
    const config = readConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      authKey: undefined,
      generatedSecret: true,
    });
    expect(Buffer.byteLength(config.startTokenSecret)).toBeGreaterThanOrEqual(32);
    expect(readConfig({}).startTokenSecret).not.toBe(config.startTokenSecret);
    expect(config.dataFile).toMatch(/examples\/fastify-comments\/data\/comments\.sqlite$/);
  });

  it('reads every variable', () => {
    const secret = 'x'.repeat(40);
    expect(
      readConfig({
        PORT: '8080',
        HOST: '0.0.0.0',
        CLEANTALK_AUTH_KEY: 'key',
        CLEANTALK_ENDPOINT: 'http://127.0.0.1:9000/api2.0',
        CT_DETECTOR_SRC: 'http://127.0.0.1:9000/ct-bot-detector-wrapper.js',
        CT_START_TOKEN_SECRET: secret,
        DATA_FILE: '/tmp/x.sqlite',
      }),
    ).toEqual({
      port: 8080,
      host: '0.0.0.0',
      authKey: 'key',
      endpoint: 'http://127.0.0.1:9000/api2.0',
      detectorSrc: 'http://127.0.0.1:9000/ct-bot-detector-wrapper.js',
      startTokenSecret: secret,
      generatedSecret: false,
      dataFile: '/tmp/x.sqlite',
    });
  });

  it('names the variable of a bad value', () => {
    expect(() => readConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => readConfig({ PORT: 'eighty' })).toThrow(/^PORT: /);
    expect(() => readConfig({ CLEANTALK_ENDPOINT: 'ftp://x' })).toThrow(/^CLEANTALK_ENDPOINT: /);
  });

  it('rejects a short start-token secret without printing it', () => {
    const error = (() => {
      try {
        readConfig({ CT_START_TOKEN_SECRET: 'hunter2' });
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error?.message).toMatch(/^CT_START_TOKEN_SECRET: /);
    expect(error?.message).not.toContain('hunter2');
  });
});
