import { SubmissionError } from '../errors.js';

/** Request headers in any of the shapes frameworks hand them over. */
export type HeadersInput =
  | Headers
  | Record<string, string | readonly string[] | number | undefined>
  | Iterable<readonly [string, string]>;

/** A parsed form body: a plain object (JSON, urlencoded parsers), `URLSearchParams` or `FormData`. */
export type FormInput = Record<string, unknown> | URLSearchParams | FormData | Map<string, unknown>;

/**
 * Context CleanTalk uses to judge whether a message is on topic: the text of the page the form is
 * on and a few recently approved comments. Sent as `example`.
 */
export interface RelevanceContext {
  /** The page's own text, e.g. the blog post being commented on. */
  pageText?: string;
  /** A few recently approved messages on the same page, newest first. */
  approvedMessages?: readonly string[];
}

/** One form submission to check. Everything but `ip` is optional. */
export interface Submission {
  /** The visitor's IP address, as resolved by your framework's trusted-proxy settings. Required. */
  ip: string;
  /** The visitor's email. Without one, CleanTalk may grey-list the check. */
  email?: unknown;
  /** The visitor's name or user name. */
  nickname?: unknown;
  /** The visitor's text; several fields may be given as an array and are joined. */
  message?: unknown;
  /** The visitor's phone number. */
  phone?: unknown;
  /** The visitor's request headers. Secrets (cookies, authorization, tokens) are removed before sending. */
  headers?: HeadersInput;
  /** The parsed form body, hidden fields of `<ct-protected-form>` included. */
  form?: FormInput;
  /** The URL of the page that showed the form. Defaults to the widget's field, then the `Referer` header. */
  pageUrl?: string;
  /**
   * What was submitted, CleanTalk's `comment_type`: `comment`, `contact`, `review`, `order`,
   * `registration`… Defaults to `comment` for checkMessage and `registration` for checkNewUser.
   */
  commentType?: string;
  /** Page text and approved messages for CleanTalk's relevance test. */
  relevance?: RelevanceContext;
  /**
   * A start time already verified by the server (a signed start token), in ms since the epoch. When
   * given, it is used for `submit_time` instead of the client's clock.
   */
  verifiedStartedAt?: number;
  /**
   * How many fields the form posted, sent as `sender_info.fields_number`. The adapters count the
   * parsed body; by default, the fields of `form` are counted, the widget's hidden fields left out.
   */
  fieldsNumber?: number;
}

/** Upper bounds that keep one hostile submission from costing more than a normal one. */
export const LIMITS = {
  shortText: 1_000,
  message: 100_000,
  relevance: 20_000,
  headerValue: 4_000,
  /**
   * The `Cookie` header, read locally for the start token's session and never sent: a site's
   * analytics and consent cookies often fill more than 4 KB before ours.
   */
  cookieHeader: 64 * 1024,
  headers: 64,
  formFields: 1_000,
} as const;

/** Arrays nested deeper than this (`[[[…]]]` from a JSON body) are ignored, not walked. */
const MAX_ARRAY_DEPTH = 8;

/**
 * Turns whatever a form parser produced into a clean string: arrays (repeated fields) are joined,
 * numbers kept, objects and arrays nested deeper than a few levels ignored, lone surrogates
 * replaced, length capped.
 */
export function toText(value: unknown, maxLength: number, separator = '\n', depth = 0): string | undefined {
  let text: string | undefined;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'bigint')
    text = Number.isFinite(Number(value)) ? String(value) : undefined;
  else if (typeof value === 'boolean') text = String(value);
  else if (Array.isArray(value)) {
    if (depth >= MAX_ARRAY_DEPTH) return undefined;
    const parts: string[] = [];
    let length = 0;
    for (const item of value.slice(0, LIMITS.formFields)) {
      const part = toText(item, maxLength, separator, depth + 1);
      if (part === undefined || part === '') continue;
      parts.push(part);
      length += part.length + separator.length;
      if (length > maxLength) break;
    }
    text = parts.join(separator);
  }
  if (text === undefined) return undefined;
  if (text.length > maxLength) text = cutAt(text, maxLength);
  return text.toWellFormed();
}

/** The first usable string of a value that may be repeated (e.g. `email=a&email=b`). */
export function toSingleText(value: unknown, maxLength: number): string | undefined {
  return toText(Array.isArray(value) ? value.find((v) => toText(v, maxLength)) : value, maxLength)?.trim();
}

function cutAt(text: string, length: number): string {
  // Never split a surrogate pair: a half pair would become U+FFFD.
  const code = text.charCodeAt(length - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? length - 1 : length);
}

/** Reads one field of a parsed body, whatever its shape, without touching prototypes. */
export function readFormField(form: FormInput | undefined, name: string): unknown {
  if (!form || typeof form !== 'object') return undefined;
  // The parsers' prototype-free objects and JSON's plain ones first: the usual body.
  const proto = Object.getPrototypeOf(form);
  if (proto === null || proto === Object.prototype) {
    return Object.hasOwn(form, name) ? (form as Record<string, unknown>)[name] : undefined;
  }
  if (typeof URLSearchParams !== 'undefined' && form instanceof URLSearchParams) {
    const all = form.getAll(name);
    return all.length > 1 ? all : all[0];
  }
  if (typeof FormData !== 'undefined' && form instanceof FormData) {
    const all = form.getAll(name).filter((v): v is string => typeof v === 'string');
    return all.length > 1 ? all : all[0];
  }
  if (form instanceof Map) return form.get(name);
  return Object.hasOwn(form, name) ? (form as Record<string, unknown>)[name] : undefined;
}

/** Validates and normalises the visitor IP: IPv4, IPv6, and IPv4-mapped IPv6 as plain IPv4. */
export function normaliseIp(value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new SubmissionError(
      'ip',
      'the visitor IP is required (take it from your framework, e.g. request.ip)',
    );
  }
  let ip = value.trim();
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  const mapped = ip.startsWith('::') ? /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip) : null;
  if (mapped?.[1]) ip = mapped[1];
  if (isIPv4(ip)) return ip;
  // A link-local IPv6 peer may come with its zone (`fe80::1%eth0`), which only names an interface
  // of this host: the address is sent without it.
  const zone = ip.indexOf('%');
  if (zone > 0 && /^[\w.-]{1,64}$/.test(ip.slice(zone + 1))) ip = ip.slice(0, zone);
  else if (zone >= 0) ip = '';
  if (isIPv6(ip)) return ip.toLowerCase();
  throw new SubmissionError(
    'ip',
    `expected an IPv4 or IPv6 address, got ${JSON.stringify(value.slice(0, 60))}`,
  );
}

/** Four dot-separated numbers 0–255, written without leading zeros; read in one pass. */
function isIPv4(ip: string): boolean {
  let parts = 0;
  let digits = 0;
  let value = 0;
  for (let i = 0; i <= ip.length; i++) {
    // The end of the text closes the last number like a dot.
    const code = i < ip.length ? ip.charCodeAt(i) : DOT;
    if (code === DOT) {
      if (digits === 0 || value > 255 || ++parts > 4) return false;
      digits = 0;
      value = 0;
    } else if (code >= ZERO && code <= ZERO + 9) {
      if ((digits > 0 && value === 0) || ++digits > 3) return false;
      value = value * 10 + (code - ZERO);
    } else return false;
  }
  return parts === 4;
}

const DOT = 0x2e;
const ZERO = 0x30;

function isIPv6(ip: string): boolean {
  if (ip.length > 45 || !/^[0-9a-f:.]+$/i.test(ip) || !ip.includes(':')) return false;
  try {
    // The WHATWG URL parser implements the full IPv6 grammar; works in every runtime.
    return new URL(`http://[${ip}]/`).hostname.length > 2;
  } catch {
    return false;
  }
}
