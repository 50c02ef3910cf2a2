import { closeSync, existsSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { UsageError } from './usage-error.js';

export type OutputFormat = 'csv' | 'json' | 'jsonl';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['csv', 'json', 'jsonl'];

/** One output row: column name → value (`null` when unknown). */
export type Row = Record<string, string | number | boolean | null>;

/**
 * Writes rows as CSV (with a header), a JSON array, or JSON Lines, to a file or stdout. File
 * writes are synchronous, so every row handed over is on disk before the next call goes out and
 * an interruption loses nothing that was reported.
 */
export class RowWriter {
  #rows = 0;
  #closed = false;

  private constructor(
    readonly format: OutputFormat,
    readonly columns: readonly string[],
    readonly target: { fd: number } | { stream: Writable },
  ) {}

  /** Writes to `path`, replacing it; with `kept` rows (from a previous run) written first. */
  static toFile(
    path: string,
    format: OutputFormat,
    columns: readonly string[],
    kept: readonly Row[] = [],
    command?: string,
  ): RowWriter {
    // The kept rows go to a new file that then replaces the old one: a crash in between leaves
    // the previous output whole.
    const partial = `${path}.partial`;
    let rows = 0;
    let fd: number | undefined;
    try {
      fd = openSync(partial, 'w');
      const writer = new RowWriter(format, columns, { fd });
      writer.#begin(kept);
      rows = writer.#rows;
      closeSync(fd);
      fd = undefined;
      renameSync(partial, path);
      fd = openSync(path, 'a');
    } catch (error) {
      if (fd !== undefined) closeSync(fd);
      try {
        unlinkSync(partial);
      } catch {
        // Never created.
      }
      throw new UsageError(`cannot write ${path}: ${fileProblem(error)}`, command);
    }
    const appended = new RowWriter(format, columns, { fd });
    appended.#rows = rows;
    return appended;
  }

  /** Writes to a stream (stdout). */
  static toStream(stream: Writable, format: OutputFormat, columns: readonly string[]): RowWriter {
    const writer = new RowWriter(format, columns, { stream });
    writer.#begin([]);
    return writer;
  }

  /** Rows written so far, kept rows included. */
  get rows(): number {
    return this.#rows;
  }

  write(rows: readonly Row[]): void {
    if (rows.length === 0 || this.#closed) return;
    this.#emit(this.#serialise(rows));
  }

  /** Ends the output (closes the JSON array) and waits until it is written. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.format === 'json') this.#emit(this.#rows === 0 ? ']\n' : '\n]\n');
    if ('fd' in this.target) {
      closeSync(this.target.fd);
      return;
    }
    const { stream } = this.target;
    await new Promise<void>((resolve) => {
      if (stream.writableNeedDrain) stream.once('drain', () => resolve());
      else stream.write('', () => resolve());
    });
  }

  #begin(kept: readonly Row[]): void {
    if (this.format === 'csv') this.#emit(stringify([this.columns as string[]]));
    if (this.format === 'json') this.#emit('[');
    if (kept.length > 0) this.#emit(this.#serialise(kept));
  }

  #serialise(rows: readonly Row[]): string {
    let text = '';
    if (this.format === 'csv') {
      text = stringify(rows.map((row) => this.columns.map((column) => cell(row[column]))));
    } else {
      for (const row of rows) {
        const ordered = Object.fromEntries(this.columns.map((column) => [column, row[column] ?? null]));
        const json = JSON.stringify(ordered);
        text +=
          this.format === 'jsonl' ? `${json}\n` : `${this.#rows === 0 && text === '' ? '\n' : ',\n'}${json}`;
      }
    }
    this.#rows += rows.length;
    return text;
  }

  #emit(text: string): void {
    if ('fd' in this.target) writeSync(this.target.fd, text);
    else this.target.stream.write(text);
  }
}

function cell(value: Row[string] | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? '1' : '0';
  return String(value);
}

/**
 * Reads the rows of a previous run's output for `--resume`. Accepts a JSON array cut short by an
 * interruption and a half-written last line. Missing file: no rows.
 */
export function readPreviousRows(path: string, format: OutputFormat, command: string): Row[] {
  if (!existsSync(path)) return [];
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot resume from ${path}: ${fileProblem(error)}`, command);
  }
  if (format === 'csv') {
    try {
      return parse(text, {
        columns: true,
        bom: true,
        skip_empty_lines: true,
        relax_column_count: true,
        skip_records_with_error: true,
      }) as Row[];
    } catch (error) {
      throw new UsageError(`cannot resume from ${path}: ${(error as Error).message}`, command);
    }
  }
  const rows: Row[] = [];
  for (const line of text.split('\n')) {
    const json = line.trim().replace(/^,/, '').replace(/,$/, '');
    if (!json.startsWith('{')) continue;
    try {
      const value = JSON.parse(json) as unknown;
      if (value && typeof value === 'object' && !Array.isArray(value)) rows.push(value as Row);
    } catch {
      // A line cut short by an interruption: that record is asked again.
    }
  }
  if (rows.length === 0 && text.trim() !== '' && !/^\[\s*\]?\s*$/.test(text.trim())) {
    throw new UsageError(
      `cannot resume from ${path}: it holds no ${format} rows (is --format right?)`,
      command,
    );
  }
  return rows;
}

/** What went wrong with a file, in words: "it is a directory", "no such directory"… */
export function fileProblem(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'ENOENT') return 'no such directory';
  if (code === 'ENOTDIR') return 'a part of the path is not a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
}
