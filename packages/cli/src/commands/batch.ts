import type {
  DatabaseClient,
  DatabaseProgress,
  DatabaseReport,
  RecordResult,
  RetryOptions,
} from '@ct-protected-form/verifier/database';
import { type Connection, type ConnectionValues, connect } from '../connection.js';
import type { CommandContext } from '../context.js';
import { explainFailure } from '../failure.js';
import { type InputFormat, type InputRecord, readRecords, readSource } from '../input.js';
import { BATCH_OPTIONS, choiceOption, integerOption, parseCommand } from '../options.js';
import { OUTPUT_FORMATS, type OutputFormat, type Row, RowWriter, readPreviousRows } from '../output.js';
import { createProgress } from '../progress.js';
import { EXIT, UsageError } from '../usage-error.js';

/** Calls per `spamCheck`/`ipInfo` run: bounds the results held in memory at once. */
const RECORDS_PER_SLICE_IN_CHUNKS = 10;

/** Results written as rows; `unchecked` ones are not (the record was not asked). */
const FINAL_STATUSES = new Set(['ok', 'missing', 'error']);

export interface BatchRunSettings {
  signal: AbortSignal;
  chunkSize: number;
  timeoutMs: number;
  retry: RetryOptions;
  onProgress(progress: DatabaseProgress<RecordResult<object>>): void;
}

/** What differs between `spam-check` and `ip-info`. */
export interface BatchCommandSpec<T extends object> {
  name: string;
  /** What one input value is, for messages: "record", "IP". */
  noun: string;
  preferredColumns: readonly string[];
  columns: readonly string[];
  /** The column holding the value as read, by which `--resume` recognises done records. */
  recordColumn: string;
  /** Extra options of the command, e.g. `--date`. */
  extraOptions?: Record<string, { type: 'string' | 'boolean' }>;
  toRow(result: RecordResult<T>, line: number): Row;
  run(
    database: DatabaseClient,
    values: readonly string[],
    settings: BatchRunSettings,
    options: Record<string, unknown>,
  ): Promise<DatabaseReport<RecordResult<T>>>;
  /** Counts answered results (without keeping them) and sums them up: "12 in the spam database". */
  tally(): { add(result: RecordResult<T>): void; describe(): string };
}

/**
 * Reads records from a file or stdin, skips those a previous output already holds (`--resume`),
 * asks CleanTalk in chunks and writes one row per record as results arrive. Malformed rows are
 * reported on stderr with their line and skipped; SIGINT ends the run with what is done written.
 */
export async function runBatchCommand<T extends object>(
  spec: BatchCommandSpec<T>,
  args: string[],
  context: CommandContext,
): Promise<number> {
  const options = { ...BATCH_OPTIONS, ...spec.extraOptions };
  const { values, positionals } = parseCommand(spec.name, args, options);
  const flags = values as Record<string, string | boolean | undefined>;
  const text = (name: string) => (typeof flags[name] === 'string' ? (flags[name] as string) : undefined);
  if (positionals.length > 1)
    throw new UsageError(`expected at most one input file, got ${positionals.length}`, spec.name);
  const file = positionals[0];
  const format = choiceOption<OutputFormat>(spec.name, 'format', text('format'), OUTPUT_FORMATS, 'csv');
  const inputFormat = choiceOption<InputFormat>(
    spec.name,
    'input-format',
    text('input-format'),
    ['auto', 'csv', 'list'],
    'auto',
  );
  const chunkSize = integerOption(spec.name, 'chunk-size', text('chunk-size'), 1000, 1, 1000);
  const retryDelay = integerOption(spec.name, 'retry-delay', text('retry-delay'), 2000, 0, 600_000);
  const output = text('output');
  if (flags.resume && !output)
    throw new UsageError('--resume needs --output FILE: the file it continues', spec.name);
  const connection: Connection = connect(spec.name, flags as ConnectionValues, context.env);
  const { stderr } = context;
  const warn = (message: string) => stderr.write(`${spec.name}: ${message}\n`);

  const source = await readSource(file, context.stdin, spec.name);
  let malformed = 0;
  const records = readRecords(source, {
    command: spec.name,
    format: inputFormat,
    column: text('column'),
    preferredColumns: spec.preferredColumns,
    fileName: file,
    onMalformed: (line, problem) => {
      malformed++;
      warn(`line ${line}: ${problem}; skipped`);
    },
  });

  const previous = flags.resume && output ? readPreviousRows(output, format, spec.name) : [];
  const kept = previous.filter(
    (row) => FINAL_STATUSES.has(String(row.status)) && typeof row[spec.recordColumn] === 'string',
  );
  const done = new Set(kept.map((row) => String(row[spec.recordColumn])));
  const todo: InputRecord[] = records.filter((record) => !done.has(record.value));
  const skipped = records.length - todo.length;
  if (flags.resume) warn(`resuming: ${skipped} of ${records.length} ${spec.noun}s already in ${output}`);

  const writer = output
    ? RowWriter.toFile(output, format, spec.columns, kept, spec.name)
    : RowWriter.toStream(context.stdout, format, spec.columns);
  const progress = createProgress(stderr, !flags['no-progress'], todo.length, spec.name);
  const tally = spec.tally();
  let answered = 0;
  let invalid = 0;
  let pending = 0;
  let report: DatabaseReport<RecordResult<T>> | undefined;
  let interrupted = false;

  const settings: Omit<BatchRunSettings, 'onProgress'> = {
    signal: context.signal,
    chunkSize,
    timeoutMs: connection.timeoutMs,
    retry: {
      initialDelayMs: retryDelay,
      maxDelayMs: Math.max(retryDelay, 60_000),
      sleep: (ms, signal) => {
        progress.note(`asking again in ${ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`}`);
        return new Promise<void>((resolve, reject) => {
          const timer = setTimeout(resolve, ms);
          signal?.addEventListener(
            'abort',
            () => {
              clearTimeout(timer);
              reject(signal.reason);
            },
            { once: true },
          );
        });
      },
    },
  };

  try {
    // Slices of a few calls each: results are written as they come and never pile up in memory.
    const sliceSize = chunkSize * RECORDS_PER_SLICE_IN_CHUNKS;
    for (let offset = 0; offset < todo.length; offset += sliceSize) {
      const slice = todo.slice(offset, offset + sliceSize);
      report = await spec.run(
        connection.database,
        slice.map((record) => record.value),
        {
          ...settings,
          onProgress: (event) => {
            const rows: Row[] = [];
            for (const result of event.results as RecordResult<T>[]) {
              const line = slice[result.index]?.line ?? 0;
              if (result.status === 'invalid') {
                invalid++;
                warn(`line ${line}: ${result.error}: ${JSON.stringify(result.record)}; skipped`);
              } else if (result.status !== 'unchecked') {
                if (result.status === 'pending') pending++;
                answered++;
                tally.add(result);
                rows.push(spec.toRow(result, line));
              }
            }
            writer.write(rows);
            progress.update(offset + event.done);
          },
        },
        flags,
      );
      if (report.error) break;
    }
  } catch (error) {
    if (!context.signal.aborted) throw error;
    interrupted = true;
  } finally {
    progress.stop();
    await writer.close();
  }

  const where = output ? ` to ${output}` : '';
  const summary = [
    `${answered} of ${todo.length} ${spec.noun}s answered${where}`,
    tally.describe(),
    pending ? `${pending} still in progress at CleanTalk (run again with --resume)` : '',
    invalid ? `${invalid} invalid` : '',
    malformed ? `${malformed} malformed rows` : '',
    skipped ? `${skipped} already done` : '',
  ].filter(Boolean);
  if (interrupted) {
    warn(
      `interrupted: ${summary.join(', ')}. Run again with --resume${output ? '' : ' and --output FILE'} to continue.`,
    );
    return EXIT.interrupted;
  }
  if (report?.error) {
    warn(`${explainFailure(report.error, connection.databaseOrigin)}`);
    warn(`stopped: ${summary.join(', ')}.${output ? ' Run again with --resume to continue.' : ''}`);
    return EXIT.failure;
  }
  warn(`done: ${summary.join(', ')}.`);
  return EXIT.ok;
}
