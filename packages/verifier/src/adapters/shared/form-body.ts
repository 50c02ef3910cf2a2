import { LIMITS } from '../../check/submission.js';
import { RequestError } from './request-error.js';

/** One value of a parsed form: text, or an uploaded file (multipart). */
export type FormValue = string | File;

/**
 * A parsed form body: a prototype-free object (so `__proto__` or `constructor` are plain field
 * names); a repeated field becomes an array, in order.
 */
export type FormFields = Record<string, FormValue | FormValue[]>;

/** The media type of a `Content-Type` header, lower case, without parameters. */
export function mediaType(contentType: string | undefined | null): string {
  return (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
}

export const URLENCODED = 'application/x-www-form-urlencoded';
export const MULTIPART = 'multipart/form-data';

/** True for the form encodings adapters parse themselves. */
export function isFormMediaType(contentType: string | undefined | null): boolean {
  const type = mediaType(contentType);
  return type === URLENCODED || type === MULTIPART;
}

/** Parses `application/x-www-form-urlencoded` text. */
export function parseUrlEncoded(text: string): FormFields {
  return collect(new URLSearchParams(text));
}

/** Parses a `multipart/form-data` body with the runtime's own parser (`Response#formData`). */
export async function parseMultipart(body: Uint8Array, contentType: string): Promise<FormFields> {
  if (!/;\s*boundary=/i.test(contentType)) {
    throw new RequestError('CT_BAD_BODY', 400, 'The multipart/form-data body has no boundary.');
  }
  let form: FormData;
  try {
    form = await new Response(body as Uint8Array<ArrayBuffer>, {
      headers: { 'content-type': contentType },
    }).formData();
  } catch (error) {
    throw new RequestError('CT_BAD_BODY', 400, 'The multipart/form-data body is malformed.', {
      cause: error,
    });
  }
  return collect(form);
}

/**
 * Parses a urlencoded or multipart body. Throws a {@link RequestError}: 415 for another media type,
 * 400 when malformed, 413 for more than 1000 values.
 */
export async function parseFormBody(body: Uint8Array, contentType: string): Promise<FormFields> {
  const type = mediaType(contentType);
  if (type === URLENCODED) {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(body);
    } catch (error) {
      throw new RequestError('CT_BAD_BODY', 400, 'The form body is not valid UTF-8.', { cause: error });
    }
    return parseUrlEncoded(text);
  }
  if (type === MULTIPART) return parseMultipart(body, contentType);
  throw new RequestError(
    'CT_UNSUPPORTED_MEDIA_TYPE',
    415,
    `Unsupported Content-Type ${JSON.stringify(type.slice(0, 100))}; expected ${URLENCODED} or ${MULTIPART}.`,
  );
}

function collect(entries: URLSearchParams | FormData): FormFields {
  const fields: FormFields = Object.create(null);
  let count = 0;
  for (const [name, value] of entries) {
    if (++count > LIMITS.formFields) {
      throw new RequestError(
        'CT_TOO_MANY_FIELDS',
        413,
        `The form has more than ${LIMITS.formFields} values.`,
      );
    }
    const previous = fields[name];
    if (previous === undefined) fields[name] = value;
    else if (Array.isArray(previous)) previous.push(value);
    else fields[name] = [previous, value];
  }
  return fields;
}
