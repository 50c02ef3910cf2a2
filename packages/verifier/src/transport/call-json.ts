import { ConnectionError, HttpStatusError, ResponseError, TimeoutError } from '../errors.js';
import type { ConnectionPool } from './connection-pool.js';
import { type Transport, type TransportAnswer, TransportError } from './transport.js';

/** How one JSON call to CleanTalk is made. */
export interface JsonCall {
  transport: Transport;
  url: URL;
  method: 'GET' | 'POST';
  /** A JSON body (real-time API) or a form body (database API). */
  body?: string | URLSearchParams;
  timeoutMs: number;
  retries: number;
  /** What is being attempted, for error messages: "CleanTalk check_message". */
  what: string;
  /** Cancels the call like its deadline does (the caller then throws the signal's reason). */
  signal?: AbortSignal | undefined;
  /** Bounds calls in flight; a call waits for a slot within its own deadline. */
  pool?: ConnectionPool | undefined;
  /**
   * Runs once the call has its slot, just before it goes out; throwing stops it there (a circuit
   * breaker that opened while the call waited in line).
   */
  admit?: () => void;
  /**
   * Told how the call that went out ended (an error, or `undefined` for a JSON answer), before
   * its slot passes to the next call in line: a circuit breaker then sees a failure before the
   * next call asks it.
   */
  settled?: (error: unknown) => void;
  /**
   * Sending the call twice does no harm (a database lookup), so a call that may have arrived is
   * retried too. Checks and feedback are not: only a request that cannot have arrived goes again.
   */
  idempotent?: boolean;
}

/** Connection errors after which the request cannot have reached the server. */
const unsent = new WeakSet<Error>();

/** Answers larger than this are not CleanTalk answers. */
const MAX_RESPONSE_BYTES = 1 << 20;

/**
 * Makes one call and returns the parsed JSON answer. Answers or throws a `CtProtectedFormError`
 * within `timeoutMs` whatever the network or a custom `fetch` does: the deadline is a timer of its
 * own, not a promise that the transport may never settle.
 */
export async function callJson(call: JsonCall): Promise<unknown> {
  const cancellation = new Cancellation();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new TimeoutError(call.what, call.timeoutMs));
      cancellation.cancel();
    }, call.timeoutMs);
  });
  const cancel = () => cancellation.cancel();
  if (call.signal?.aborted) cancel();
  call.signal?.addEventListener('abort', cancel, { once: true });
  const attempts = attemptWithRetries(call, cancellation);
  // The loser of the race must never become an unhandled rejection.
  attempts.catch(() => {});
  try {
    return await Promise.race([attempts, deadline]);
  } finally {
    clearTimeout(timer);
    call.signal?.removeEventListener('abort', cancel);
  }
}

/** Cancels the attempts at the deadline, or when the caller's signal aborts. */
class Cancellation {
  readonly #controller = new AbortController();
  readonly signal = this.#controller.signal;

  get aborted(): boolean {
    return this.signal.aborted;
  }

  /** Called by the connection pool's queue: the last hook given runs once, at cancellation. */
  onCancel(hook: () => void): void {
    this.#hook = hook;
  }
  #hook: (() => void) | undefined;

  cancel(): void {
    this.#controller.abort();
    const hook = this.#hook;
    this.#hook = undefined;
    hook?.();
  }
}

async function attemptWithRetries(call: JsonCall, cancellation: Cancellation): Promise<unknown> {
  for (let attempt = 0; ; attempt++) {
    const release = call.pool
      ? await call.pool.acquire(cancellation, () => new TimeoutError(call.what, call.timeoutMs))
      : undefined;
    let admitted = attempt > 0;
    try {
      if (!admitted) {
        call.admit?.();
        admitted = true;
      }
      const text = await send(call, cancellation);
      const answer = parseAnswer(text, call);
      call.settled?.(undefined);
      return answer;
    } catch (error) {
      // Only a request that cannot have arrived is sent again: never the same check twice.
      const retry =
        error instanceof ConnectionError &&
        (unsent.has(error) || call.idempotent === true) &&
        attempt < call.retries &&
        !cancellation.aborted;
      if (!retry) {
        if (admitted) call.settled?.(error);
        throw error;
      }
    } finally {
      release?.();
    }
  }
}

function requestHeaders(call: JsonCall): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (typeof call.body === 'string') headers['content-type'] = 'application/json';
  else if (call.body) headers['content-type'] = 'application/x-www-form-urlencoded;charset=UTF-8';
  return headers;
}

async function send(call: JsonCall, cancellation: Cancellation): Promise<string> {
  if (cancellation.aborted) throw new TimeoutError(call.what, call.timeoutMs);
  let answer: TransportAnswer;
  try {
    answer = await call.transport({
      url: call.url,
      method: call.method,
      headers: requestHeaders(call),
      body: call.body === undefined ? undefined : String(call.body),
      signal: cancellation.signal,
      maxBytes: MAX_RESPONSE_BYTES,
    });
  } catch (error) {
    if (cancellation.aborted) throw new TimeoutError(call.what, call.timeoutMs);
    const kind = error instanceof TransportError ? error.kind : 'connection';
    if (kind === 'too-large') throw tooLarge(call);
    if (kind === 'body') throw closedMidBody(call);
    const failure = new ConnectionError(call.what, error instanceof TransportError ? error.cause : error);
    if (kind === 'unsent') unsent.add(failure);
    throw failure;
  }
  if (answer.status < 200 || answer.status > 299)
    throw new HttpStatusError(call.what, answer.status, call.url);
  return answer.text;
}

function parseAnswer(text: string, call: JsonCall): unknown {
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

const tooLarge = (call: JsonCall) =>
  new ResponseError(call.what, `the body was larger than ${MAX_RESPONSE_BYTES} bytes`);
const closedMidBody = (call: JsonCall) =>
  new ResponseError(call.what, 'the connection closed before the body was complete');

function looksTruncated(text: string): boolean {
  const trimmed = text.trim();
  return /^[[{]/.test(trimmed) && !/[\]}]$/.test(trimmed);
}
