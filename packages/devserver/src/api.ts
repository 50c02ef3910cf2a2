import { randomBytes } from 'node:crypto';
import { canonicalIp } from './rules.js';
import { decide, licenceComment, licenceProblem, type VerdictContext } from './verdict.js';

/** Server version reported in every real-time answer. */
export const API_VERSION = '7.47';

/** Error numbers of the real-time API's error answers (HTTP 200, like a JSON API). */
export const API_ERRORS = {
  invalidJson: { error_no: 1, error_message: 'Request body is not a valid JSON object.' },
  missingMethod: { error_no: 2, error_message: 'Parameter method_name is missing.' },
  unknownMethod: { error_no: 3, error_message: 'Unknown method_name.' },
} as const;

/** Everything the real-time API needs besides the request body. */
export interface ApiContext extends VerdictContext {
  stringNumbers: boolean;
  now: () => number;
  activity: IpActivity;
}

type Answer = Record<string, unknown>;

const HOUR = 3_600_000;

/**
 * Remembers when each sender IP was last seen by check_bot, for the `ip_frequency_*` figures.
 * Bounded: at most `maxIps` addresses and `maxHits` timestamps each, oldest first out.
 */
export class IpActivity {
  readonly #hits = new Map<string, number[]>();

  constructor(
    readonly maxIps = 10_000,
    readonly maxHits = 1_000,
  ) {}

  hit(ip: string, at: number): { day: number; hour: number; tenMinutes: number } {
    const key = canonicalIp(ip);
    const hits = (this.#hits.get(key) ?? []).filter((time) => at - time < 24 * HOUR);
    hits.push(at);
    if (hits.length > this.maxHits) hits.splice(0, hits.length - this.maxHits);
    this.#hits.delete(key);
    this.#hits.set(key, hits);
    if (this.#hits.size > this.maxIps) {
      const oldest = this.#hits.keys().next().value;
      if (oldest !== undefined) this.#hits.delete(oldest);
    }
    return {
      day: hits.length,
      hour: hits.filter((time) => at - time < HOUR).length,
      tenMinutes: hits.filter((time) => at - time < HOUR / 6).length,
    };
  }
}

/** A 32-hex request id, like CleanTalk's. */
export function requestId(): string {
  return randomBytes(16).toString('hex');
}

/**
 * Answers one real-time API call. `body` is the parsed request body, or `undefined` when it was
 * not a JSON object. Never throws for anything a client can send.
 */
export function answerApi(body: unknown, context: ApiContext): Answer {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ...API_ERRORS.invalidJson };
  const request = body as Record<string, unknown>;
  const method = request.method_name;
  if (method === undefined || method === null || method === '') return { ...API_ERRORS.missingMethod };
  if (typeof method !== 'string') return { ...API_ERRORS.unknownMethod };
  switch (method) {
    case 'check_message':
    case 'check_newuser':
      return checkAnswer(method, request, context);
    case 'check_bot':
      return checkBotAnswer(request, context);
    case 'send_feedback':
      return feedbackAnswer(request, context);
    default:
      return { ...API_ERRORS.unknownMethod };
  }
}

function flag(value: number, context: ApiContext): number | string {
  return context.stringNumbers ? String(value) : value;
}

function checkAnswer(method: string, request: Record<string, unknown>, context: ApiContext): Answer {
  const verdict = decide(method, request, context);
  return {
    allow: verdict.allow,
    comment: verdict.comment,
    id: requestId(),
    codes: verdict.codes,
    spam: flag(verdict.spam, context),
    blacklisted: flag(verdict.blacklisted, context),
    js_disabled: flag(verdict.js_disabled, context),
    fast_submit: flag(verdict.fast_submit, context),
    stop_queue: flag(verdict.stop_queue, context),
    inactive: flag(verdict.inactive, context),
    account_status: verdict.account_status,
    version: API_VERSION,
  };
}

function checkBotAnswer(request: Record<string, unknown>, context: ApiContext): Answer {
  const problem = licenceProblem(request.auth_key, context.authKeys);
  if (problem) {
    return {
      allow: 0,
      codes: problem,
      comment: licenceComment(problem),
      account_status: 0,
      version: API_VERSION,
    };
  }
  const ip = typeof request.sender_ip === 'string' ? request.sender_ip : '';
  const seen = context.activity.hit(ip, context.now());
  const known = context.tokens.has(request.event_token);
  return {
    allow: known ? 1 : 0,
    comment: known ? '' : '*** Forbidden. The bot detector did not recognise this visitor. ***',
    id: requestId(),
    codes: known ? 'ALLOWED' : 'DENIED',
    bot_expectation: context.stringNumbers ? (known ? '0.1' : '0.95') : known ? 0.1 : 0.95,
    ip_frequency_24hour: seen.day,
    ip_frequency_1hour: seen.hour,
    ip_frequency_10min: seen.tenMinutes,
    account_status: 1,
    version: API_VERSION,
  };
}

const FEEDBACK_ITEM = /^[0-9a-f]{32}:[01]$/i;

function feedbackAnswer(request: Record<string, unknown>, context: ApiContext): Answer {
  const problem = licenceProblem(request.auth_key, context.authKeys);
  if (problem) return { received: 0, codes: problem, comment: licenceComment(problem) };
  const feedback = typeof request.feedback === 'string' ? request.feedback : '';
  const received = feedback
    .split(';')
    .map((item) => item.trim())
    .filter((item) => FEEDBACK_ITEM.test(item)).length;
  return { received, comment: 'OK' };
}
