import { safeString } from '../check/safe-string.js';
import {
  ApiError,
  ConnectionError,
  CtProtectedFormError,
  HttpStatusError,
  OptionsError,
  ResponseError,
  TimeoutError,
} from '../errors.js';
import { describe } from '../options.js';
import { callDatabase, type DatabaseContext, RATE_LIMIT_ERROR } from './call.js';
import { type ParsedRecord, parseRecord, type RecordType, recordKey } from './records.js';
import { backoff, type ResolvedRetry, type RetryOptions, resolveRetry, whole } from './retry.js';

/** Options shared by the database methods. */
export interface DatabaseCallOptions {
  /** Stops the run: the method rejects with the signal's reason once the call in flight ends. */
  signal?: AbortSignal;
  /**
   * How long one call may take, in milliseconds, connection retries included. A bulk call carries
   * up to 1000 records and takes longer than a form check.
   * @default 30000
   */
  timeoutMs?: number;
  /** How calls are repeated when CleanTalk asks to wait or could not be reached. */
  retry?: RetryOptions;
}

/** Options of the methods that take a list of records. */
export interface BatchOptions<R> extends DatabaseCallOptions {
  /**
   * Records per call. CleanTalk takes at most 1000.
   * @default 1000
   */
  chunkSize?: number;
  /** Called whenever results become final (invalid records first, then after each call), in order of arrival. */
  onProgress?: (progress: DatabaseProgress<R>) => void;
}

/**
 * The outcome of one record:
 * `ok` — CleanTalk answered for it;
 * `invalid` — not an email or IP this method takes; it was not sent;
 * `missing` — CleanTalk's answer did not mention it;
 * `error` — CleanTalk answered an error for this record alone;
 * `pending` — CleanTalk still answered "In progress" after every allowed repeat;
 * `unchecked` — the run stopped (see the report's `error`) before it was asked.
 */
export type RecordStatus = 'ok' | 'invalid' | 'missing' | 'error' | 'pending' | 'unchecked';

interface RecordBase {
  /** Position of the record in the list given. */
  index: number;
  /** The record as given. */
  record: string;
  /** What the record was read as; absent when it is invalid. */
  type?: RecordType;
}

/** The result of one record: the method's fields when `status` is `ok`, an explanation otherwise. */
export type RecordResult<T> =
  | (RecordBase & { status: 'ok'; type: RecordType } & T)
  | (RecordBase & { status: Exclude<RecordStatus, 'ok'>; error: string });

/** Results arriving during a run. */
export interface DatabaseProgress<R> {
  /** Records with a final result so far. */
  done: number;
  /** Records given. */
  total: number;
  /** The results that just became final. */
  results: R[];
}

/**
 * The outcome of a run: one result per record given, in the same order. When the run stopped early
 * (bad key, rate limit still exceeded after every repeat, CleanTalk unreachable), `complete` is
 * false, `error` says why, and the records not asked are `unchecked`.
 */
export interface DatabaseReport<R> {
  results: R[];
  complete: boolean;
  error?: CtProtectedFormError;
  /** HTTP calls made, repeats included. */
  calls: number;
}

/** What differs between the bulk methods. */
export interface BatchJob<T> {
  method: 'spam_check' | 'ip_info';
  accept: readonly RecordType[];
  params?: Record<string, string>;
  /** Reads CleanTalk's entry for one record: its fields, or a description of what is wrong with it. */
  readEntry(entry: unknown): T | string;
}

export const MAX_RECORDS_PER_CALL = 1000;
const DEFAULT_DATABASE_TIMEOUT_MS = 30_000;
const IN_PROGRESS = /^\s*in progress\s*$/i;
const STILL_IN_PROGRESS: unique symbol = Symbol('in progress');

interface Unique {
  parsed: ParsedRecord;
  indices: number[];
}

/**
 * Sends records in chunks, repeating calls CleanTalk asks to repeat within the policy's bounds, and
 * maps every answer back to the records given (duplicates are asked once).
 */
export async function runBatch<T extends object>(
  context: DatabaseContext,
  job: BatchJob<T>,
  records: readonly unknown[],
  options: BatchOptions<RecordResult<T>> = {},
): Promise<DatabaseReport<RecordResult<T>>> {
  if (!Array.isArray(records)) {
    throw new TypeError(`${job.method} expects an array of records, got ${describe(records)}`);
  }
  const settings = resolveCallOptions(options);
  const chunkSize = whole('chunkSize', options.chunkSize ?? MAX_RECORDS_PER_CALL, 1, MAX_RECORDS_PER_CALL);
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw new OptionsError('onProgress', `expected a function, got ${describe(options.onProgress)}`);
  }
  const { signal } = options;
  signal?.throwIfAborted();

  const results: RecordResult<T>[] = new Array(records.length);
  const shown = records.map((record) => (typeof record === 'string' ? record : safeString(record)));
  let done = 0;
  const publish = (batch: RecordResult<T>[]) => {
    done += batch.length;
    if (batch.length > 0) options.onProgress?.({ done, total: records.length, results: batch });
  };

  const unique = new Map<string, Unique>();
  const invalid: RecordResult<T>[] = [];
  records.forEach((record, index) => {
    const parsed = parseRecord(record, job.accept);
    if (typeof parsed === 'string') {
      const result = { index, record: shown[index] ?? '', status: 'invalid', error: parsed } as const;
      results[index] = result;
      invalid.push(result);
      return;
    }
    const seen = unique.get(parsed.key);
    if (seen) seen.indices.push(index);
    else unique.set(parsed.key, { parsed, indices: [index] });
  });
  publish(invalid);

  const fanOut = (item: Unique, make: (base: RecordBase) => RecordResult<T>): RecordResult<T>[] =>
    item.indices.map((index) => {
      const result = make({ index, record: shown[index] ?? '', type: item.parsed.type });
      results[index] = result;
      return result;
    });

  const items = [...unique.values()];
  let calls = 0;
  let stopped: CtProtectedFormError | undefined;
  const ask = (batch: Unique[]) => askWithRetries(context, job, batch, settings, () => calls++);

  for (let start = 0; start < items.length; start += chunkSize) {
    const chunk = items.slice(start, start + chunkSize);
    const finished: RecordResult<T>[] = [];
    try {
      let pending = chunk;
      for (let round = 0; pending.length > 0; round++) {
        const data = await ask(pending);
        const waiting: Unique[] = [];
        const entries = data === STILL_IN_PROGRESS ? undefined : indexEntries(data);
        for (const item of pending) {
          if (!entries) {
            waiting.push(item);
            continue;
          }
          const entry = entries.get(item.parsed.key);
          if (typeof entry === 'string' && IN_PROGRESS.test(entry)) waiting.push(item);
          else finished.push(...fanOut(item, (base) => toResult(base, entry, job)));
        }
        if (waiting.length > 0 && round >= settings.retry.inProgressRetries) {
          for (const item of waiting) {
            finished.push(
              ...fanOut(item, (base) => ({
                ...base,
                status: 'pending',
                error: 'CleanTalk was still preparing this record (answered "In progress"); ask again later',
              })),
            );
          }
          break;
        }
        if (waiting.length > 0) await settings.retry.sleep(backoff(settings.retry, round), signal);
        pending = waiting;
      }
    } catch (error) {
      signal?.throwIfAborted();
      stopped = asDatabaseError(error, job.method);
    }
    publish(finished);
    if (stopped) break;
  }

  if (stopped) {
    const message = `not asked: the run stopped (${stopped.code})`;
    const rest: RecordResult<T>[] = [];
    for (const item of items) {
      if (results[item.indices[0] ?? 0] !== undefined) continue;
      rest.push(...fanOut(item, (base) => ({ ...base, status: 'unchecked', error: message })));
    }
    publish(rest);
  }

  const report: DatabaseReport<RecordResult<T>> = { results, complete: stopped === undefined, calls };
  if (stopped) report.error = stopped;
  return report;
}

export interface ResolvedCallOptions {
  timeoutMs: number;
  signal: AbortSignal | undefined;
  retry: ResolvedRetry;
}

export function resolveCallOptions(options: DatabaseCallOptions): ResolvedCallOptions {
  if (options === null || typeof options !== 'object') {
    throw new OptionsError('options', `expected an object, got ${describe(options)}`);
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new OptionsError('signal', `expected an AbortSignal, got ${describe(options.signal)}`);
  }
  return {
    timeoutMs: whole('timeoutMs', options.timeoutMs ?? DEFAULT_DATABASE_TIMEOUT_MS, 1, 600_000),
    signal: options.signal,
    retry: resolveRetry(options.retry),
  };
}

/**
 * One call for `batch`, repeated after a rate-limit answer or a transient failure within the
 * policy's bounds. Answers the `data` object, or {@link STILL_IN_PROGRESS}.
 */
async function askWithRetries<T>(
  context: DatabaseContext,
  job: BatchJob<T>,
  batch: readonly Unique[],
  settings: ResolvedCallOptions,
  counted: () => void,
): Promise<Record<string, unknown> | typeof STILL_IN_PROGRESS> {
  const { retry, signal } = settings;
  let rateLimited = 0;
  let failed = 0;
  for (;;) {
    try {
      counted();
      const answer = await callDatabase(context, {
        method: job.method,
        data: batch.map((item) => item.parsed.value),
        params: job.params,
        timeoutMs: settings.timeoutMs,
        signal,
      });
      return readData(answer.data, job.method);
    } catch (error) {
      signal?.throwIfAborted();
      if (error instanceof ApiError && error.errorNo === RATE_LIMIT_ERROR) {
        if (rateLimited >= retry.rateLimitRetries) throw error;
        await retry.sleep(backoff(retry, rateLimited++), signal);
      } else if (isTransient(error)) {
        if (failed >= retry.failureRetries) throw error;
        await retry.sleep(backoff(retry, failed++), signal);
      } else {
        throw error;
      }
    }
  }
}

function readData(data: unknown, method: string): Record<string, unknown> | typeof STILL_IN_PROGRESS {
  if (typeof data === 'string' && IN_PROGRESS.test(data)) return STILL_IN_PROGRESS;
  // PHP encodes an empty map as an empty array.
  if (Array.isArray(data) && data.length === 0) return {};
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new ResponseError(`CleanTalk ${method}`, 'the "data" field is missing or not an object');
  }
  return data as Record<string, unknown>;
}

/** CleanTalk's entries by matching key; `__proto__` and friends are plain keys here. */
function indexEntries(data: Record<string, unknown>): Map<string, unknown> {
  const entries = new Map<string, unknown>();
  for (const [key, value] of Object.entries(data)) entries.set(recordKey(key), value);
  return entries;
}

function toResult<T>(base: RecordBase, entry: unknown, job: BatchJob<T>): RecordResult<T> {
  if (entry === undefined)
    return { ...base, status: 'missing', error: 'CleanTalk did not answer for this record' };
  const own = entry && typeof entry === 'object' ? (entry as Record<string, unknown>) : undefined;
  const problem = own?.error_message ?? own?.error;
  if (typeof problem === 'string') return { ...base, status: 'error', error: problem.slice(0, 300) };
  const read = job.readEntry(entry);
  if (typeof read === 'string') return { ...base, status: 'error', error: read };
  return { ...base, type: base.type ?? 'email', status: 'ok', ...read };
}

function isTransient(error: unknown): boolean {
  if (error instanceof HttpStatusError) return error.status >= 500 || error.status === 429;
  return error instanceof TimeoutError || error instanceof ConnectionError || error instanceof ResponseError;
}

/** Anything thrown by a custom `fetch` or `sleep` becomes a typed error. */
export function asDatabaseError(error: unknown, method: string): CtProtectedFormError {
  if (error instanceof CtProtectedFormError) return error;
  return new ConnectionError(`CleanTalk ${method}`, error);
}
