import { SubmissionError } from '@ct-protected-form/verifier';
import { describe, expect, it } from 'vitest';
import { normaliseIp, readFormField, toSingleText, toText } from '../../src/check/submission.js';

describe('normaliseIp', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:DB8::1', '2001:db8::1'],
    ['[2001:db8::1]', '2001:db8::1'],
    [' 198.51.100.1 ', '198.51.100.1'],
    // A link-local peer's zone names an interface of this host: nothing CleanTalk could use.
    ['fe80::1%eth0', 'fe80::1'],
    ['[FE80::A%25]', 'fe80::a'],
  ])('accepts %s as %s', (input, expected) => {
    expect(normaliseIp(input)).toBe(expected);
  });

  it.each([
    '',
    '256.1.1.1',
    '1.2.3',
    '01.2.3.4',
    'example.com',
    '1.2.3.4, 5.6.7.8',
    'gggg::1',
    '203.0.113.7%eth0',
    'fe80::1%',
    'fe80::1%eth 0',
    undefined,
    42,
  ])('throws a SubmissionError naming ip for %s', (input) => {
    expect(() => normaliseIp(input)).toThrow(SubmissionError);
  });
});

describe('toText', () => {
  it('joins repeated fields and keeps numbers', () => {
    expect(toText(['a', '', 'b', 3], 100)).toBe('a\nb\n3');
    expect(toText(12, 100)).toBe('12');
  });

  it('ignores objects and non-finite numbers', () => {
    expect(toText({ toString: () => 'x' }, 100)).toBeUndefined();
    expect(toText(Number.NaN, 100)).toBeUndefined();
  });

  it('replaces lone surrogates (invalid UTF-8 on the wire) and never splits a pair when cutting', () => {
    expect(toText('a\ud800b', 100)).toBe('a\ufffdb');
    expect(toText('ab😀', 3)).toBe('ab');
  });

  it('caps megabyte inputs', () => {
    expect(toText('x'.repeat(5_000_000), 100_000)?.length).toBe(100_000);
  });

  it('ignores arrays nested thousands deep instead of overflowing the stack', () => {
    // Found by the property tests: relevance.approvedMessages nested 3977 arrays deep threw a RangeError.
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(toText(deep, 100)).toBe('');
    expect(toText(['a', deep, 'b'], 100)).toBe('a\nb');
    expect(toText([[['kept']]], 100)).toBe('kept');
  });

  it('takes the first usable value of a repeated single field', () => {
    expect(toSingleText(['', ' a@example.com ', 'b@example.com'], 100)).toBe('a@example.com');
  });
});

describe('readFormField', () => {
  it('reads plain objects, URLSearchParams, FormData and Maps', () => {
    expect(readFormField({ a: '1' }, 'a')).toBe('1');
    expect(readFormField(new URLSearchParams('a=1&a=2'), 'a')).toEqual(['1', '2']);
    const data = new FormData();
    data.append('a', '1');
    data.append('a', new Blob(['file']));
    expect(readFormField(data, 'a')).toBe('1');
    expect(readFormField(new Map([['a', '1']]), 'a')).toBe('1');
  });

  it('never reads through the prototype', () => {
    expect(readFormField({}, 'toString')).toBeUndefined();
    expect(readFormField({}, '__proto__')).toBeUndefined();
    expect(readFormField(JSON.parse('{"__proto__": "x"}'), '__proto__')).toBe('x');
  });
});
