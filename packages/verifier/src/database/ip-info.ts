import { type BatchOptions, type DatabaseReport, type RecordResult, runBatch } from './batch.js';
import type { DatabaseContext } from './call.js';

/** Where an IP is (`ip_info`). */
export interface IpInfoData {
  /** ISO 3166 code, e.g. `US` (`country_code`). */
  countryCode?: string;
  /** English name, e.g. `United States` (`country_name`). */
  countryName?: string;
  /** CleanTalk's entry as sent. */
  raw: Record<string, unknown>;
}

/** The result of one IP of {@link ipInfo}. */
export type IpInfoResult = RecordResult<IpInfoData>;

/** Options of `verifier.ipInfo()`. */
export type IpInfoOptions = BatchOptions<IpInfoResult>;

/** The outcome of `verifier.ipInfo()`. */
export type IpInfoReport = DatabaseReport<IpInfoResult>;

/** Looks up the country of IPs (v4 and v6), 1000 a call. CleanTalk allows 10 calls a minute. */
export function ipInfo(
  context: DatabaseContext,
  ips: readonly unknown[],
  options: IpInfoOptions = {},
): Promise<IpInfoReport> {
  return runBatch(context, { method: 'ip_info', accept: ['ip'], readEntry: readIpEntry }, ips, options);
}

export function readIpEntry(entry: unknown): IpInfoData | string {
  if (!entry || typeof entry !== 'object' || Array.isArray(entry))
    return 'CleanTalk sent an entry that is not an object';
  const raw = entry as Record<string, unknown>;
  const data: IpInfoData = { raw };
  if (typeof raw.country_code === 'string' && /^[A-Za-z]{2}$/.test(raw.country_code)) {
    data.countryCode = raw.country_code.toUpperCase();
  }
  if (typeof raw.country_name === 'string' && raw.country_name !== '')
    data.countryName = raw.country_name.slice(0, 200);
  return data;
}
