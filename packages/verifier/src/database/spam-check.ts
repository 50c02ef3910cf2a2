import { toFlag, toNumber } from '../check/answer.js';
import { OptionsError } from '../errors.js';
import { type BatchOptions, type DatabaseReport, type RecordResult, runBatch } from './batch.js';
import type { DatabaseContext } from './call.js';

/** What CleanTalk's spam database knows about one email or IP (`spam_check`), numbers coerced. */
export interface SpamCheckData {
  /** The record is in the spam database (`appears`). */
  appears: boolean;
  /** How many times it was seen spamming (`frequency`). */
  frequency?: number;
  /** Share of its submissions that were spam, 0..1 (`spam_rate`). */
  spamRate?: number;
  /** When it was first reported (`submitted`), as CleanTalk wrote it. */
  submitted?: string;
  /** When its entry last changed (`updated`). */
  updated?: string;
  /** SHA-256 of the record (`sha256`). */
  sha256?: string;
  /** IPs: the kind of network, e.g. `hosting` (`network_type`). */
  networkType?: string;
  /** Country code (`country`). */
  country?: string;
  /** Emails: the mailbox exists (`exists`); absent when unknown. */
  exists?: boolean;
  /** Emails: a disposable-address domain (`disposable_email`). */
  disposableEmail?: boolean;
  /** Spam reports in the last 24 hours (`spam_frequency_24h`). */
  spamFrequency24h?: number;
  /** Listed in CleanTalk's anti-spam lists (`in_antispam`). */
  inAntispam?: boolean;
  /** IPs: domains hosted on it (`domains_count`). */
  domainsCount?: number;
  /** CleanTalk's entry as sent, fields not listed here included. */
  raw: Record<string, unknown>;
}

/** The result of one record of {@link spamCheck}. */
export type SpamCheckResult = RecordResult<SpamCheckData>;

/** Options of `verifier.spamCheck()`. */
export interface SpamCheckOptions extends BatchOptions<SpamCheckResult> {
  /** Ask about this day only, `YYYY-MM-DD` (`date`). */
  date?: string;
}

/** The outcome of `verifier.spamCheck()`. */
export type SpamCheckReport = DatabaseReport<SpamCheckResult>;

/** Checks emails and IPs (v4 and v6) against CleanTalk's spam database, 1000 a call. */
export function spamCheck(
  context: DatabaseContext,
  records: readonly unknown[],
  options: SpamCheckOptions = {},
): Promise<SpamCheckReport> {
  const date = options?.date;
  if (date !== undefined && (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date))) {
    throw new OptionsError('date', 'expected a day as YYYY-MM-DD');
  }
  return runBatch(
    context,
    { method: 'spam_check', accept: ['email', 'ip'], params: date ? { date } : {}, readEntry: readSpamEntry },
    records,
    options,
  );
}

export function readSpamEntry(entry: unknown): SpamCheckData | string {
  if (!entry || typeof entry !== 'object' || Array.isArray(entry))
    return 'CleanTalk sent an entry that is not an object';
  const raw = entry as Record<string, unknown>;
  const appears = toFlag(raw.appears);
  if (appears === undefined) return 'CleanTalk sent an entry without "appears"';
  const data: SpamCheckData = { appears, raw };
  setNumber(data, 'frequency', raw.frequency);
  setNumber(data, 'spamRate', raw.spam_rate);
  setNumber(data, 'spamFrequency24h', raw.spam_frequency_24h);
  setNumber(data, 'domainsCount', raw.domains_count);
  setText(data, 'submitted', raw.submitted);
  setText(data, 'updated', raw.updated);
  setText(data, 'sha256', raw.sha256);
  setText(data, 'networkType', raw.network_type);
  setText(data, 'country', raw.country);
  setFlag(data, 'exists', raw.exists);
  setFlag(data, 'disposableEmail', raw.disposable_email);
  setFlag(data, 'inAntispam', raw.in_antispam);
  return data;
}

function setNumber(
  data: SpamCheckData,
  key: 'frequency' | 'spamRate' | 'spamFrequency24h' | 'domainsCount',
  value: unknown,
) {
  const n = toNumber(value);
  if (n !== undefined) data[key] = n;
}

function setText(
  data: SpamCheckData,
  key: 'submitted' | 'updated' | 'sha256' | 'networkType' | 'country',
  value: unknown,
) {
  if (typeof value === 'string' && value !== '') data[key] = value.slice(0, 200);
}

function setFlag(data: SpamCheckData, key: 'exists' | 'disposableEmail' | 'inAntispam', value: unknown) {
  const flag = toFlag(value);
  if (flag !== undefined) data[key] = flag;
}
