import { describe, expect, it } from 'vitest';
import { parseRecord, recordKey } from '../../src/database/records.js';

describe('parseRecord', () => {
  it('reads emails lower-cased and trimmed', () => {
    expect(parseRecord(' Ann@Example.COM ', ['email', 'ip'])).toEqual({
      type: 'email',
      value: 'ann@example.com',
      key: 'ann@example.com',
    });
  });

  it('reads IPv4, IPv6 and IPv4-mapped IPv6', () => {
    expect(parseRecord('192.0.2.1', ['ip'])).toMatchObject({ type: 'ip', value: '192.0.2.1' });
    expect(parseRecord('2001:DB8::1', ['ip'])).toMatchObject({
      type: 'ip',
      value: '2001:db8::1',
      key: '2001:db8::1',
    });
    expect(parseRecord('2001:db8:0:0:0:0:0:1', ['ip'])).toMatchObject({ key: '2001:db8::1' });
    expect(parseRecord('::ffff:192.0.2.1', ['ip'])).toMatchObject({ value: '192.0.2.1' });
  });

  it('describes what is wrong with anything else', () => {
    expect(parseRecord('', ['email'])).toBe('empty record');
    expect(parseRecord('a,b@example.com', ['email'])).toBe('not a valid email address');
    expect(parseRecord('ann@example', ['email'])).toBe('not a valid email address');
    expect(parseRecord(`${'a'.repeat(250)}@example.com`, ['email'])).toMatch(/longer than 254/);
    expect(parseRecord('256.0.0.1', ['email', 'ip'])).toBe('neither an email nor an IP address');
    expect(parseRecord('ann@example.com', ['ip'])).toBe('expected an IP address, got an email');
    expect(parseRecord(null, ['ip'])).toBe('expected a string, got null');
  });
});

describe('recordKey', () => {
  it('matches the spellings CleanTalk may echo back', () => {
    expect(recordKey('2001:DB8:0::1')).toBe('2001:db8::1');
    expect(recordKey('::FFFF:192.0.2.1')).toBe('192.0.2.1');
    expect(recordKey('Ann@Example.com')).toBe('ann@example.com');
    expect(recordKey('not:an:ip:zz')).toBe('not:an:ip:zz');
  });
});
