import {
  ConnectionError,
  CtProtectedFormError,
  HttpStatusError,
  ResponseError,
  TimeoutError,
} from './errors.js';

/** How one JSON call to CleanTalk is made. */
export interface JsonCall {
  fetch: typeof globalThis.fetch;
  url: URL;
  method: 'GET' | 'POST';
  /** A JSON body (real-time API) or a form body (database API). */
  body?: string | URLSearchParams;
  timeoutMs: number;
  retries: number;
  /** What is being attempted, for error messages: "CleanTalk check_message". */
  what: string;
}

/** Answers larger than this are not CleanTalk answers. */
const MAX_RESPONSE_BYTES = 1 << 20;

/**
 * Makes one call and returns the parsed JSON answer. Answers or throws a {@link CtProtectedFormError}
 * within `timeoutMs` whatever the network or a custom `fetch` does: the deadline is a timer of its
 * own, not a promise that the transport may never settle.
 */
export async function callJson(call: JsonCall): Promise<unknown> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new TimeoutError(call.what, call.timeoutMs));
      controller.abort();
    }, call.timeoutMs);
  });
  const attempts = attemptWithRetries(call, controller.signal);
  // The loser of the race must never become an unhandled rejection.
  attempts.catch(() => {});
  try {
    return await Promise.race([attempts, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

async function attemptWithRetries(call: JsonCall, signal: AbortSignal): Promise<unknown> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await attemptOnce(call, signal);
    } catch (error) {
      // Only a failed connection is worth another try: a kept-alive socket the server had closed.
      const retry = error instanceof ConnectionError && attempt < call.retries && !signal.aborted;
      if (!retry) throw error;
    }
  }
}

async function attemptOnce(call: JsonCall, signal: AbortSignal): Promise<unknown> {
  let response: Response;
  try {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (typeof call.body === 'string') headers['content-type'] = 'application/json';
    response = await call.fetch(call.url, { method: call.method, headers, body: call.body, signal });
  } catch (error) {
    if (signal.aborted) throw new TimeoutError(call.what, call.timeoutMs);
    throw new ConnectionError(call.what, error);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    throw new HttpStatusError(call.what, response.status);
  }
  const text = await readText(response, call, signal);
  if (text.trim() === '') throw new ResponseError(call.what, 'the body was empty');
  try {
    return JSON.parse(text);
  } catch {
    throw new ResponseError(
      call.what,
      looksTruncated(text) ? 'the JSON was truncated' : 'the body was not JSON',
    );
  }
}

async function readText(response: Response, call: JsonCall, signal: AbortSignal): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (bytes > MAX_RESPONSE_BYTES) {
        await reader.cancel().catch(() => {});
        throw new ResponseError(call.what, `the body was larger than ${MAX_RESPONSE_BYTES} bytes`);
      }
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    if (error instanceof CtProtectedFormError) throw error;
    if (signal.aborted) throw new TimeoutError(call.what, call.timeoutMs);
    // The connection broke in the middle of the body.
    throw new ResponseError(call.what, 'the connection closed before the body was complete');
  }
  return text + decoder.decode();
}

function looksTruncated(text: string): boolean {
  const trimmed = text.trim();
  return /^[[{]/.test(trimmed) && !/[\]}]$/.test(trimmed);
}
