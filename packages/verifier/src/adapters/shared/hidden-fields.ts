import { FIELD_NAMES } from '@ct-protected-form/fields';

/** The contract's hidden fields taken out of a body: what the verifier reads as `form`. */
export type HiddenFields = Record<string, unknown>;

/**
 * Moves the contract's hidden fields (`ct_*`) out of a parsed body into a new object, so the route
 * handler never sees them. Works on plain objects, `URLSearchParams`, `FormData` and `Map`;
 * anything else (no body, a JSON array or string) yields no hidden fields and is left alone.
 */
export function takeHiddenFields(body: unknown): HiddenFields {
  const hidden: HiddenFields = Object.create(null);
  if (!body || typeof body !== 'object' || Array.isArray(body)) return hidden;
  if (body instanceof URLSearchParams || (typeof FormData !== 'undefined' && body instanceof FormData)) {
    for (const name of FIELD_NAMES) {
      const values = body.getAll(name);
      if (values.length === 0) continue;
      hidden[name] = values.length > 1 ? values : values[0];
      body.delete(name);
    }
    return hidden;
  }
  if (body instanceof Map) {
    for (const name of FIELD_NAMES) {
      if (!body.has(name)) continue;
      hidden[name] = body.get(name);
      body.delete(name);
    }
    return hidden;
  }
  const record = body as Record<string, unknown>;
  for (const name of FIELD_NAMES) {
    if (!Object.hasOwn(record, name)) continue;
    hidden[name] = record[name];
    delete record[name];
  }
  return hidden;
}
