import { LicenceError, ResponseError } from '../errors.js';
import { safeString } from './safe-string.js';

/** CleanTalk's answer to a check, with numbers coerced and codes split. */
export interface CheckResponse {
  allow: boolean;
  codes: string[];
  /** CleanTalk's comment as sent (may hold HTML and `***`). */
  comment: string;
  id?: string;
  spam?: boolean;
  blacklisted?: boolean;
  jsDisabled?: boolean;
  fastSubmit?: boolean;
  /**
   * `stop_queue` with `allow: false`: true = definitely spam, reject at once; false = hold for
   * manual moderation. Absent when not sent (then read as false, as CleanTalk's libraries do).
   */
  stopQueue?: boolean;
  /** check_newuser: create the account, but inactive. */
  inactive: boolean;
  /** 1 enabled, 0 disabled, -1 unknown. */
  accountStatus?: number;
  version?: string;
}

/** Codes that mean the site's account is wrong, not that the visitor is a spammer. */
export const LICENCE_CODES = [
  'KEY_NOT_FOUND',
  'SERVICE_DISABLED',
  'TRIAL_EXPIRED',
  'SERVICE_FREEZED',
] as const;

/** `LicenceError.licenceCode` of an answer that said `account_status: 0` without a licence code. */
export const ACCOUNT_DISABLED = 'account_status: 0';

const WHAT = 'CleanTalk check';

/**
 * Validates a parsed JSON answer. Throws {@link ResponseError} when it is not a check answer and
 * {@link LicenceError} when CleanTalk refused the key (a licence code, or `account_status: 0`).
 */
export function parseCheckResponse(body: unknown): CheckResponse {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new ResponseError(WHAT, 'expected a JSON object');
  }
  const raw = body as Record<string, unknown>;
  const codes = splitCodes(raw.codes);
  const licence = codes.find((code) => (LICENCE_CODES as readonly string[]).includes(code));
  if (licence) throw new LicenceError(licence);
  // A disabled account is the same configuration problem, whatever codes came with it.
  if (toNumber(raw.account_status) === 0) throw new LicenceError(ACCOUNT_DISABLED);
  if (typeof raw.error_message === 'string' && raw.allow === undefined) {
    throw new ResponseError(
      WHAT,
      `error ${safeString(raw.error_no ?? '')} ${raw.error_message.slice(0, 200)}`.trim(),
    );
  }
  const allow = toFlag(raw.allow);
  if (allow === undefined) throw new ResponseError(WHAT, 'the "allow" field is missing or not 0/1');

  const response: CheckResponse = {
    allow,
    codes,
    comment: typeof raw.comment === 'string' ? raw.comment : '',
    inactive: toFlag(raw.inactive) ?? false,
  };
  const id = typeof raw.id === 'string' && /^[0-9a-f]{32}$/i.test(raw.id) ? raw.id.toLowerCase() : undefined;
  if (id) response.id = id;
  setFlag(response, 'spam', raw.spam);
  setFlag(response, 'blacklisted', raw.blacklisted);
  setFlag(response, 'jsDisabled', raw.js_disabled);
  setFlag(response, 'fastSubmit', raw.fast_submit);
  setFlag(response, 'stopQueue', raw.stop_queue);
  const status = toNumber(raw.account_status);
  if (status !== undefined) response.accountStatus = status;
  if (typeof raw.version === 'string' || typeof raw.version === 'number')
    response.version = String(raw.version);
  return response;
}

/** `"FORBIDDEN BL"` → `['FORBIDDEN', 'BL']`; unknown codes are kept as they are. */
export function splitCodes(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  return value.split(/[\s,]+/).filter((code) => /^[A-Z0-9_]{1,64}$/i.test(code));
}

/** CleanTalk sends numbers and sometimes numeric strings. */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

/** 1/0 (or "1"/"0", true/false) → boolean; -1 and anything else → undefined (unknown). */
export function toFlag(value: unknown): boolean | undefined {
  if (value === true || value === false) return value;
  const n = toNumber(value);
  return n === 1 ? true : n === 0 ? false : undefined;
}

function setFlag(
  target: CheckResponse,
  key: 'spam' | 'blacklisted' | 'jsDisabled' | 'fastSubmit' | 'stopQueue',
  value: unknown,
): void {
  const f = toFlag(value);
  if (f !== undefined) target[key] = f;
}

/**
 * CleanTalk's comment as plain text safe to show to a visitor: tags removed, the `*** … ***`
 * wrapper dropped, entities decoded, white space folded.
 */
export function displayReason(comment: string): string {
  const text = comment
    .slice(0, 2_000)
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#\d+|#x[0-9a-f]+|amp|lt|gt|quot|apos|nbsp);/gi, decodeEntity)
    .replace(/\*{3}/g, ' ')
    .replace(/\s+/g, ' ')
    // Tags became spaces: "<b>spam</b>." must read "spam.", not "spam .".
    .replace(/ ([.,;:!?])/g, '$1')
    .trim();
  // Decoding may have produced markup again (`&lt;b&gt;`): remove it too, so the text is inert.
  return text.replace(/[<>]/g, '');
}

function decodeEntity(entity: string, name: string): string {
  const lower = name.toLowerCase();
  if (lower.startsWith('#x')) return safeCodePoint(Number.parseInt(lower.slice(2), 16));
  if (lower.startsWith('#')) return safeCodePoint(Number.parseInt(lower.slice(1), 10));
  return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' }[lower] ?? entity;
}

function safeCodePoint(code: number): string {
  return code > 0x1f && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)
    ? String.fromCodePoint(code)
    : '';
}

/** The CleanTalk dashboard page of one request. */
export function dashboardUrl(requestId: string): string {
  return `https://cleantalk.org/my/show_requests?request_id=${encodeURIComponent(requestId)}`;
}
