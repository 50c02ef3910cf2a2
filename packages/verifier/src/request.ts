import { getHeader, scrubHeaders } from './headers.js';
import type { ClientSignals, StartTime } from './signals.js';
import { httpUrl } from './signals.js';
import { LIMITS, type RelevanceContext, type Submission, toSingleText, toText } from './submission.js';
import { AGENT } from './version.js';

/** The CleanTalk real-time methods this library calls for form checks. */
export type CheckMethod = 'check_message' | 'check_newuser';

/** The JSON body sent to `api2.0` for a check. Absent values are omitted, never sent as null. */
export interface CheckRequest {
  method_name: CheckMethod;
  auth_key: string;
  agent: string;
  sender_ip: string;
  sender_email?: string;
  sender_nickname?: string;
  message?: string;
  phone?: string;
  event_token?: string;
  event_token_enabled: 0 | 1;
  /** 1: server-issued evidence came back valid; 0: it came back refused; omitted: none was sent. */
  js_on?: 0 | 1;
  submit_time?: number;
  tz?: number;
  sender_info: string;
  post_info: string;
  all_headers: string;
  example?: string;
  response_lang: string;
  x_forwarded_for?: string;
  x_real_ip?: string;
}

export interface BuildContext {
  method: CheckMethod;
  authKey: string;
  responseLang: string;
  ip: string;
  signals: ClientSignals;
  startTime: StartTime;
  /** A valid start token came back (true), a refused one (false), or none (undefined). */
  jsEvidence?: boolean | undefined;
  /** Send the page URL's query string (`sendPageQuery`). */
  sendPageQuery?: boolean;
}

/** Builds the request body from a submission and what its hidden fields said. */
export function buildCheckRequest(submission: Submission, context: BuildContext): CheckRequest {
  const { signals } = context;
  const headers = submission.headers;
  const { pageUrl, senderInfo } = describePage(
    submission,
    signals,
    context.startTime,
    context.sendPageQuery ?? false,
  );

  const postInfo: Record<string, unknown> = {
    comment_type: commentType(submission.commentType, context.method),
  };
  if (pageUrl) postInfo.post_url = pageUrl;

  const request: CheckRequest = {
    method_name: context.method,
    auth_key: context.authKey,
    agent: AGENT,
    sender_ip: context.ip,
    event_token_enabled: signals.eventToken ? 1 : 0,
    sender_info: JSON.stringify(senderInfo),
    post_info: JSON.stringify(postInfo),
    all_headers: JSON.stringify(scrubHeaders(headers)),
    response_lang: context.responseLang,
  };
  assign(request, 'sender_email', toSingleText(submission.email, LIMITS.shortText));
  assign(request, 'sender_nickname', toSingleText(submission.nickname, LIMITS.shortText));
  assign(request, 'message', toText(submission.message, LIMITS.message)?.trim());
  assign(request, 'phone', toSingleText(submission.phone, LIMITS.shortText));
  if (context.jsEvidence !== undefined) request.js_on = context.jsEvidence ? 1 : 0;
  assign(request, 'event_token', signals.eventToken);
  assign(request, 'submit_time', context.startTime.submitTimeSeconds);
  if (signals.tzOffsetMinutes !== undefined) request.tz = signals.tzOffsetMinutes / 60;
  assign(request, 'example', relevanceText(submission.relevance));
  assign(request, 'x_forwarded_for', getHeader(headers, 'x-forwarded-for'));
  assign(request, 'x_real_ip', getHeader(headers, 'x-real-ip'));
  return request;
}

/**
 * The page the form was on and `sender_info` (referrer, user agent, page URL, time zone), from the
 * submission, the widget's fields and the request headers. Shared by every check method.
 */
export function describePage(
  submission: Submission,
  signals: ClientSignals,
  startTime: StartTime,
  sendPageQuery = false,
): { pageUrl?: string; senderInfo: Record<string, unknown> } {
  const headers = submission.headers;
  const refererHeader = httpUrl(getHeader(headers, 'referer'));
  const fullPageUrl =
    httpUrl(typeof submission.pageUrl === 'string' ? submission.pageUrl : undefined) ??
    signals.pageUrl ??
    refererHeader;
  const pageUrl = sendPageQuery ? fullPageUrl : withoutQuery(fullPageUrl);
  const referrer = signals.referrer ?? (signals.pageUrl ? undefined : refererHeader);
  const userAgent = getHeader(headers, 'user-agent');

  const senderInfo: Record<string, unknown> = {
    REFERRER: referrer ?? '',
    // Older CleanTalk servers and the official PHP library read this spelling.
    REFFERRER: referrer ?? '',
    USER_AGENT: userAgent ?? '',
    page_url: pageUrl ?? '',
  };
  if (signals.timeZone) senderInfo.timezone = signals.timeZone;
  if (startTime.problem) senderInfo.start_time_problem = startTime.problem;
  if (signals.honeypotFilled) senderInfo.honeypot_filled = 1;
  return pageUrl ? { pageUrl, senderInfo } : { senderInfo };
}

/**
 * The URL without its query string and fragment: they may carry a visitor's e-mail, a reset or
 * login token, a search. The URL was normalised by `httpUrl`, so `?` and `#` only appear there.
 */
function withoutQuery(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const cut = url.search(/[?#]/);
  return cut < 0 ? url : url.slice(0, cut);
}

function commentType(value: unknown, method: CheckMethod): string {
  if (typeof value === 'string' && /^[a-z_]{1,32}$/.test(value)) return value;
  return method === 'check_newuser' ? 'registration' : 'comment';
}

/** The page text and approved messages as one text for `example`, capped. */
function relevanceText(context: RelevanceContext | undefined): string | undefined {
  if (!context || typeof context !== 'object') return undefined;
  const parts = [
    toText(context.pageText, LIMITS.relevance),
    toText(context.approvedMessages, LIMITS.relevance, '\n\n'),
  ];
  return toText(parts.filter(Boolean), LIMITS.relevance, '\n\n') || undefined;
}

function assign<K extends keyof CheckRequest>(
  target: CheckRequest,
  key: K,
  value: CheckRequest[K] | undefined | '',
): void {
  if (value !== undefined && value !== '') target[key] = value as CheckRequest[K];
}
