import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type InputFormat, type InputRecord, readRecords } from '../src/input.js';
import { UsageError } from '../src/usage-error.js';
import { cellText, FUZZ_TIMEOUT, hostileText, runs } from './hostile.js';

function read(text: string, format: InputFormat, column?: string, fileName?: string) {
  const malformed: { line: number; problem: string }[] = [];
  const records: InputRecord[] = readRecords(text, {
    command: 'spam-check',
    format,
    column,
    fileName,
    preferredColumns: ['email', 'ip', 'record'],
    onMalformed: (line, problem) => malformed.push({ line, problem }),
  });
  return { records, malformed };
}

const lineCount = (text: string) => text.split(/\r?\n/).length;

describe('readRecords under any text', () => {
  it(
    'gives records and malformed rows on lines of the input, or a usage error, and never throws anything else',
    () => {
      fc.assert(
        fc.property(
          hostileText,
          fc.constantFrom<InputFormat>('auto', 'csv', 'list'),
          fc.option(
            fc.oneof(fc.constantFrom('email', 'IP', 'name', ' record '), fc.string({ maxLength: 6 })),
            {
              nil: undefined,
            },
          ),
          fc.option(fc.constantFrom('users.csv', 'list.txt', 'x.TSV'), { nil: undefined }),
          (text, format, column, fileName) => {
            let result: ReturnType<typeof read>;
            try {
              result = read(text, format, column, fileName);
            } catch (error) {
              expect(error).toBeInstanceOf(UsageError);
              expect((error as Error).message).toMatch(
                /^(the CSV header \(line \d+\)|the CSV has no column|choose the CSV column)/,
              );
              return;
            }
            const { records, malformed } = result;
            const lines = lineCount(text);
            const recordLines = records.map((record) => record.line);
            expect([...recordLines].sort((a, b) => a - b)).toEqual(recordLines);
            expect(new Set(recordLines).size).toBe(recordLines.length);
            for (const record of records) {
              expect(record.line).toBeGreaterThanOrEqual(1);
              expect(record.line).toBeLessThanOrEqual(lines);
              expect(record.value).toBe(record.value.trim());
              expect(record.value).not.toBe('');
            }
            for (const { line, problem } of malformed) {
              expect(line).toBeGreaterThanOrEqual(2);
              expect(line).toBeLessThanOrEqual(lines);
              expect(recordLines).not.toContain(line);
              expect(problem).not.toBe('');
              expect(problem).not.toMatch(/\n\s+at /);
            }
          },
        ),
        runs(400),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    'reads a plain list as exactly its non-blank, non-comment lines',
    () => {
      fc.assert(
        fc.property(hostileText, (text) => {
          const { records, malformed } = read(text, 'list');
          const expected = text
            .split(/\r?\n/)
            .map((raw, index) => ({ line: index + 1, value: raw.trim() }))
            .filter((record) => record.value !== '' && !record.value.startsWith('#'));
          expect(records).toEqual(expected);
          expect(malformed).toEqual([]);
        }),
        runs(300),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    'reads back every row of a well-formed CSV, whatever its cells hold, on the line the row starts',
    () => {
      // Read from a UTF-8 file, text never holds a lone surrogate.
      const cell = cellText.filter((text) => text.split('\n').length < 10).map((text) => text.toWellFormed());
      fc.assert(
        fc.property(
          fc.constantFrom(',', ';', '\t'),
          fc.boolean(),
          fc.boolean(),
          fc.array(fc.tuple(cell, cell, cell), { maxLength: 12 }),
          (delimiter, crlf, quoted, rows) => {
            // Well-formed: a cell holding a line break of either kind is quoted (RFC 4180).
            const format = {
              delimiter,
              record_delimiter: crlf ? 'windows' : 'unix',
              quoted,
              quoted_match: /[\r\n]/,
            } as const;
            const text = stringify([['name', 'email', 'note'], ...rows], format);
            const { records, malformed } = read(text, 'csv');
            let line = 2;
            const expectedRecords: InputRecord[] = [];
            const expectedMalformed: number[] = [];
            for (const row of rows) {
              const physical = stringify([row], format);
              const value = row[1].replace(/\r\n/g, '\n').trim();
              // A row of white space only (empty cells between tabs) is a blank line: skipped.
              if (physical.trim() !== '') {
                if (value === '') expectedMalformed.push(line);
                else expectedRecords.push({ line, value });
              }
              line += physical.split(/\r?\n/).length - 1;
            }
            expect(malformed.map((entry) => entry.line)).toEqual(expectedMalformed);
            expect(records).toEqual(expectedRecords);
          },
        ),
        runs(400),
      );
    },
    FUZZ_TIMEOUT,
  );
});
