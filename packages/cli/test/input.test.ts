import { describe, expect, it } from 'vitest';
import { type ReadOptions, readRecords } from '../src/input.js';

function read(text: string, options: Partial<ReadOptions> = {}) {
  const malformed: [number, string][] = [];
  const records = readRecords(text, {
    command: 'spam-check',
    format: 'auto',
    preferredColumns: ['email', 'ip'],
    onMalformed: (line, problem) => malformed.push([line, problem]),
    ...options,
  });
  return { records, malformed };
}

describe('readRecords', () => {
  it('reads a plain list, skipping blank lines and comments, keeping line numbers', () => {
    expect(read('# header\n a@example.com \n\n192.0.2.1\r\n').records).toEqual([
      { line: 2, value: 'a@example.com' },
      { line: 4, value: '192.0.2.1' },
    ]);
  });

  it('reads CSV with ; or tab delimiters and picks the preferred column', () => {
    expect(read('name;EMAIL\nAnn;a@example.com\n').records).toEqual([{ line: 2, value: 'a@example.com' }]);
    expect(read('ip\tnote\n192.0.2.1\tx\n').records).toEqual([{ line: 2, value: '192.0.2.1' }]);
  });

  it('reads a one-column CSV by its file name', () => {
    expect(read('address\na@example.com\n', { fileName: 'list.csv' }).records).toEqual([
      { line: 2, value: 'a@example.com' },
    ]);
  });

  it('costs one row for a stray quote, not the rest of the file', () => {
    const { records, malformed } = read(
      'name,email\nA,"x\nB,b@example.com\nC,"c@example.com"z\nD,d@example.com\nE,"e@example.com\n',
    );
    expect(malformed).toEqual([
      [2, expect.stringMatching(/^unreadable CSV \(Invalid Closing Quote/)],
      [4, expect.stringMatching(/^unreadable CSV \(Invalid Closing Quote/)],
      [6, 'unreadable CSV (a quoted field is not closed)'],
    ]);
    expect(records).toEqual([
      { line: 3, value: 'b@example.com' },
      { line: 5, value: 'd@example.com' },
    ]);
  });

  it('reads a quoted field that spans lines, numbering the record by its first line', () => {
    const { records, malformed } = read('name,email,note\nA,a@example.com,"two\nlines"\nB,b@example.com,x\n');
    expect(malformed).toEqual([]);
    expect(records).toEqual([
      { line: 2, value: 'a@example.com' },
      { line: 4, value: 'b@example.com' },
    ]);
  });

  it('keeps a bare carriage return inside a field as text, quotes or not', () => {
    const { records, malformed } = read('name,email,note\na\rb,a@example.com,"x"\nc\rd,c@example.com,y\n');
    expect(malformed).toEqual([]);
    expect(records).toEqual([
      { line: 2, value: 'a@example.com' },
      { line: 3, value: 'c@example.com' },
    ]);
  });

  it('asks for --column when no header is recognised', () => {
    expect(() => read('a,b\n1,2\n')).toThrow('choose the CSV column with --column (columns: "a", "b")');
  });

  it('returns nothing for an empty input', () => {
    expect(read('').records).toEqual([]);
    expect(read('', { format: 'csv' }).records).toEqual([]);
  });
});
