const REDACTED = '[redacted]';

/**
 * Removes the access key from a text CleanTalk sent back: a server that quotes the request it got
 * (in a record's country, an error, a date) must not get the key into an output file or a terminal.
 * Covers the key as sent, URL-encoded, and form-encoded.
 */
export function redactKey(text: string, key: string): string {
  let result = text;
  for (const form of new Set([
    key,
    encodeURIComponent(key),
    new URLSearchParams({ k: key }).toString().slice(2),
  ])) {
    if (form !== '' && result.includes(form)) result = result.split(form).join(REDACTED);
  }
  return result;
}

/** A row with `redact` applied to every text value. */
export function redactRow<R extends Record<string, unknown>>(row: R, redact: (text: string) => string): R {
  const copy: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(row))
    copy[name] = typeof value === 'string' ? redact(value) : value;
  return copy as R;
}
