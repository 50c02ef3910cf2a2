/**
 * Reads the named text fields of a parsed body: trimmed strings, `''` when absent or not text.
 * Lone surrogates (which a JSON body can carry, unlike a form) become U+FFFD, as a form parser
 * makes them: the text stored is the text shown.
 */
export function readFields<K extends string>(body: unknown, names: readonly K[]): Record<K, string> {
  const source = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const values = {} as Record<K, string>;
  for (const name of names) {
    const value = Object.hasOwn(source, name) ? source[name] : undefined;
    const first = Array.isArray(value) ? value[0] : value;
    values[name] = typeof first === 'string' ? first.toWellFormed().trim() : '';
  }
  return values;
}

/** What is wrong with a name/email/message, or `undefined`. Checked before CleanTalk is asked. */
export function validateFields(values: {
  name?: string;
  email?: string;
  message?: string;
}): string | undefined {
  if (values.name !== undefined && (values.name === '' || values.name.length > 100)) {
    return 'Please enter your name (up to 100 characters).';
  }
  if (values.email !== undefined && !/^[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@]{2,63}$/.test(values.email)) {
    return 'Please enter a valid email address.';
  }
  if (values.message !== undefined && (values.message === '' || values.message.length > 5000)) {
    return 'Please write a comment (up to 5000 characters).';
  }
  return undefined;
}
