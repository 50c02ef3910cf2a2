import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { type OutputFormat, RowWriter, readPreviousRows } from '../src/output.js';
import { UsageError } from '../src/usage-error.js';
import { tempDir } from './helpers.js';

const temp = tempDir();
afterAll(() => temp.remove());
const columns = ['record', 'status', 'appears', 'note'];

async function written(format: OutputFormat, batches: Record<string, string | number | boolean | null>[][]) {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  const writer = RowWriter.toStream(stream, format, columns);
  for (const rows of batches) writer.write(rows);
  await writer.close();
  return text;
}

describe('RowWriter', () => {
  const batches = [
    [{ record: 'a@x.com', status: 'ok', appears: true, note: 'has, comma' }],
    [{ record: 'b', status: 'error' }],
  ];

  it('writes CSV with a header, 1/0 for flags and quoting where needed', async () => {
    expect(await written('csv', batches)).toBe(
      'record,status,appears,note\na@x.com,ok,1,"has, comma"\nb,error,,\n',
    );
  });

  it('writes a JSON array across batches, with null for absent columns', async () => {
    const text = await written('json', batches);
    expect(JSON.parse(text)).toEqual([
      { record: 'a@x.com', status: 'ok', appears: true, note: 'has, comma' },
      { record: 'b', status: 'error', appears: null, note: null },
    ]);
    expect(JSON.parse(await written('json', []))).toEqual([]);
  });

  it('writes JSON Lines', async () => {
    expect((await written('jsonl', batches)).trim().split('\n')).toHaveLength(2);
  });

  it('starts a file with the rows kept from a previous run', async () => {
    const path = temp.path('kept.csv');
    const writer = RowWriter.toFile(path, 'csv', columns, [{ record: 'old', status: 'ok' }]);
    writer.write([{ record: 'new', status: 'ok' }]);
    expect(writer.rows).toBe(2);
    await writer.close();
    expect(readFileSync(path, 'utf8')).toBe('record,status,appears,note\nold,ok,,\nnew,ok,,\n');
  });
});

describe('RowWriter.toFile', () => {
  it('refuses a directory, or a file in a directory that does not exist, with a usage error and no .partial left', () => {
    const directory = temp.path('a-directory');
    mkdirSync(directory);
    const missing = temp.path('nowhere/out.csv');
    for (const [path, problem] of [
      [directory, 'it is a directory'],
      [missing, 'no such directory'],
    ] as const) {
      let error: unknown;
      try {
        RowWriter.toFile(path, 'csv', columns, [], 'spam-check');
      } catch (thrown) {
        error = thrown;
      }
      expect(error).toBeInstanceOf(UsageError);
      expect(error).toMatchObject({ message: `cannot write ${path}: ${problem}`, command: 'spam-check' });
      expect(existsSync(`${path}.partial`)).toBe(false);
    }
    expect(() => readPreviousRows(directory, 'csv', 'spam-check')).toThrow(
      `cannot resume from ${directory}: it is a directory`,
    );
  });
});

describe('readPreviousRows', () => {
  it('reads a JSON array cut short and a half-written last line', () => {
    const path = temp.path('cut.json');
    writeFileSync(
      path,
      '[\n{"record":"a","status":"ok"},\n{"record":"b","status":"ok"},\n{"record":"c","sta',
    );
    expect(readPreviousRows(path, 'json', 'spam-check').map((row) => row.record)).toEqual(['a', 'b']);
  });

  it('reads nothing from a missing file and refuses a file in another format', () => {
    expect(readPreviousRows(temp.path('missing.csv'), 'csv', 'spam-check')).toEqual([]);
    const path = temp.path('table.csv');
    writeFileSync(path, 'record,status\na,ok\n');
    expect(() => readPreviousRows(path, 'jsonl', 'spam-check')).toThrow(/is --format right/);
  });
});
