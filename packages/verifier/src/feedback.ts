import { LICENCE_CODES, splitCodes, toNumber } from './check/answer.js';
import {
  ConnectionError,
  CtProtectedFormError,
  LicenceError,
  OptionsError,
  ResponseError,
} from './errors.js';
import { describe } from './options.js';
import { redactError } from './redact.js';
import { callJson } from './transport/call-json.js';
import type { ConnectionPool } from './transport/connection-pool.js';
import type { Transport } from './transport/transport.js';
import { AGENT } from './version.js';

/** One decision to report back to CleanTalk. */
export interface FeedbackItem {
  /** The verdict's `requestId` (32 hex characters). */
  requestId: string;
  /** `true`: it was spam (CleanTalk should have blocked it); `false`: it was fine. */
  spam: boolean;
}

/** Options of `verifier.sendFeedback()`. */
export interface FeedbackOptions {
  /**
   * Items per call.
   * @default 100
   */
  batchSize?: number;
  /** Stops sending: the method rejects with the signal's reason once the call in flight ends. */
  signal?: AbortSignal;
}

/** An item that was not sent. */
export interface RejectedFeedback {
  /** Position in the list given. */
  index: number;
  /** What was wrong with it. */
  problem: string;
}

/**
 * What CleanTalk took. When a call failed, `error` says why and the items of the calls not made
 * are not counted in `sent`.
 */
export interface FeedbackResult {
  /** Items sent in calls CleanTalk answered. */
  sent: number;
  /** Items CleanTalk reported as received (`received`). */
  received: number;
  /** Items not sent because they were ill-formed. */
  rejected: RejectedFeedback[];
  /** Every well-formed item was sent and answered. */
  complete: boolean;
  error?: CtProtectedFormError;
}

/** What `sendFeedback` needs from the verifier's options. */
export interface FeedbackContext {
  authKey: string;
  endpoint: URL;
  transport: Transport;
  timeoutMs: number;
  retries: number;
  /** Shares the checks' bound on calls in flight. */
  pool?: ConnectionPool;
}

const REQUEST_ID = /^[0-9a-f]{32}$/i;
const MAX_BATCH = 1000;
const WHAT = 'CleanTalk send_feedback';

/**
 * Tells CleanTalk which of its decisions were right or wrong (`send_feedback`,
 * `feedback=<id>:1;<id>:0;` where 1 means "it was fine" and 0 "it was spam"). Ill-formed items are
 * reported in `rejected`, upstream failures in `error`: it never throws for either.
 */
export async function sendFeedback(
  context: FeedbackContext,
  items: readonly FeedbackItem[],
  options: FeedbackOptions = {},
): Promise<FeedbackResult> {
  if (!Array.isArray(items)) {
    throw new TypeError(`sendFeedback expects an array of { requestId, spam }, got ${describe(items)}`);
  }
  const batchSize = options.batchSize ?? 100;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH) {
    throw new OptionsError(
      'batchSize',
      `expected a whole number from 1 to ${MAX_BATCH}, got ${describe(batchSize)}`,
    );
  }
  const { signal } = options;
  signal?.throwIfAborted();

  const valid: string[] = [];
  const rejected: RejectedFeedback[] = [];
  items.forEach((item, index) => {
    const problem = feedbackProblem(item);
    if (problem) rejected.push({ index, problem });
    else valid.push(`${item.requestId.toLowerCase()}:${item.spam ? 0 : 1}`);
  });

  const result: FeedbackResult = { sent: 0, received: 0, rejected, complete: true };
  for (let start = 0; start < valid.length; start += batchSize) {
    const batch = valid.slice(start, start + batchSize);
    try {
      const body = await callJson({
        transport: context.transport,
        url: context.endpoint,
        method: 'POST',
        body: JSON.stringify({
          method_name: 'send_feedback',
          auth_key: context.authKey,
          agent: AGENT,
          feedback: `${batch.join(';')};`,
        }),
        timeoutMs: context.timeoutMs,
        retries: context.retries,
        what: WHAT,
        signal,
        pool: context.pool,
      });
      result.received += readReceived(body);
      result.sent += batch.length;
    } catch (error) {
      signal?.throwIfAborted();
      // A custom fetch may quote the request it failed to send, and CleanTalk may echo it: key included.
      result.error = redactError(
        error instanceof CtProtectedFormError && error.name !== 'CtProtectedFormError'
          ? error
          : new ConnectionError(WHAT, error),
        context.authKey,
      ) as CtProtectedFormError;
      result.complete = false;
      break;
    }
  }
  return result;
}

function feedbackProblem(item: unknown): string | undefined {
  if (!item || typeof item !== 'object') return 'expected an object { requestId, spam }';
  const { requestId, spam } = item as Partial<FeedbackItem>;
  if (typeof requestId !== 'string' || !REQUEST_ID.test(requestId)) {
    return 'requestId must be a CleanTalk request id (32 hex characters)';
  }
  if (typeof spam !== 'boolean') return 'spam must be true or false';
  return undefined;
}

/** Reads `received` from the answer; licence codes and error answers become typed errors. */
function readReceived(body: unknown): number {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new ResponseError(WHAT, 'expected a JSON object');
  const raw = body as Record<string, unknown>;
  const licence = splitCodes(raw.codes).find((code) => (LICENCE_CODES as readonly string[]).includes(code));
  if (licence) throw new LicenceError(licence);
  const received = toNumber(raw.received);
  if (received === undefined) {
    const message = typeof raw.error_message === 'string' ? `: ${raw.error_message.slice(0, 200)}` : '';
    throw new ResponseError(WHAT, `the "received" field is missing${message}`);
  }
  return received;
}
