import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { SPECIAL_KEYS } from './options.js';
import { canonicalIp, type DevServerRules, emailDomain, ipListHas, listHas } from './rules.js';

/** Error answers of the database API (HTTP 200, like CleanTalk's). */
export const DB_ERRORS = {
  missingKey: { error_no: 1, error_message: 'Access key is missing.' },
  unknownKey: { error_no: 2, error_message: 'Access key is not valid.' },
  missingMethod: { error_no: 3, error_message: 'Parameter method_name is missing.' },
  unknownMethod: { error_no: 4, error_message: 'Unknown method_name.' },
  noRecords: { error_no: 5, error_message: 'Nothing to check: pass email, ip or data.' },
  tooManyRecords: { error_no: 8, error_message: 'Too many records: at most 1000 a call.' },
  callsLimit: { error_no: 10, error_message: 'Calls limit exceeded.' },
} as const;

/** Most records one call may carry. */
export const MAX_RECORDS = 1000;

/** Countries of a few well-known addresses, for `ip_info` and the `country` of spam_check records. */
export const IP_COUNTRIES: Readonly<Record<string, readonly [code: string, name: string]>> = {
  '8.8.8.8': ['US', 'United States'],
  '8.8.4.4': ['US', 'United States'],
  '2001:4860:4860::8888': ['US', 'United States'],
  '1.1.1.1': ['AU', 'Australia'],
  '9.9.9.9': ['CH', 'Switzerland'],
  '77.88.8.8': ['RU', 'Russia'],
  '84.200.69.80': ['DE', 'Germany'],
  '2a02:6b8::feed:ff': ['RU', 'Russia'],
};

/** Fixed timestamps, so answers are the same on every run. */
const SUBMITTED = '2024-01-15 10:20:30';
const UPDATED = '2025-06-30 12:00:00';

/**
 * Fixed-window call counter per access key and method. Bounded: windows that have run out are
 * dropped once many keys are tracked.
 */
export class RateLimiter {
  readonly #windows = new Map<string, { start: number; count: number }>();

  /** Counts one call; false when it is over `limit` for the current minute. */
  hit(key: string, limit: number, now: number): boolean {
    let window = this.#windows.get(key);
    if (!window || now - window.start >= 60_000 || now < window.start) {
      window = { start: now, count: 0 };
      this.#windows.set(key, window);
      if (this.#windows.size > 10_000) {
        for (const [name, other] of this.#windows)
          if (now - other.start >= 60_000) this.#windows.delete(name);
      }
    }
    window.count += 1;
    return window.count <= limit;
  }
}

/** Everything the database API needs besides the request. */
export interface DatabaseContext {
  rules: DevServerRules;
  authKeys: readonly string[];
  stringNumbers: boolean;
  now: () => number;
  limits: { spamCheck: number; ipInfo: number };
  limiter: RateLimiter;
  /** In-progress records that were already asked for once. */
  asked: Set<string>;
}

type Answer = Record<string, unknown>;

function splitRecords(params: Record<string, string>, names: readonly string[]): string[] {
  const records: string[] = [];
  for (const name of names) {
    const value = params[name];
    if (value === undefined) continue;
    for (const item of value.split(',')) {
      const record = item.trim();
      if (record !== '') records.push(record);
    }
  }
  return records;
}

function number(value: number, context: DatabaseContext): number | string {
  return context.stringNumbers ? String(value) : value;
}

function country(ip: string): readonly [string, string] | undefined {
  return IP_COUNTRIES[canonicalIp(ip)];
}

const PRIVATE_IP =
  /^(10\.|127\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|169\.254\.|::1$|f[cd][0-9a-f]{2}:|fe80:)/;

/** The deterministic spam_check record for one email or IP; undefined for anything else. */
export function spamRecord(record: string, context: DatabaseContext): Answer | undefined {
  const { rules } = context;
  const isEmail = record.includes('@');
  const ipVersion = isEmail ? 0 : isIP(record);
  if (!isEmail && ipVersion === 0) return undefined;
  const spammy = isEmail
    ? listHas(rules.blacklistedEmails, record) || listHas(rules.denyEmails, record)
    : ipListHas(rules.blacklistedIps, record) || ipListHas(rules.denyIps, record);
  const canonical = isEmail ? record.trim().toLowerCase() : canonicalIp(record);
  const domain = isEmail ? emailDomain(record) : '';
  let networkType: string | null = null;
  if (!isEmail) networkType = spammy ? 'hosting' : PRIVATE_IP.test(canonical) ? 'private' : 'public';
  return {
    appears: spammy ? 1 : 0,
    frequency: number(spammy ? 42 : 0, context),
    spam_rate: number(spammy ? 1 : 0, context),
    submitted: spammy ? SUBMITTED : null,
    updated: spammy ? UPDATED : null,
    sha256: createHash('sha256').update(canonical).digest('hex'),
    network_type: networkType,
    country: isEmail ? null : (country(record)?.[0] ?? null),
    exists: isEmail ? (domain.endsWith('.invalid') || domain === 'invalid' ? 0 : 1) : null,
    disposable_email: isEmail ? (listHas(rules.disposableDomains, domain) ? 1 : 0) : null,
    spam_frequency_24h: number(spammy ? 7 : 0, context),
    in_antispam: spammy ? 1 : 0,
    domains_count: isEmail ? null : spammy ? 3 : 0,
  };
}

/** The key check shared by spam_check and ip_info: an error answer, or undefined when accepted. */
function keyError(key: string | undefined, context: DatabaseContext): Answer | undefined {
  if (key === undefined || key === '') return { ...DB_ERRORS.missingKey };
  if (Object.hasOwn(SPECIAL_KEYS, key) || !context.authKeys.includes(key)) return { ...DB_ERRORS.unknownKey };
  return undefined;
}

/**
 * Answers one database API call. `params` are the query parameters merged with the form fields
 * of the body. Never throws for anything a client can send.
 */
export function answerDatabase(params: Record<string, string>, context: DatabaseContext): Answer {
  const method = params.method_name;
  if (method === undefined || method === '') return { ...DB_ERRORS.missingMethod };
  const key = params.auth_key;
  switch (method) {
    case 'spam_check':
      return spamCheck(params, key, context);
    case 'ip_info':
      return ipInfo(params, key, context);
    case 'notice_paid_till':
      return noticePaidTill(key, context);
    default:
      return { ...DB_ERRORS.unknownMethod };
  }
}

function spamCheck(
  params: Record<string, string>,
  key: string | undefined,
  context: DatabaseContext,
): Answer {
  const error = keyError(key, context);
  if (error) return error;
  if (!context.limiter.hit(`spam_check\0${key}`, context.limits.spamCheck, context.now())) {
    return { ...DB_ERRORS.callsLimit };
  }
  const records = splitRecords(params, ['email', 'ip', 'data']);
  if (records.length === 0) return { ...DB_ERRORS.noRecords };
  if (records.length > MAX_RECORDS) return { ...DB_ERRORS.tooManyRecords };
  const pending = records.filter(
    (record) => listHas(context.rules.inProgressRecords, record) && !context.asked.has(record.toLowerCase()),
  );
  if (pending.length > 0) {
    for (const record of pending) context.asked.add(record.toLowerCase());
    return { data: 'In progress' };
  }
  const data: Record<string, Answer> = {};
  for (const record of records) {
    const info = spamRecord(record, context);
    if (info) data[record] = info;
  }
  return { data };
}

function ipInfo(params: Record<string, string>, key: string | undefined, context: DatabaseContext): Answer {
  const error = keyError(key, context);
  if (error) return error;
  if (!context.limiter.hit(`ip_info\0${key}`, context.limits.ipInfo, context.now())) {
    return { ...DB_ERRORS.callsLimit };
  }
  const records = splitRecords(params, ['ip', 'data']);
  if (records.length === 0) return { ...DB_ERRORS.noRecords };
  if (records.length > MAX_RECORDS) return { ...DB_ERRORS.tooManyRecords };
  const data: Record<string, Answer> = {};
  for (const record of records) {
    if (isIP(record) === 0) continue;
    const found = country(record);
    data[record] = { country_code: found?.[0] ?? null, country_name: found?.[1] ?? null };
  }
  return { data };
}

function noticePaidTill(key: string | undefined, context: DatabaseContext): Answer {
  if (key === undefined || key === '') return { ...DB_ERRORS.missingKey };
  const valid = !Object.hasOwn(SPECIAL_KEYS, key) && context.authKeys.includes(key);
  return {
    data: {
      valid: valid ? 1 : 0,
      paid_till: valid ? '2099-12-31' : '',
      moderate: valid ? 1 : 0,
      trial: key === 'ct-devserver-trial-expired' ? 1 : 0,
      show_notice: valid ? 0 : 1,
      product_id: 1,
    },
  };
}
