import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type OutputFormat, type Row, RowWriter, readPreviousRows } from '../src/output.js';
import { tempDir } from './helpers.js';
import { cellText, FUZZ_TIMEOUT, runs } from './hostile.js';

const temp = tempDir();
afterAll(() => temp.remove());

const columns = ['line', 'record', 'status', 'appears', 'country', 'error'];
const value: fc.Arbitrary<Row[string]> = fc.oneof(
  { weight: 4, arbitrary: cellText },
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => n + 0), // JSON has no -0
  fc.boolean(),
  fc.constant(null),
);
const row = fc.record(Object.fromEntries(columns.map((column) => [column, value])), {
  requiredKeys: [],
}) as fc.Arbitrary<Row>;
const batches = fc.array(fc.array(row, { maxLength: 4 }), { maxLength: 4 });
const format = fc.constantFrom<OutputFormat>('csv', 'json', 'jsonl');

/** What a row holds once written as UTF-8: lone surrogates become U+FFFD. */
const asWritten = (text: string) => text.toWellFormed();
/** A value as a CSV cell reads back: text, flags as 1/0, nothing for null. */
const asCell = (cell: Row[string] | undefined) =>
  cell === null || cell === undefined
    ? ''
    : typeof cell === 'boolean'
      ? cell
        ? '1'
        : '0'
      : asWritten(String(cell));
/** A value as JSON reads back (JSON.stringify escapes lone surrogates, so they survive). */
const asJson = (cell: Row[string] | undefined) => (cell === undefined ? null : cell);

async function written(kind: OutputFormat, rows: Row[][]): Promise<string> {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  const writer = RowWriter.toStream(stream, kind, columns);
  for (const batch of rows) writer.write(batch);
  await writer.close();
  return Buffer.concat(chunks).toString('utf8');
}

describe('RowWriter under any row values', () => {
  it(
    'writes CSV, JSON and JSON Lines that parse back to the values, commas, quotes, line breaks and = + - @ included',
    async () => {
      await fc.assert(
        fc.asyncProperty(format, batches, async (kind, rows) => {
          const text = await written(kind, rows);
          const all = rows.flat();
          if (kind === 'csv') {
            const parsed = parse(text, { relax_column_count: false }) as string[][];
            expect(parsed[0]).toEqual(columns);
            expect(parsed.slice(1)).toEqual(all.map((r) => columns.map((column) => asCell(r[column]))));
          } else {
            const parsed =
              kind === 'json'
                ? (JSON.parse(text) as unknown[])
                : text
                    .split('\n')
                    .filter((line) => line !== '')
                    .map((line) => JSON.parse(line) as unknown);
            expect(parsed).toEqual(
              all.map((r) => Object.fromEntries(columns.map((column) => [column, asJson(r[column])]))),
            );
          }
        }),
        runs(300),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    'gives --resume back every row a file holds, whatever the values',
    async () => {
      let n = 0;
      await fc.assert(
        fc.asyncProperty(format, batches, batches, async (kind, kept, more) => {
          const path = temp.path(`rows-${n++}.${kind}`);
          const writer = RowWriter.toFile(path, kind, columns, kept.flat());
          for (const batch of more) writer.write(batch);
          await writer.close();
          const all = [...kept.flat(), ...more.flat()];
          const back = readPreviousRows(path, kind, 'spam-check');
          expect(back).toEqual(
            all.map((r) =>
              Object.fromEntries(
                columns.map((column) => [column, kind === 'csv' ? asCell(r[column]) : asJson(r[column])]),
              ),
            ),
          );
        }),
        runs(200),
      );
    },
    FUZZ_TIMEOUT,
  );
});
