import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../src/config.js';

const HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$abNX8v4qzkS/ZHDqwDxxvQ$CmbHs8S+wv7lp8rnZxf9j/7mBS+h3btVLBaIsMRwrrU';

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
        ADMIN_USER: 'editor',
        ADMIN_PASSWORD_HASH: HASH,
        SESSION_SECRET: secret,
        TRUST_PROXY: '10.0.0.2, 192.168.0.0/16',
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
      admin: {
        user: 'editor',
        passwordHash: HASH,
        password: undefined,
        generatedPassword: false,
        sessionSecret: secret,
        generatedSessionSecret: false,
      },
      trustProxy: ['10.0.0.2', '192.168.0.0/16'],
    });
  });

  it('makes up an admin password offline, and demands one with a real key', () => {
    const offline = readConfig({});
    expect(offline.admin).toMatchObject({ user: 'admin', generatedPassword: true, passwordHash: undefined });
    expect(offline.admin.password).toMatch(/^[\w-]{20}$/);
    expect(readConfig({}).admin.password).not.toBe(offline.admin.password);
    expect(() => readConfig({ CLEANTALK_AUTH_KEY: 'key' })).toThrow(/^ADMIN_PASSWORD_HASH: required/);
    expect(
      readConfig({ CLEANTALK_AUTH_KEY: 'key', ADMIN_PASSWORD: 'a long enough one' }).admin,
    ).toMatchObject({
      password: 'a long enough one',
      generatedPassword: false,
    });
  });

  it('refuses admin settings that cannot work, without printing them', () => {
    expect(() => readConfig({ ADMIN_PASSWORD: 'hunter2' })).toThrow(/^ADMIN_PASSWORD: expected at least 12/);
    expect(() => readConfig({ ADMIN_PASSWORD: 'hunter2' })).not.toThrow(/hunter2/);
    expect(() => readConfig({ ADMIN_PASSWORD_HASH: 'hunter2-in-md5' })).toThrow(
      /^ADMIN_PASSWORD_HASH: expected an Argon2 hash/,
    );
    expect(() => readConfig({ ADMIN_PASSWORD: 'a long enough one', ADMIN_PASSWORD_HASH: HASH })).toThrow(
      /not both/,
    );
    expect(() => readConfig({ SESSION_SECRET: 'short' })).toThrow(
      /^SESSION_SECRET: expected at least 32 bytes/,
    );
  });

  it.each([
    [undefined, false],
    ['false', false],
    ['true', true],
    ['loopback', ['loopback']],
    ['127.0.0.1,::1', ['127.0.0.1', '::1']],
    ['10.0.0.0/8', ['10.0.0.0/8']],
  ])('reads TRUST_PROXY=%s', (value, expected) => {
    expect(readConfig(value === undefined ? {} : { TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it.each(['yes', '1', '10.0.0.0/33', 'proxy.example', '127.0.0.1/8/8'])(
    'refuses TRUST_PROXY=%s',
    (value) => {
      expect(() => readConfig({ TRUST_PROXY: value })).toThrow(/^TRUST_PROXY: /);
    },
  );

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
