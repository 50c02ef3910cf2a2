import type { CheckError } from '../errors.js';
import type { CheckMethod } from './request.js';
import type { StartTime } from './signals.js';

/** What to do with the submission. */
export type Decision = 'allow' | 'review' | 'block';

/** The outcome of one check. Returned, never thrown: spam and upstream failures are both verdicts. */
export interface Verdict {
  /**
   * `allow`: publish it. `review`: keep it but hold it for moderation (CleanTalk answered
   * `allow: 0, stop_queue: 0` to a message, or `allow: 1, inactive: 1` to a registration, or a
   * failure under the default fail mode). `block`: reject it and show {@link Verdict.reason}
   * (`allow: 0, stop_queue: 1`, or `allow: 0` to a registration or a `check_bot`).
   */
  decision: Decision;
  /** True only when CleanTalk was reached and gave a usable answer that decided this verdict. */
  verified: boolean;
  /**
   * What decided: `cleantalk` (its answer), `honeypot` (the hidden trap field was filled; CleanTalk
   * was not asked), `failure` (CleanTalk could not be asked; `failMode` decided, see {@link Verdict.error}).
   */
  basis: 'cleantalk' | 'honeypot' | 'failure';
  /** The CleanTalk method that was called. */
  method: CheckMethod | 'check_bot';
  /** CleanTalk's codes, e.g. `['FORBIDDEN', 'BL']`. Unknown codes are kept. Empty when not verified. */
  codes: string[];
  /** Plain text safe to show the visitor: no HTML, no `***`. Empty when allowed. */
  reason: string;
  /** CleanTalk's request id (32 hex), for feedback and support. */
  requestId?: string;
  /** The request's page in the CleanTalk dashboard. */
  dashboardUrl?: string;
  /**
   * Evidence the server issued came back valid: a signed start token (or a start the caller
   * verified). Nothing the client can compute by itself counts, a bot-detector token included.
   */
  jsProven: boolean;
  /** A bot-detector token was sent. */
  eventToken: boolean;
  /** How `submit_time` was measured, and what was wrong with it if anything. */
  startTime: StartTime;
  /**
   * check_newuser: CleanTalk asks to create the account inactive (e.g. until the email is
   * confirmed). Such a verdict is a `review`: create the account, keep it inactive.
   */
  inactive: boolean;
  /**
   * CleanTalk's flags, when it sent them. `stopQueue` (`stop_queue`) with a refusal: true =
   * definitely spam, false = hold for manual moderation.
   */
  flags: {
    spam?: boolean;
    blacklisted?: boolean;
    jsDisabled?: boolean;
    fastSubmit?: boolean;
    stopQueue?: boolean;
  };
  /** Why the check was not verified. */
  error?: CheckError;
  /** Time the check took, in milliseconds. */
  durationMs: number;
}
