import { type CheckResponse, dashboardUrl, displayReason, parseCheckResponse } from './check/answer.js';
import { type BotVerdict, buildBotRequest, readBotAnswer } from './check/check-bot.js';
import { decisionOf } from './check/decision.js';
import { getHeader } from './check/headers.js';
import { fitsAsIs, fitText } from './check/message-size.js';
import { buildCheckRequest, type CheckMethod, type CheckRequest } from './check/request.js';
import { readClientSignals, resolveStartTime, type StartTimeProblem } from './check/signals.js';
import { normaliseIp, type Submission } from './check/submission.js';
import type { Decision, Verdict } from './check/verdict.js';
import type { DatabaseContext } from './database/call.js';
import { type CheckKeyOptions, checkKey, type KeyStatus } from './database/check-key.js';
import { redactError, redactText } from './database/redact.js';
import {
  type CheckError,
  CircuitOpenError,
  ConnectionError,
  CtProtectedFormError,
  HttpStatusError,
  LicenceError,
  TimeoutError,
} from './errors.js';
import { type FeedbackItem, type FeedbackOptions, type FeedbackResult, sendFeedback } from './feedback.js';
import { type ResolvedOptions, resolveOptions, type VerifierOptions } from './options.js';
import {
  applyStartTokenPolicy,
  type InvalidStartTokenPolicy,
  validateInvalidStartTokenPolicy,
} from './start-tokens/policy.js';
import { readSessionCookie } from './start-tokens/session-cookie.js';
import type {
  StartTokenCheck,
  StartTokenProblem,
  StartTokenVerifier,
} from './start-tokens/start-token-verifier.js';
import { callJson } from './transport/call-json.js';
import { CircuitBreaker, type CircuitState } from './transport/circuit-breaker.js';
import { ConnectionPool } from './transport/connection-pool.js';

/** What decided a verdict; the check adds what every verdict of it carries. */
type Outcome = Pick<Verdict, 'decision' | 'verified' | 'basis' | 'codes' | 'reason'> &
  Partial<Pick<Verdict, 'inactive' | 'flags' | 'error'>>;

/** Options of {@link createVerifier}: the core options plus an optional start-token verifier. */
export interface CreateVerifierOptions extends VerifierOptions {
  /**
   * Verifies signed start tokens (`ct_start_token`), so `submit_time` comes from the server's clock
   * instead of the visitor's, and a valid token is the evidence that JavaScript ran (`js_on`).
   * Once given, every submission is expected to carry a token: one without is `missing`. Without
   * it, the visitor's clock is used and marked as such, and nothing proves JavaScript ran.
   */
  startTokens?: StartTokenVerifier;
  /**
   * What a check decides when start tokens are configured and a submission's token is `missing`,
   * `malformed`, `tampered`, `expired`, `early`, `replayed`, `foreign`, or could not be checked
   * (`unavailable`): `'review'` holds an allowed submission for moderation, `'block'` rejects it,
   * `'ignore'` keeps CleanTalk's decision. The problem is always in `verdict.startTime.problem` and
   * in what CleanTalk receives (`sender_info.start_time_problem`).
   * @default 'review'
   */
  invalidStartToken?: InvalidStartTokenPolicy;
}

/** Checks submissions with CleanTalk. Create one per application and reuse it: it keeps connections alive. */
export interface Verifier {
  /** Checks a comment, contact message, review or anything else with text (`check_message`). */
  checkMessage(submission: Submission): Promise<Verdict>;
  /** Checks a registration, sign-up, order or poll (`check_newuser`). */
  checkNewUser(submission: Submission): Promise<Verdict>;
  /**
   * Checks a form with no text (log-in, search, newsletter) by the bot detector's token alone
   * (`check_bot`). Same decisions, fail mode and deadline as the other checks.
   */
  checkBot(submission: Submission): Promise<BotVerdict>;
  /**
   * Tells CleanTalk which decisions were right or wrong (`send_feedback`), in batches. Never throws
   * for ill-formed items or upstream failures: see `rejected` and `error`.
   */
  sendFeedback(items: readonly FeedbackItem[], options?: FeedbackOptions): Promise<FeedbackResult>;
  /**
   * Validates the access key without spending a check (`notice_paid_till`): call it once at
   * startup. The rest of the database API is `createDatabaseClient` from `/database`.
   */
  checkKey(options?: CheckKeyOptions): Promise<KeyStatus>;
  /** The circuit breaker's state now (`closed` when it is turned off). */
  readonly circuit: CircuitState;
}

const LOG_INTERVAL_MS = 60_000;

/**
 * What a refused token says about JavaScript (`js_on`): a forged or misused one is counted against
 * it (0), one of ours sent too early or too late says nothing (omitted), so a person who left the
 * page open overnight is held by the policy, not refused by CleanTalk as a script-less bot.
 */
const REFUSED_EVIDENCE: Record<StartTokenProblem, false | undefined> = {
  malformed: false,
  tampered: false,
  replayed: false,
  foreign: false,
  early: undefined,
  expired: undefined,
  unavailable: undefined,
};
const FAILURE_REASON = 'Your message could not be checked for spam right now. Please try again later.';

/**
 * Creates a verifier. Throws an `OptionsError` naming the option when one is missing or ill-formed.
 *
 * @example
 * const verifier = createVerifier({ authKey: process.env.CLEANTALK_AUTH_KEY ?? '' });
 * const verdict = await verifier.checkMessage({ ip: request.ip, email, message, headers, form: request.body });
 * if (verdict.decision === 'block') reply.code(403).send(verdict.reason);
 */
export function createVerifier(options: CreateVerifierOptions): Verifier {
  const resolved = resolveOptions(options);
  const startTokens = options.startTokens;
  const invalidStartToken = validateInvalidStartTokenPolicy(options.invalidStartToken ?? 'review');
  const lastLogged = new Map<string, number>();
  const endpointName = `${resolved.endpoint.origin}${resolved.endpoint.pathname}`;
  const sessionCookie = startTokens?.cookieName;
  let replayStoreFull = false;

  /** One warning when the replay store fills up, one more once it records tokens again. */
  function noteReplayCheck(result: StartTokenCheck): void {
    if (!result.ok) return;
    const full = result.replayChecked === false;
    if (full === replayStoreFull) return;
    replayStoreFull = full;
    if (full) {
      resolved.logger.warn(
        '[ct-protected-form] the start-token replay store is full: tokens are accepted without the single-use check and submit_time comes from the visitor clock until entries expire (use a larger maxEntries or the Redis store)',
      );
    } else {
      resolved.logger.warn('[ct-protected-form] the start-token replay store records tokens again');
    }
  }

  function report(error: CheckError): void {
    const now = resolved.now();
    if ((lastLogged.get(error.code) ?? -Infinity) > now - LOG_INTERVAL_MS) return;
    lastLogged.set(error.code, now);
    if (error instanceof LicenceError) {
      resolved.logger.error(`[ct-protected-form] configuration error at ${endpointName}: ${error.message}`);
    } else {
      resolved.logger.warn(
        `[ct-protected-form] check not verified with ${endpointName}: ${error.message} (submissions get failMode '${resolved.failMode}'; repeats muted for a minute)`,
      );
    }
  }

  // One bound on the calls this verifier has in flight to the real-time API: checks and feedback.
  const pool = new ConnectionPool(resolved.maxConnections);
  const breaker =
    resolved.circuitBreaker === false
      ? undefined
      : new CircuitBreaker(resolved.circuitBreaker, resolved.now, (state, why) => {
          resolved.logger.warn(`[ct-protected-form] CleanTalk circuit ${state}: ${why}`);
        });

  const database: DatabaseContext = {
    authKey: resolved.authKey,
    endpoint: resolved.databaseEndpoint,
    transport: resolved.transport,
    retries: resolved.retries,
  };

  async function check(method: CheckMethod | 'check_bot', submission: Submission): Promise<Verdict> {
    const started = performance.now();
    if (!submission || typeof submission !== 'object') {
      throw new TypeError('check expects a submission object with at least { ip }');
    }
    const ip = normaliseIp(submission.ip);
    const signals = readClientSignals(submission.form);
    const now = resolved.now();

    let verifiedStartedAt = finiteOrUndefined(submission.verifiedStartedAt);
    let tokenProblem: StartTimeProblem | undefined;
    // Evidence that JavaScript ran comes only from what the server issued: true when a token (or a
    // start the caller verified) came back valid, false when one was sent and refused.
    let jsEvidence: boolean | undefined = verifiedStartedAt === undefined ? undefined : true;
    // A filled honeypot is decided below without CleanTalk: it spends no start token either.
    if (verifiedStartedAt === undefined && startTokens && !signals.honeypotFilled) {
      if (signals.startToken === undefined) {
        tokenProblem = 'missing';
        // The page was served a JavaScript test and did not pass it: no script ran, or a bot skipped it.
        jsEvidence = false;
      } else {
        const session = sessionCookie
          ? readSessionCookie(getHeader(submission.headers, 'cookie'), sessionCookie)
          : undefined;
        const result = await verifyStartToken(startTokens, signals.startToken, session, resolved.timeoutMs);
        noteReplayCheck(result);
        if (result.ok) {
          jsEvidence = true;
          // A token that could not be recorded as used may be a replay: its time is not trusted.
          if (result.replayChecked !== false) verifiedStartedAt = result.issuedAt;
        } else {
          tokenProblem = result.problem;
          jsEvidence = REFUSED_EVIDENCE[result.problem];
        }
      }
    }
    const startTime = resolveStartTime(signals, now, verifiedStartedAt, tokenProblem);

    /**
     * A verdict of this check, its fields written one by one in a fixed order: object spreads here
     * cost more CPU than the rest of the check together.
     */
    const verdictOf = (outcome: Outcome): Verdict => {
      const verdict: Verdict = {
        method,
        jsProven: jsEvidence === true,
        eventToken: signals.eventToken !== undefined,
        startTime,
        flags: outcome.flags ?? {},
        inactive: outcome.inactive ?? false,
        decision: outcome.decision,
        verified: outcome.verified,
        basis: outcome.basis,
        codes: outcome.codes,
        reason: outcome.reason,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
      };
      if (outcome.error) verdict.error = outcome.error;
      return verdict;
    };

    if (signals.honeypotFilled) {
      return verdictOf({
        decision: 'block',
        verified: false,
        basis: 'honeypot',
        codes: [],
        reason: 'Your message was rejected as automated.',
      });
    }

    const request =
      method === 'check_bot'
        ? buildBotRequest(submission, {
            authKey: resolved.authKey,
            ip,
            signals,
            startTime,
            sendPageQuery: resolved.sendPageQuery,
          })
        : buildCheckRequest(submission, {
            method,
            authKey: resolved.authKey,
            responseLang: resolved.responseLang,
            eventTokenEnabled: resolved.eventTokenEnabled,
            ip,
            signals,
            startTime,
            jsEvidence,
            sendPageQuery: resolved.sendPageQuery,
          });

    // Only an oversized text costs an await: the usual check stays synchronous up to the call.
    if (method !== 'check_bot' && !textsFit(request as CheckRequest)) {
      await fitTexts(request as CheckRequest, method === 'check_message');
    }

    let response: CheckResponse;
    let botAnswer: ReturnType<typeof readBotAnswer> = {};
    let answered = false;
    try {
      const body = await callJson({
        transport: resolved.transport,
        url: resolved.endpoint,
        method: 'POST',
        body: JSON.stringify(request),
        // The whole check answers within timeoutMs: a slow replay store leaves CleanTalk less time.
        timeoutMs: Math.max(1, Math.round(resolved.timeoutMs - (performance.now() - started))),
        retries: resolved.retries,
        what: `CleanTalk ${method}`,
        pool,
        // Asked once the check has a connection slot: one that waited in line while the circuit
        // opened answers at once instead of going out.
        admit: () => {
          if (breaker && !breaker.allow()) throw new CircuitOpenError(`CleanTalk ${method}`);
        },
        settled: (failure) => {
          answered = failure === undefined;
          if (answered) breaker?.succeeded();
          else breaker?.failed();
        },
      });
      response = parseCheckResponse(body);
      if (method === 'check_bot') botAnswer = readBotAnswer(body);
    } catch (error) {
      // JSON that is no check answer is a failure too; a refused key is a healthy CleanTalk's answer.
      if (answered && !(error instanceof LicenceError)) breaker?.failed();
      // A custom fetch may quote the request it failed to send, key included.
      const failure = asCheckError(error, method);
      // Errors this package words itself from a status or a deadline cannot hold the key: skipping
      // their redaction keeps a burst of 500 timeouts cheap.
      const checkError = (
        failure instanceof TimeoutError ||
        failure instanceof CircuitOpenError ||
        failure instanceof HttpStatusError
          ? failure
          : redactError(failure, resolved.authKey)
      ) as CheckError;
      report(checkError);
      const decision = failDecision(resolved, jsEvidence === true);
      return applyStartTokenPolicy(
        verdictOf({
          decision,
          verified: false,
          basis: 'failure',
          codes: [],
          reason: decision === 'block' ? FAILURE_REASON : '',
          error: checkError,
        }),
        tokenProblem,
        invalidStartToken,
      );
    }

    const decision = decisionOf(method, response);
    const verdict = verdictOf({
      decision,
      verified: true,
      basis: 'cleantalk',
      // An answer that echoes the request must not carry the key on to the visitor or a log.
      codes: response.codes.map((code) => redactText(code, resolved.authKey)),
      reason:
        decision === 'allow'
          ? ''
          : redactText(displayReason(response.comment), resolved.authKey) ||
            defaultReason(decision, response),
      inactive: response.inactive,
      flags: pickFlags(response),
    });
    if (response.id) {
      verdict.requestId = response.id;
      verdict.dashboardUrl = dashboardUrl(response.id);
    }
    if (method === 'check_bot') Object.assign(verdict, botAnswer);
    return applyStartTokenPolicy(verdict, tokenProblem, invalidStartToken);
  }

  return {
    checkMessage: (submission) => check('check_message', submission),
    checkNewUser: (submission) => check('check_newuser', submission),
    checkBot: (submission) => check('check_bot', submission) as Promise<BotVerdict>,
    sendFeedback: (items, feedbackOptions) =>
      sendFeedback(
        {
          authKey: resolved.authKey,
          endpoint: resolved.endpoint,
          transport: resolved.transport,
          timeoutMs: resolved.timeoutMs,
          retries: resolved.retries,
          pool,
        },
        items,
        feedbackOptions,
      ),
    checkKey: (checkKeyOptions) => checkKey(database, checkKeyOptions),
    get circuit(): CircuitState {
      return breaker?.state ?? 'closed';
    },
  };
}

function textsFit(request: CheckRequest): boolean {
  return fitsAsIs(request.message ?? '') && fitsAsIs(request.example ?? '');
}

/** Keeps `message` and `example` within CleanTalk's practical size (see message-size.ts). */
async function fitTexts(request: CheckRequest, compress: boolean): Promise<void> {
  if (request.message !== undefined && !fitsAsIs(request.message)) {
    request.message = await fitText(request.message, compress);
  }
  if (request.example !== undefined && !fitsAsIs(request.example)) {
    request.example = await fitText(request.example, compress);
  }
}

function failDecision(options: ResolvedOptions, jsProven: boolean): Decision {
  switch (options.failMode) {
    case 'allow':
      return 'allow';
    case 'block':
      return 'block';
    case 'allow-if-js':
      return jsProven ? 'allow' : 'review';
    default:
      return 'review';
  }
}

function defaultReason(decision: Decision, response: CheckResponse): string {
  if (decision === 'block') return 'Your message was rejected as spam.';
  return response.allow && response.inactive
    ? 'Your account is created inactive until it is reviewed.'
    : 'Your message is held for moderation.';
}

function pickFlags(response: CheckResponse): Verdict['flags'] {
  const flags: Verdict['flags'] = {};
  for (const key of ['spam', 'blacklisted', 'jsDisabled', 'fastSubmit', 'stopQueue'] as const) {
    if (response[key] !== undefined) flags[key] = response[key];
  }
  return flags;
}

function asCheckError(error: unknown, method: string): CheckError {
  if (error instanceof CtProtectedFormError && error.name !== 'CtProtectedFormError')
    return error as CheckError;
  // A custom fetch threw something unexpected: still a verdict, never a crash.
  return new ConnectionError(`CleanTalk ${method}`, error);
}

function finiteOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

async function verifyStartToken(
  verifier: StartTokenVerifier,
  token: string,
  session: string | undefined,
  timeoutMs: number,
): Promise<StartTokenCheck> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      verifier.verify(token, { session }),
      new Promise<StartTokenCheck>((resolve) => {
        timer = setTimeout(() => resolve({ ok: false, problem: 'unavailable' }), Math.min(timeoutMs, 1000));
      }),
    ]);
  } catch {
    return { ok: false as const, problem: 'unavailable' as const };
  } finally {
    clearTimeout(timer);
  }
}
