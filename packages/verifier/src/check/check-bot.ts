import { AGENT } from '../version.js';
import { toNumber } from './answer.js';
import { describePage } from './request.js';
import type { ClientSignals, StartTime } from './signals.js';
import type { Submission } from './submission.js';
import type { Verdict } from './verdict.js';

/** The JSON body sent to `api2.0` for a token-only check. */
export interface CheckBotRequest {
  method_name: 'check_bot';
  auth_key: string;
  agent: string;
  sender_ip: string;
  event_token?: string;
  page_url?: string;
  sender_info: string;
}

/** How often CleanTalk saw the visitor's IP recently (`ip_frequency_*`). */
export interface IpFrequency {
  /** Requests in the last 24 hours (`ip_frequency_24hour`). */
  day?: number;
  /** In the last hour (`ip_frequency_1hour`). */
  hour?: number;
  /** In the last 10 minutes (`ip_frequency_10min`). */
  tenMinutes?: number;
}

/**
 * The verdict of `verifier.checkBot()`: the same shape, decisions and failure handling as the
 * other checks, plus the bot detector's estimate.
 */
export interface BotVerdict extends Verdict {
  method: 'check_bot';
  /** CleanTalk's estimate that the visitor is a bot, 0..1 (`bot_expectation`), when it answered one. */
  botExpectation?: number;
  /** How often the visitor's IP was seen, when CleanTalk answered it. */
  ipFrequency?: IpFrequency;
}

export interface BotRequestContext {
  authKey: string;
  ip: string;
  signals: ClientSignals;
  startTime: StartTime;
  /** Send the page URL's query string (`sendPageQuery`). */
  sendPageQuery?: boolean;
}

/** Builds the `check_bot` body: the token, the IP and the page, nothing the visitor typed. */
export function buildBotRequest(submission: Submission, context: BotRequestContext): CheckBotRequest {
  const { pageUrl, senderInfo } = describePage(
    submission,
    context.signals,
    context.startTime,
    context.sendPageQuery ?? false,
  );
  const request: CheckBotRequest = {
    method_name: 'check_bot',
    auth_key: context.authKey,
    agent: AGENT,
    sender_ip: context.ip,
    sender_info: JSON.stringify(senderInfo),
  };
  if (context.signals.eventToken) request.event_token = context.signals.eventToken;
  if (pageUrl) request.page_url = pageUrl;
  return request;
}

/** Reads `bot_expectation` and `ip_frequency_*` from a `check_bot` answer, numbers coerced. */
export function readBotAnswer(body: unknown): Pick<BotVerdict, 'botExpectation' | 'ipFrequency'> {
  if (!body || typeof body !== 'object') return {};
  const raw = body as Record<string, unknown>;
  const extra: Pick<BotVerdict, 'botExpectation' | 'ipFrequency'> = {};
  const expectation = toNumber(raw.bot_expectation);
  if (expectation !== undefined && expectation >= 0 && expectation <= 1) extra.botExpectation = expectation;
  const frequency: IpFrequency = {};
  const day = count(raw.ip_frequency_24hour);
  const hour = count(raw.ip_frequency_1hour);
  const tenMinutes = count(raw.ip_frequency_10min);
  if (day !== undefined) frequency.day = day;
  if (hour !== undefined) frequency.hour = hour;
  if (tenMinutes !== undefined) frequency.tenMinutes = tenMinutes;
  if (Object.keys(frequency).length > 0) extra.ipFrequency = frequency;
  return extra;
}

function count(value: unknown): number | undefined {
  const n = toNumber(value);
  return n !== undefined && n >= 0 && Number.isInteger(n) ? n : undefined;
}
