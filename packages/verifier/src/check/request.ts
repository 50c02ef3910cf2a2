import { AGENT } from '../version.js';
import { browserSenderInfo, honeypotField } from './browser-signals.js';
import { getHeader, scrubbedHeaders } from './headers.js';
import type { ClientSignals, StartTime } from './signals.js';
import { httpUrl } from './signals.js';
import { LIMITS, type RelevanceContext, type Submission, toSingleText, toText } from './submission.js';

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
  /** 1: the form's trap field came back empty; 0: filled. Absent when the form had none. */
  honeypot_field?: 0 | 1;
  submit_time?: number;
  /** The visitor's UTC offset as CleanTalk's API page writes it: `UTC+01`, `UTC-03`, `UTC+05:30`. */
  tz?: string;
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
  /** The site runs the bot detector: `event_token_enabled`, sent with every check. */
  eventTokenEnabled: boolean;
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
    // A site setting, not a property of this submission: a missing token is itself a signal.
    event_token_enabled: context.eventTokenEnabled ? 1 : 0,
    sender_info: JSON.stringify(senderInfo),
    post_info: JSON.stringify(postInfo),
    all_headers: JSON.stringify(headersToSend(headers, context.sendPageQuery ?? false)),
    response_lang: context.responseLang,
  };
  assign(request, 'sender_email', toSingleText(submission.email, LIMITS.shortText));
  assign(request, 'sender_nickname', toSingleText(submission.nickname, LIMITS.shortText));
  assign(request, 'message', toText(submission.message, LIMITS.message)?.trim());
  assign(request, 'phone', toSingleText(submission.phone, LIMITS.shortText));
  if (context.jsEvidence !== undefined) request.js_on = context.jsEvidence ? 1 : 0;
  assign(request, 'event_token', signals.eventToken);
  assign(request, 'honeypot_field', honeypotField(submission.form));
  assign(request, 'submit_time', context.startTime.submitTimeSeconds);
  if (signals.tzOffsetMinutes !== undefined) request.tz = utcOffset(signals.tzOffsetMinutes);
  assign(request, 'example', relevanceText(submission.relevance));
  assign(request, 'x_forwarded_for', getHeader(headers, 'x-forwarded-for'));
  assign(request, 'x_real_ip', getHeader(headers, 'x-real-ip'));
  return request;
}

/**
 * The page the form was on and `sender_info`, from the submission, the widget's fields and the
 * request headers. Shared by every check method. The addresses mean what they mean to CleanTalk's
 * WordPress plugin: `REFERRER` (and the older spelling `REFFERRER`) is the submission's own
 * `Referer` header, the page that showed the form (falling back to that page's URL as the widget
 * or the app reports it); `REFFERRER_PREVIOUS` is where the visitor was before that page (its
 * `document.referrer`, sent only when there was one).
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
  // The query and fragment may carry a visitor's e-mail, a reset or login token, a search: they
  // reach CleanTalk only where the site opts in, in every address that could carry them.
  const clean = (url: string | undefined) => (sendPageQuery ? url : withoutQuery(url));
  const pageUrl = clean(fullPageUrl);
  const referrer = clean(refererHeader) ?? pageUrl ?? '';
  // Another site's address is sent as the browser gave it (browsers already cut a cross-site
  // referrer to its origin); a page of this site loses its query like the form page does.
  const previous = sameOrigin(signals.referrer, fullPageUrl) ? clean(signals.referrer) : signals.referrer;
  const userAgent = getHeader(headers, 'user-agent');

  const senderInfo: Record<string, unknown> = {
    REFERRER: referrer,
    // Older CleanTalk servers, the official PHP library and the WordPress plugin read this spelling.
    REFFERRER: referrer,
    USER_AGENT: userAgent ?? '',
    page_url: pageUrl ?? '',
  };
  if (previous) senderInfo.REFFERRER_PREVIOUS = previous;
  if (signals.timeZone) senderInfo.timezone = signals.timeZone;
  if (startTime.problem) senderInfo.start_time_problem = startTime.problem;
  if (signals.honeypotFilled) senderInfo.honeypot_filled = 1;
  // What CleanTalk's WordPress plugin tells it about the browser and the form, in its formats.
  Object.assign(senderInfo, browserSenderInfo(submission));
  return pageUrl ? { pageUrl, senderInfo } : { senderInfo };
}

/** Minutes east of UTC as CleanTalk's `tz`: `60` → `UTC+01`, `-180` → `UTC-03`, `330` → `UTC+05:30`. */
export function utcOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const hours = String(Math.floor(abs / 60)).padStart(2, '0');
  const rest = abs % 60;
  return `UTC${sign}${hours}${rest ? `:${String(rest).padStart(2, '0')}` : ''}`;
}

/** The scrubbed headers, with the `Referer` cut like the page URL unless the site opts in. */
function headersToSend(headers: Submission['headers'], sendPageQuery: boolean): Record<string, string> {
  const scrubbed = scrubbedHeaders(headers);
  if (!sendPageQuery && scrubbed.referer !== undefined)
    scrubbed.referer = withoutQuery(scrubbed.referer) ?? '';
  return scrubbed;
}

function sameOrigin(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

/**
 * The URL without its query string and fragment: they may carry a visitor's e-mail, a reset or
 * login token, a search. The URL was normalised by `httpUrl`, so `?` and `#` only appear there.
 */
function withoutQuery(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const query = url.indexOf('?');
  const fragment = url.indexOf('#');
  const cut = query < 0 ? fragment : fragment < 0 ? query : Math.min(query, fragment);
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
