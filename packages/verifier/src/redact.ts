import { safeString } from './check/safe-string.js';

const REDACTED = '[redacted]';
const QUERY_KEY = /(auth_key=)[^&\s"'<>]*/gi;

/**
 * Removes an access key from a text: every literal occurrence, its URL-encoded forms, and any
 * `auth_key=` query value (the database API takes the key in the URL, and transports like to quote
 * the URL they failed to reach).
 */
export function redactText(text: string, secret: string): string {
  // Without an "=" there is no query value to look for: the usual answer code or reason.
  let result = text.includes('=') ? text.replace(QUERY_KEY, `$1${REDACTED}`) : text;
  for (const form of secretForms(secret)) {
    if (result.includes(form)) result = result.split(form).join(REDACTED);
  }
  return result;
}

/** The spellings of the key a text may hold, worked out once per key: checks redact on every answer. */
let formsOf: { secret: string; forms: string[] } | undefined;
function secretForms(secret: string): string[] {
  if (formsOf?.secret !== secret) {
    const forms = new Set([
      secret,
      encodeURIComponent(secret),
      new URLSearchParams({ k: secret }).toString().slice(2),
    ]);
    forms.delete('');
    formsOf = { secret, forms: [...forms] };
  }
  return formsOf.forms;
}

/** Past this depth a database answer holds nothing this library reads: deeper values become `null`. */
const MAX_ANSWER_DEPTH = 16;

/**
 * A parsed database answer with the key redacted from every string in it, property names
 * included: an answer that echoes the request must not hand the key on to a report or a file.
 */
export function redactAnswer(value: unknown, secret: string, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value, secret);
  if (!value || typeof value !== 'object') return value;
  if (depth >= MAX_ANSWER_DEPTH) return null;
  if (Array.isArray(value)) return value.map((item) => redactAnswer(item, secret, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    // defineProperty: a key named "__proto__" stays a plain key of the copy.
    Object.defineProperty(copy, redactText(key, secret), {
      value: redactAnswer(item, secret, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

/**
 * Makes an error safe to log, print or serialise: its message, stack and own string properties,
 * and its `cause` chain (replaced by plain copies of redacted name, message and code). Returns the
 * same error object when it is an `Error`, a new `Error` otherwise.
 */
export function redactError<E>(error: E, secret: string): E | Error {
  if (!(error instanceof Error)) return new Error(redactText(safeString(error), secret));
  scrub(error, secret, 0);
  return error;
}

function scrub(error: Error, secret: string, depth: number): void {
  for (const key of Object.getOwnPropertyNames(error)) {
    if (key === 'cause') continue;
    const descriptor = Object.getOwnPropertyDescriptor(error, key);
    if (descriptor && typeof descriptor.value === 'string' && descriptor.writable) {
      (error as unknown as Record<string, string>)[key] = redactText(descriptor.value, secret);
    }
  }
  // `stack` repeats the message and is an accessor in some engines.
  if (typeof error.stack === 'string') error.stack = redactText(error.stack, secret);
  if (!Object.hasOwn(error, 'cause')) return;
  const cause = (error as { cause?: unknown }).cause;
  Object.defineProperty(error, 'cause', {
    value: depth < 4 ? safeCopy(cause, secret, depth) : undefined,
    writable: true,
    enumerable: false,
    configurable: true,
  });
}

/** A plain `Error` standing for `cause`, with nothing but redacted text in it. */
function safeCopy(cause: unknown, secret: string, depth: number): Error | undefined {
  if (cause === undefined || cause === null) return undefined;
  if (!(cause instanceof Error)) return new Error(redactText(safeString(cause), secret));
  const copy = new Error(redactText(cause.message, secret));
  copy.name = cause.name;
  copy.stack = `${copy.name}: ${copy.message}`;
  const code = (cause as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') {
    Object.assign(copy, { code: typeof code === 'string' ? redactText(code, secret) : code });
  }
  if (Object.hasOwn(cause, 'cause')) {
    const inner = (cause as { cause?: unknown }).cause;
    Object.defineProperty(copy, 'cause', {
      value: depth < 3 ? safeCopy(inner, secret, depth + 1) : undefined,
      writable: true,
      enumerable: false,
      configurable: true,
    });
  }
  return copy;
}
