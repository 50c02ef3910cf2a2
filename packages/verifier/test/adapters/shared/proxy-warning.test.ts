import { describe, expect, it } from 'vitest';
import { createProxyWarning, isLocalAddress } from '../../../src/adapters/shared/proxy-warning.js';

describe('isLocalAddress', () => {
  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.0.1',
    '::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    'fd12:3456::1',
    'fe80::1',
  ])('%s is local', (ip) => expect(isLocalAddress(ip)).toBe(true));

  it.each([
    '203.0.113.9',
    '172.32.0.1',
    '172.15.0.1',
    '8.8.8.8',
    '2001:db8::1',
    '::ffff:198.51.100.1',
    'fd00\nforged',
    'fe80::1 x',
  ])('%s is not', (ip) => expect(isLocalAddress(ip)).toBe(false));
});

describe('createProxyWarning', () => {
  it('warns once, and only for a local address with X-Forwarded-For that no proxy setting applied', () => {
    const warnings: string[] = [];
    const warn = createProxyWarning({ warn: (m) => warnings.push(m), error() {} }, 'set trustProxy');
    warn('127.0.0.1', undefined, false);
    warn('203.0.113.1', '198.51.100.1', false);
    warn('127.0.0.1', '198.51.100.1', true);
    expect(warnings).toEqual([]);
    warn('127.0.0.1', '198.51.100.1', false);
    warn('10.0.0.1', '198.51.100.1', false);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('set trustProxy');
  });

  it('never writes a line break or other text a client chose into the log', () => {
    const warnings: string[] = [];
    const warn = createProxyWarning({ warn: (m) => warnings.push(m), error() {} }, 'set trustProxy');
    // What a getIp reading a header may hand over: a forged log line behind a local-looking prefix.
    warn('fd00\n[ct-protected-form] all clear', '198.51.100.1', false);
    warn('10.0.0.1 <script>', '198.51.100.1', false);
    expect(warnings).toEqual([]);
  });
});
