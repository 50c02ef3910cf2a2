import { ConnectionError, HttpStatusError, ResponseError, TimeoutError } from '../errors.js';
import type { ConnectionPool } from './connection-pool.js';
import { type Transport, type TransportAnswer, TransportError, type TransportRequest } from './transport.js';

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
export function callJson(call: JsonCall): Promise<unknown> {
  const cancellation = new Cancellation();
  return new Promise((resolve, reject) => {
    const cancel = () => cancellation.cancel();
    const timer = setTimeout(() => {
      reject(new TimeoutError(call.what, call.timeoutMs));
      cancel();
    }, call.timeoutMs);
    const { signal } = call;
    if (signal) {
      if (signal.aborted) cancel();
      signal.addEventListener('abort', cancel, { once: true });
    }
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', cancel);
    };
    // After the deadline these settle a promise already rejected: never an unhandled rejection.
    attemptWithRetries(call, cancellation).then(
      (answer) => {
        done();
        resolve(answer);
      },
      (error: unknown) => {
        done();
        reject(error);
      },
    );
  });
}

/**
 * Cancels the attempts at the deadline, or when the caller's signal aborts. A call that is never
 * cancelled creates no `AbortController`: the kept-alive Node client takes a hook instead (an
 * `AbortSignal` and its listener cost more than the rest of the call's bookkeeping); a `fetch`
 * asks for `signal` and gets one, aborted already if the call was.
 */
class Cancellation {
  #controller: AbortController | undefined;
  #hook: (() => void) | undefined;
  aborted = false;

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.aborted) this.#controller.abort();
    }
    return this.#controller.signal;
  }

  /**
   * The connection pool's queue and the Node client register here: the last hook given runs
   * once, at cancellation; given after it, it runs at once.
   */
  onCancel(hook: () => void): void {
    if (this.aborted) hook();
    else this.#hook = hook;
  }

  cancel(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.#controller?.abort();
    const hook = this.#hook;
    this.#hook = undefined;
    hook?.();
  }
}

/** What a transport is handed for one attempt: the call, with the cancellation's signal made on demand. */
class Attempt implements TransportRequest {
  readonly url: URL;
  readonly method: 'GET' | 'POST';
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
  readonly maxBytes = MAX_RESPONSE_BYTES;
  readonly #cancellation: Cancellation;

  constructor(call: JsonCall, cancellation: Cancellation) {
    this.url = call.url;
    this.method = call.method;
    this.headers = requestHeaders(call);
    this.body = call.body === undefined ? undefined : String(call.body);
    this.#cancellation = cancellation;
  }

  get signal(): AbortSignal {
    return this.#cancellation.signal;
  }

  onCancel(hook: () => void): void {
    this.#cancellation.onCancel(hook);
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

/** The request headers of each kind of call, shared: transports copy them before adding any. */
const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  accept: 'application/json',
  'content-type': 'application/json',
});
const FORM_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  accept: 'application/json',
  'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
});
const NO_BODY_HEADERS: Readonly<Record<string, string>> = Object.freeze({ accept: 'application/json' });

function requestHeaders(call: JsonCall): Record<string, string> {
  if (typeof call.body === 'string') return JSON_HEADERS;
  return call.body ? FORM_HEADERS : NO_BODY_HEADERS;
}

async function send(call: JsonCall, cancellation: Cancellation): Promise<string> {
  if (cancellation.aborted) throw new TimeoutError(call.what, call.timeoutMs);
  let answer: TransportAnswer;
  try {
    answer = await call.transport(new Attempt(call, cancellation));
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
