import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** What reading a request body gave. */
export type BodyResult = { kind: 'ok'; text: string } | { kind: 'too-large' } | { kind: 'aborted' };

/** Past this much, an oversized body is no longer drained but the connection dropped. */
const DRAIN_LIMIT = 64 * 1024 * 1024;

/**
 * Reads a request body as UTF-8 text, keeping at most `maxBytes`. An oversized body is drained
 * (so the client can read the 413 that follows) but not kept.
 */
export function readBody(request: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
      else if (size > DRAIN_LIMIT) request.destroy();
    });
    request.on('end', () => {
      resolve(
        size > maxBytes
          ? { kind: 'too-large' }
          : { kind: 'ok', text: Buffer.concat(chunks).toString('utf8') },
      );
    });
    request.on('error', () => resolve({ kind: 'aborted' }));
    request.on('close', () => {
      if (!request.complete) resolve({ kind: 'aborted' });
    });
  });
}

/** Parses a JSON text, `undefined` when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * A body as it is recorded: the parsed JSON, the form fields, or the raw text; `undefined` when
 * the request had no body.
 */
export function recordedBody(text: string, contentType: string | undefined): unknown {
  if (text === '') return undefined;
  const json = parseJson(text);
  // JSON nested past what JSON.stringify can write back is kept as its text.
  if (json !== undefined) return nestingDepth(json) > MAX_RECORDED_DEPTH ? text : json;
  if (contentType?.toLowerCase().includes('application/x-www-form-urlencoded')) return formFields(text);
  return text;
}

/** The deepest JSON nesting the recorder keeps parsed (`GET /__devserver/requests` writes it back). */
const MAX_RECORDED_DEPTH = 1_000;

/** How deeply arrays and objects nest in a parsed JSON value, counted without recursion. */
function nestingDepth(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  for (let entry = stack.pop(); entry; entry = stack.pop()) {
    const [item, depth] = entry;
    if (typeof item !== 'object' || item === null) continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > MAX_RECORDED_DEPTH) return deepest;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** The fields of a form-encoded text; the last value wins for a repeated name. */
export function formFields(text: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(text));
}

/** Sends a complete answer with an exact Content-Length (keep-alive friendly). */
export function send(
  response: ServerResponse,
  status: number,
  body: string,
  contentType: string,
  headers: OutgoingHttpHeaders = {},
): void {
  if (response.headersSent || response.destroyed) return;
  const buffer = Buffer.from(body, 'utf8');
  response.writeHead(status, { ...headers, 'content-type': contentType, 'content-length': buffer.length });
  response.end(buffer);
}

/** Sends a JSON answer. */
export function sendJson(
  response: ServerResponse,
  status: number,
  value: unknown,
  headers: OutgoingHttpHeaders = {},
): void {
  send(response, status, JSON.stringify(value), 'application/json; charset=utf-8', headers);
}

/** Headers that let any page call an endpoint or load a script from here. */
export const CORS_HEADERS: OutgoingHttpHeaders = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'content-type',
  'access-control-max-age': '600',
};
