import { FIELDS, isEventToken, type StartTimeProblem } from '@ct-protected-form/fields';
import { type FormInput, LIMITS, readFormField, toSingleText } from './submission.js';

export type { StartTimeProblem };

/** Where `submit_time` came from. */
export interface StartTime {
  /** `signed`: a server-signed start token; `client`: the visitor's clock; `none`: unknown. */
  source: 'signed' | 'client' | 'none';
  /** Seconds between page load and submit, as sent to CleanTalk. */
  submitTimeSeconds?: number;
  /** Set when a start time was given but could not be used, or a signed token was rejected. */
  problem?: StartTimeProblem;
}

/** What the widget's hidden fields tell about the visitor's browser. */
export interface ClientSignals {
  /**
   * The bot detector's token, when it is well formed: a signal for CleanTalk, which checks it.
   * Anyone can send 64 characters, so it proves nothing here.
   */
  eventToken?: string;
  startedAt?: number;
  submittedAt?: number;
  startedAtProblem?: StartTimeProblem;
  /** The signed start token, as sent; verified elsewhere. */
  startToken?: string;
  timeZone?: string;
  /** Minutes east of UTC. */
  tzOffsetMinutes?: number;
  /** The page that showed the form (`location.href`). */
  pageUrl?: string;
  /** Where the visitor was before that page (its `document.referrer`). → `REFFERRER_PREVIOUS`. */
  referrer?: string;
  /** The honeypot field was present and filled in: a bot. */
  honeypotFilled: boolean;
}

const MIN_TIMESTAMP = Date.UTC(2020, 0, 1);
const MAX_TIMESTAMP = Date.UTC(2200, 0, 1);

/** Reads and validates the hidden fields. Anything malformed is treated as absent, never trusted. */
export function readClientSignals(form: FormInput | undefined): ClientSignals {
  const text = (name: string, max: number = LIMITS.shortText) =>
    toSingleText(readFormField(form, name), max) || undefined;

  const token = text(FIELDS.eventToken);
  const eventToken = isEventToken(token) ? token : undefined;

  const startedAtText = text(FIELDS.startedAt);
  const startedAt = parseTimestamp(startedAtText);
  const submittedAt = parseTimestamp(text(FIELDS.submittedAt));

  // Whole minutes as the widget writes them: `Number()` would also take `0x10` or `1e2`.
  const tzText = text(FIELDS.tzOffset);
  const tzOffset = tzText !== undefined && /^-?\d{1,4}$/.test(tzText) ? Number(tzText) : Number.NaN;
  const timeZone = text(FIELDS.timeZone);

  return {
    eventToken,
    startedAt,
    submittedAt:
      submittedAt !== undefined && startedAt !== undefined && submittedAt >= startedAt
        ? submittedAt
        : undefined,
    startedAtProblem:
      startedAtText === undefined ? 'missing' : startedAt === undefined ? 'malformed' : undefined,
    startToken: text(FIELDS.startToken, 2_000),
    timeZone: timeZone && /^[A-Za-z0-9_+\-/]{1,64}$/.test(timeZone) ? timeZone : undefined,
    tzOffsetMinutes: Number.isInteger(tzOffset) && Math.abs(tzOffset) <= 14 * 60 ? tzOffset : undefined,
    pageUrl: httpUrl(text(FIELDS.pageUrl, 4_000)),
    referrer: httpUrl(text(FIELDS.referrer, 4_000)),
    honeypotFilled: Boolean(text(FIELDS.honeypot)),
  };
}

function parseTimestamp(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,16}$/.test(value)) return undefined;
  const ms = Number(value);
  return ms >= MIN_TIMESTAMP && ms <= MAX_TIMESTAMP ? ms : undefined;
}

/** Keeps only absolute http(s) URLs, normalised; anything else (javascript:, garbage) is dropped. */
export function httpUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (value.length > MAX_CACHED_URL_LENGTH) return parseHttpUrl(value);
  let href = urls.get(value);
  if (href === undefined) {
    href = parseHttpUrl(value) ?? null;
    if (urls.size >= MAX_CACHED_URLS) urls.clear();
    urls.set(value, href);
  }
  return href ?? undefined;
}

/**
 * `httpUrl` per text seen lately: a form's page comes back with every submission, and parsing a URL
 * is a visible part of a check's CPU. Emptied when full: bounded whatever clients send.
 */
const urls = new Map<string, string | null>();
const MAX_CACHED_URLS = 256;
const MAX_CACHED_URL_LENGTH = 1_000;

function parseHttpUrl(value: string): string | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** Allowed clock drift between the visitor and the server before a start time counts as "in the future". */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

/**
 * `submit_time` from the best source: a server-verified start, else the visitor's own clock
 * (start and submit on the same clock, so a wrong clock does not matter), else nothing.
 * `tokenProblem` is why a signed start token was not used: `missing` when none was sent (the
 * visitor's clock is then used, flagged), any other problem when one was sent and refused (then
 * nothing is: the client-clock fields of a bot that sent a bad token are not believed either).
 */
export function resolveStartTime(
  signals: ClientSignals,
  now: number,
  verifiedStartedAt: number | undefined,
  tokenProblem?: StartTimeProblem,
): StartTime {
  if (verifiedStartedAt !== undefined && Number.isFinite(verifiedStartedAt) && verifiedStartedAt <= now) {
    return { source: 'signed', submitTimeSeconds: seconds(now - verifiedStartedAt) };
  }
  if (tokenProblem !== undefined && tokenProblem !== 'missing')
    return { source: 'none', problem: tokenProblem };
  const problem = tokenProblem ?? signals.startedAtProblem;
  if (signals.startedAt === undefined) return { source: 'none', problem: problem ?? 'missing' };
  const end = signals.submittedAt ?? now;
  if (signals.submittedAt === undefined && signals.startedAt > now + FUTURE_TOLERANCE_MS) {
    return { source: 'none', problem: 'future' };
  }
  const result: StartTime = {
    source: 'client',
    submitTimeSeconds: seconds(Math.max(0, end - signals.startedAt)),
  };
  if (problem) result.problem = problem;
  return result;
}

function seconds(ms: number): number {
  // A page left open for days is not faster or slower than one left open for a day.
  return Math.min(Math.round(ms / 1000), 86_400 * 30);
}
