import { toNumber } from '../check/answer.js';
import { ApiError, ResponseError } from '../errors.js';
import { redactAnswer, redactError, redactText } from '../redact.js';
import { callJson } from '../transport/call-json.js';
import type { Transport } from '../transport/transport.js';

/** The database API methods this library calls. */
export type DatabaseMethod = 'spam_check' | 'ip_info' | 'notice_paid_till';

/** What every database call needs from the verifier's options. */
export interface DatabaseContext {
  authKey: string;
  endpoint: URL;
  transport: Transport;
  /** Extra attempts after a connection-level failure. */
  retries: number;
}

export interface DatabaseRequest {
  method: DatabaseMethod;
  /** Records sent in the form body as `data=a,b,c` (a POST); without them the call is a GET. */
  data?: readonly string[];
  /** Extra query parameters, e.g. `date`. */
  params?: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

/** The `error_no` CleanTalk answers when the calls-per-minute limit is reached. */
export const RATE_LIMIT_ERROR = 10;

/**
 * Makes one database API call and returns the answer object. Throws a `CtProtectedFormError`
 * (`ApiError` for an `error_no` answer) whose message, stack and cause never hold the access key,
 * which this API takes in the URL; throws the signal's reason when `signal` aborts.
 */
export async function callDatabase(
  context: DatabaseContext,
  request: DatabaseRequest,
): Promise<Record<string, unknown>> {
  const what = `CleanTalk ${request.method}`;
  const url = new URL(context.endpoint);
  url.searchParams.set('method_name', request.method);
  url.searchParams.set('auth_key', context.authKey);
  for (const [name, value] of Object.entries(request.params ?? {})) url.searchParams.set(name, value);

  const external = request.signal;
  external?.throwIfAborted();
  let body: unknown;
  try {
    body = await callJson({
      transport: context.transport,
      url,
      method: request.data ? 'POST' : 'GET',
      body: request.data ? new URLSearchParams({ data: request.data.join(',') }) : undefined,
      timeoutMs: request.timeoutMs,
      retries: context.retries,
      idempotent: true,
      what,
      signal: external,
    });
  } catch (error) {
    external?.throwIfAborted();
    throw redactError(error, context.authKey);
  }

  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new ResponseError(what, 'expected a JSON object');
  }
  const answer = redactAnswer(body, context.authKey) as Record<string, unknown>;
  if (answer.error_no !== undefined || typeof answer.error_message === 'string') {
    const errorNo = toNumber(answer.error_no) ?? 0;
    const message = typeof answer.error_message === 'string' ? answer.error_message : 'no message';
    throw new ApiError(what, errorNo, redactText(message.slice(0, 300), context.authKey));
  }
  return answer;
}
