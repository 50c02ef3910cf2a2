import { normaliseIp } from '../check/submission.js';
import { SubmissionError } from '../errors.js';

/** What a database record is. */
export type RecordType = 'email' | 'ip';

/** A record accepted for a database call: what is sent, and the key its answer is matched by. */
export interface ParsedRecord {
  type: RecordType;
  /** The form sent to CleanTalk: trimmed, lower-cased, IPv4-mapped IPv6 as IPv4. */
  value: string;
  /** The form answers are matched by (IPv6 compressed, so `2001:DB8:0::1` finds `2001:db8::1`). */
  key: string;
}

/** Longest address RFC 5321 lets through. */
const MAX_EMAIL_LENGTH = 254;
/**
 * Deliberately loose: CleanTalk judges the address. Only what would break the request is refused:
 * white space, commas (the bulk list separator), a missing `@` or domain dot.
 */
const EMAIL_PATTERN = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;

/**
 * Reads one record: an email, an IPv4 or an IPv6 address. Returns a short problem description for
 * anything else, so a caller can report it per record instead of failing a whole batch.
 */
export function parseRecord(input: unknown, accept: readonly RecordType[]): ParsedRecord | string {
  if (typeof input !== 'string') return `expected a string, got ${input === null ? 'null' : typeof input}`;
  const value = input.trim();
  if (value === '') return 'empty record';
  if (value.includes('@')) {
    if (!accept.includes('email')) return 'expected an IP address, got an email';
    if (value.length > MAX_EMAIL_LENGTH) return `email longer than ${MAX_EMAIL_LENGTH} characters`;
    if (!EMAIL_PATTERN.test(value)) return 'not a valid email address';
    const email = value.toLowerCase();
    return { type: 'email', value: email, key: email };
  }
  let ip: string;
  try {
    ip = normaliseIp(value);
  } catch (error) {
    if (error instanceof SubmissionError) {
      return accept.includes('email') ? 'neither an email nor an IP address' : 'not an IP address';
    }
    throw error;
  }
  if (!accept.includes('ip')) return 'expected an email, got an IP address';
  return { type: 'ip', value: ip, key: recordKey(ip) };
}

/** The matching key of a record as CleanTalk may echo it back. */
export function recordKey(value: string): string {
  const trimmed = value.trim().toLowerCase();
  if (!trimmed.includes(':') || trimmed.includes('@')) return trimmed;
  try {
    const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(trimmed);
    if (mapped?.[1]) return mapped[1];
    const host = new URL(`http://[${trimmed.replace(/^\[|\]$/g, '')}]/`).hostname;
    return host.slice(1, -1);
  } catch {
    return trimmed;
  }
}
