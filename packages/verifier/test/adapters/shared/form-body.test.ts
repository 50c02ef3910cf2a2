import { describe, expect, it } from 'vitest';
import { isFormMediaType, mediaType, parseFormBody } from '../../../src/adapters/shared/form-body.js';
import { RequestError } from '../../../src/adapters/shared/request-error.js';
import { multipart } from '../../helpers/widget-form.js';

const text = (s: string) => new TextEncoder().encode(s);
const URLENCODED = 'application/x-www-form-urlencoded; charset=UTF-8';

describe('parseFormBody', () => {
  it('parses urlencoded bodies into a prototype-free object, repeated fields as arrays', async () => {
    const fields = await parseFormBody(text('a=1&b=x%20y&a=2&__proto__=p&constructor=c&empty='), URLENCODED);
    expect(Object.getPrototypeOf(fields)).toBeNull();
    expect(Object.entries(fields)).toEqual([
      ['a', ['1', '2']],
      ['b', 'x y'],
      ['__proto__', 'p'],
      ['constructor', 'c'],
      ['empty', ''],
    ]);
    expect(({} as Record<string, unknown>).p).toBeUndefined();
  });

  it('parses multipart bodies, keeping files as File', async () => {
    const { body, contentType } = await multipart(
      { a: '1', note: 'héllo' },
      { f: new File(['data'], 'f.txt') },
    );
    const fields = await parseFormBody(body, contentType);
    expect(fields.a).toBe('1');
    expect(fields.note).toBe('héllo');
    expect(fields.f).toBeInstanceOf(File);
    expect(await (fields.f as File).text()).toBe('data');
  });

  it.each([
    ['application/xml', '<a/>', 415, 'CT_UNSUPPORTED_MEDIA_TYPE'],
    ['multipart/form-data', 'x', 400, 'CT_BAD_BODY'],
    ['multipart/form-data; boundary=b', '--b\r\nbroken', 400, 'CT_BAD_BODY'],
    [URLENCODED, Array.from({ length: 1001 }, () => 'a=1').join('&'), 413, 'CT_TOO_MANY_FIELDS'],
  ])('rejects %s %j with %i', async (contentType, body, status, code) => {
    const error = await parseFormBody(text(body), contentType).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestError);
    expect(error).toMatchObject({ statusCode: status, status, code, expose: true });
  });

  it('rejects urlencoded bytes that are not UTF-8', async () => {
    await expect(parseFormBody(new Uint8Array([0x61, 0x3d, 0xc3, 0x28]), URLENCODED)).rejects.toMatchObject({
      statusCode: 400,
    });
  });
});

describe('mediaType', () => {
  it('lower-cases and drops parameters', () => {
    expect(mediaType('Multipart/Form-Data; boundary=x')).toBe('multipart/form-data');
    expect(mediaType(undefined)).toBe('');
    expect(isFormMediaType('application/x-www-form-urlencoded;charset=utf-8')).toBe(true);
    expect(isFormMediaType('application/json')).toBe(false);
  });
});
