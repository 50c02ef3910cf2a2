import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { UsageError } from './usage-error.js';

/** One value read from the input, with the line it came from (1-based). */
export interface InputRecord {
  line: number;
  value: string;
}

export type InputFormat = 'auto' | 'csv' | 'list';

export interface ReadOptions {
  command: string;
  format: InputFormat;
  /** The CSV column to read, by header name (case-insensitive). */
  column?: string | undefined;
  /** Header names tried, in order, when no column is given. */
  preferredColumns: readonly string[];
  /** The file name, to recognise `.csv`; undefined for stdin. */
  fileName?: string | undefined;
  /** Called for each row that cannot be used; the run goes on. */
  onMalformed(line: number, problem: string): void;
}

const DELIMITERS = [',', ';', '\t'] as const;

/** Reads a whole file, or stdin for `-` / no file, as UTF-8 text. */
export async function readSource(
  file: string | undefined,
  stdin: Readable,
  command: string,
): Promise<string> {
  const stream = file === undefined || file === '-' ? stdin : createReadStream(file);
  let text = '';
  stream.setEncoding('utf8');
  try {
    for await (const chunk of stream) text += chunk as string;
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new UsageError(
      `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (code ?? String(error))}`,
      command,
    );
  }
  return text.replace(/^\uFEFF/, '');
}

/**
 * Reads the records of a CSV file (one column, chosen by header name) or of a plain list (one
 * record a line; blank lines and `#` comments skipped). Rows that cannot be read are reported
 * through `onMalformed` with their line number and skipped.
 */
export function readRecords(text: string, options: ReadOptions): InputRecord[] {
  return isCsv(text, options) ? readCsv(text, options) : readList(text);
}

function isCsv(text: string, options: ReadOptions): boolean {
  if (options.format !== 'auto') return options.format === 'csv';
  if (options.column !== undefined) return true;
  if (options.fileName && /\.(csv|tsv)$/i.test(options.fileName)) return true;
  const first = firstLine(text);
  return DELIMITERS.some((delimiter) => first.includes(delimiter));
}

function firstLine(text: string): string {
  return text.split(/\r?\n/).find((line) => line.trim() !== '') ?? '';
}

function readList(text: string): InputRecord[] {
  const records: InputRecord[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const value = raw.trim();
    if (value !== '' && !value.startsWith('#')) records.push({ line: index + 1, value });
  });
  return records;
}

/** Longest run of lines one quoted field may span before its opening line counts as malformed. */
const MAX_RECORD_LINES = 50;

/**
 * Reads CSV line by line, so one stray quote costs one row, not the rest of the file: a record
 * spans several lines only when a quoted field closes within {@link MAX_RECORD_LINES} lines and
 * the record then has as many fields as the header.
 */
function readCsv(text: string, options: ReadOptions): InputRecord[] {
  const lines = text.split(/\r?\n/);
  const headerIndex = lines.findIndex((line) => line.trim() !== '');
  if (headerIndex < 0) return [];
  const headerLine = lines[headerIndex] ?? '';
  const delimiter =
    [...DELIMITERS].sort((a, b) => headerLine.split(b).length - headerLine.split(a).length)[0] ?? ',';
  const header = parseRecord(headerLine, delimiter);
  if (typeof header === 'string')
    throw new UsageError(
      `the CSV header (line ${headerIndex + 1}) is unreadable: ${header}`,
      options.command,
    );
  const names = header.map((name) => name.trim());
  const column = pickColumn(names, options);
  const records: InputRecord[] = [];

  for (let index = headerIndex + 1; index < lines.length; ) {
    const line = index + 1;
    const first = lines[index] ?? '';
    if (first.trim() === '') {
      index++;
      continue;
    }
    let fields: string[] | undefined;
    let problem = '';
    let span = 1;
    for (; span <= MAX_RECORD_LINES && index + span <= lines.length; span++) {
      const parsed = parseRecord(lines.slice(index, index + span).join('\n'), delimiter);
      if (parsed === UNCLOSED) {
        problem = 'a quoted field is not closed';
        continue;
      }
      if (typeof parsed === 'string') problem = parsed;
      else if (span === 1 || parsed.length === names.length) fields = parsed;
      break;
    }
    if (!fields) {
      options.onMalformed(line, `unreadable CSV (${problem || 'a quoted field is not closed'})`);
      index++;
      continue;
    }
    index += span;
    if (fields.length !== names.length) {
      options.onMalformed(line, `expected ${names.length} fields, got ${fields.length}`);
      continue;
    }
    const value = fields[column]?.trim() ?? '';
    if (value === '') {
      options.onMalformed(line, `the "${names[column]}" field is empty`);
      continue;
    }
    records.push({ line, value });
  }
  return records;
}

const UNCLOSED = 'unclosed';

/** The fields of one record; {@link UNCLOSED} when a quote is still open; else what is wrong. */
function parseRecord(text: string, delimiter: string): string[] | string {
  if (!text.includes('"')) return text.split(delimiter);
  try {
    // Lines are already split at \n and \r\n: a bare \r is text, as on the quote-free path.
    const [record, ...more] = parse(text, {
      delimiter,
      record_delimiter: '\n',
      relax_column_count: true,
    }) as string[][];
    if (!record || more.length > 0) return 'not one record';
    return record;
  } catch (error) {
    if ((error as { code?: string }).code === 'CSV_QUOTE_NOT_CLOSED') return UNCLOSED;
    return (error as Error).message.replace(/ at line \d+.*$/, '');
  }
}

function pickColumn(names: string[], options: ReadOptions): number {
  const lower = names.map((name) => name.toLowerCase());
  if (options.column !== undefined) {
    const index = lower.indexOf(options.column.trim().toLowerCase());
    if (index < 0) {
      throw new UsageError(
        `the CSV has no column "${options.column}" (columns: ${names.map((name) => JSON.stringify(name)).join(', ')})`,
        options.command,
      );
    }
    return index;
  }
  for (const preferred of options.preferredColumns) {
    const index = lower.indexOf(preferred);
    if (index >= 0) return index;
  }
  if (names.length === 1) return 0;
  throw new UsageError(
    `choose the CSV column with --column (columns: ${names.map((name) => JSON.stringify(name)).join(', ')})`,
    options.command,
  );
}
