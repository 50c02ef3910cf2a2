import { type FormFields, isFormMediaType, mediaType, parseFormBody, RequestError } from '../shared/index.js';
import { readRequestBody } from './read-body.js';

/** The fields of a `Request`: a form (urlencoded or multipart) or a JSON object. */
export async function parseRequest(request: Request, limit: number): Promise<Record<string, unknown>> {
  const contentType = request.headers.get('content-type') ?? '';
  const body = await readRequestBody(request, limit);
  if (body.byteLength === 0) return Object.create(null) as FormFields;
  if (isFormMediaType(contentType)) return parseFormBody(body, contentType);
  const type = mediaType(contentType);
  if (type === 'application/json' || type.endsWith('+json')) return parseJsonObject(body);
  throw new RequestError(
    'CT_UNSUPPORTED_MEDIA_TYPE',
    415,
    `Unsupported Content-Type ${JSON.stringify(type.slice(0, 100))}; expected a form or a JSON object.`,
  );
}

function parseJsonObject(body: Uint8Array<ArrayBuffer>): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body), (key, item) => {
      // As Fastify does: a `__proto__` key is an attack on whoever merges the body later.
      if (key === '__proto__') throw new SyntaxError('__proto__ key');
      return item;
    });
  } catch (error) {
    throw new RequestError('CT_BAD_BODY', 400, 'The JSON body is malformed.', { cause: error });
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new RequestError('CT_BAD_BODY', 400, 'The JSON body must be an object.');
  }
  return value as Record<string, unknown>;
}
