import { type CheckResponse, dashboardUrl, displayReason, parseCheckResponse } from './check/answer.js';
import type { BotVerdict } from './check/check-bot.js';
import { decisionOf } from './check/decision.js';
import { CHECK_KINDS } from './check/methods.js';
import type { BuildContext, CheckMethod } from './check/request.js';
import { readClientSignals, resolveStartTime } from './check/signals.js';
import { normaliseIp, type Submission } from './check/submission.js';
import type { Decision, Verdict } from './check/verdict.js';
import type { DatabaseContext } from './database/call.js';
import { type CheckKeyOptions, checkKey, type KeyStatus } from './database/check-key.js';
import {
  type CheckError,
  CircuitOpenError,
  ConnectionError,
  CtProtectedFormError,
  HttpStatusError,
  LicenceError,
  TimeoutError,
} from './errors.js';
import {
  type FeedbackContext,
  type FeedbackItem,
  type FeedbackOptions,
  type FeedbackResult,
  sendFeedback,
} from './feedback.js';
import { type ResolvedOptions, resolveOptions, type VerifierOptions } from './options.js';
import { redactError, redactText } from './redact.js';
import {
  applyStartTokenPolicy,
  type InvalidStartTokenPolicy,
  validateInvalidStartTokenPolicy,
} from './start-tokens/policy.js';
import type { StartTokenVerifier } from './start-tokens/start-token-verifier.js';
import { createTokenReader } from './start-tokens/submission-token.js';
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
  const invalidStartToken = validateInvalidStartTokenPolicy(options.invalidStartToken ?? 'review');
  const readToken = createTokenReader(options.startTokens, resolved.logger, resolved.timeoutMs);
  const lastLogged = new Map<string, number>();
  const endpointName = `${resolved.endpoint.origin}${resolved.endpoint.pathname}`;

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

  const breaker =
    resolved.circuitBreaker === false
      ? undefined
      : new CircuitBreaker(resolved.circuitBreaker, resolved.now, (state, why) => {
          resolved.logger.warn(`[ct-protected-form] CleanTalk circuit ${state}: ${why}`);
        });

  // The one place the key is held: every call to CleanTalk (checks, feedback, the key check) reads
  // it from here. One bound on the calls in flight to the real-time API: checks and feedback.
  const upstream: FeedbackContext & Omit<DatabaseContext, 'endpoint'> = {
    authKey: resolved.authKey,
    endpoint: resolved.endpoint,
    transport: resolved.transport,
    timeoutMs: resolved.timeoutMs,
    retries: resolved.retries,
    pool: new ConnectionPool(resolved.maxConnections),
  };
  const database: DatabaseContext = { ...upstream, endpoint: resolved.databaseEndpoint };

  /**
   * The one point where what came back from CleanTalk or a transport meets the key: an answer or a
   * custom fetch's error may quote the request. Errors this package words itself from a status or a
   * deadline cannot hold it: skipping them keeps a burst of 500 timeouts cheap.
   */
  function withoutKey(outcome: Outcome): Outcome {
    const { authKey } = upstream;
    const error = outcome.error;
    if (
      error &&
      !(
        error instanceof TimeoutError ||
        error instanceof CircuitOpenError ||
        error instanceof HttpStatusError
      )
    ) {
      outcome.error = redactError(error, authKey) as CheckError;
    }
    if (outcome.codes.length > 0) outcome.codes = outcome.codes.map((code) => redactText(code, authKey));
    if (outcome.reason) outcome.reason = redactText(outcome.reason, authKey);
    return outcome;
  }

  async function check(method: CheckMethod | 'check_bot', submission: Submission): Promise<Verdict> {
    const started = performance.now();
    if (!submission || typeof submission !== 'object') {
      throw new TypeError('check expects a submission object with at least { ip }');
    }
    const kind = CHECK_KINDS[method];
    const ip = normaliseIp(submission.ip);
    const signals = readClientSignals(submission.form);
    const now = resolved.now();
    const reading = readToken(submission, signals);
    const token = reading instanceof Promise ? await reading : reading;
    const startTime = resolveStartTime(signals, now, token.verifiedStartedAt, token.problem);

    /**
     * A verdict of this check, its fields written one by one in a fixed order: object spreads here
     * cost more CPU than the rest of the check together.
     */
    const verdictOf = (outcome: Outcome): Verdict => {
      const verdict: Verdict = {
        method,
        jsProven: token.jsEvidence === true,
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

    // `method` is this kind's own: check_bot's request reads none of the text fields.
    const context = {
      method,
      authKey: upstream.authKey,
      responseLang: resolved.responseLang,
      eventTokenEnabled: resolved.eventTokenEnabled,
      ip,
      signals,
      startTime,
      jsEvidence: token.jsEvidence,
      sendPageQuery: resolved.sendPageQuery,
    } as BuildContext;
    const built = kind.request(submission, context);
    const request = built instanceof Promise ? await built : built;

    let body: unknown;
    let response: CheckResponse;
    let answered = false;
    try {
      body = await callJson({
        transport: upstream.transport,
        url: upstream.endpoint,
        method: 'POST',
        body: JSON.stringify(request),
        // The whole check answers within timeoutMs: a slow replay store leaves CleanTalk less time.
        timeoutMs: Math.max(1, Math.round(upstream.timeoutMs - (performance.now() - started))),
        retries: upstream.retries,
        what: `CleanTalk ${method}`,
        pool: upstream.pool,
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
    } catch (error) {
      // JSON that is no check answer is a failure too; a refused key is a healthy CleanTalk's answer.
      if (answered && !(error instanceof LicenceError)) breaker?.failed();
      const outcome = withoutKey({
        decision: failDecision(resolved, token.jsEvidence === true),
        verified: false,
        basis: 'failure',
        codes: [],
        reason: '',
        error: asCheckError(error, method),
      });
      if (outcome.decision === 'block') outcome.reason = FAILURE_REASON;
      report(outcome.error as CheckError);
      return applyStartTokenPolicy(verdictOf(outcome), token.problem, invalidStartToken);
    }

    const decision = decisionOf(method, response);
    const verdict = verdictOf(
      withoutKey({
        decision,
        verified: true,
        basis: 'cleantalk',
        codes: response.codes,
        reason:
          decision === 'allow' ? '' : displayReason(response.comment) || defaultReason(decision, response),
        inactive: response.inactive,
        flags: pickFlags(response),
      }),
    );
    if (response.id) {
      verdict.requestId = response.id;
      verdict.dashboardUrl = dashboardUrl(response.id);
    }
    kind.read?.(verdict, body);
    return applyStartTokenPolicy(verdict, token.problem, invalidStartToken);
  }

  return {
    checkMessage: (submission) => check('check_message', submission),
    checkNewUser: (submission) => check('check_newuser', submission),
    checkBot: (submission) => check('check_bot', submission) as Promise<BotVerdict>,
    sendFeedback: (items, feedbackOptions) => sendFeedback(upstream, items, feedbackOptions),
    checkKey: (checkKeyOptions) => checkKey(database, checkKeyOptions),
    get circuit(): CircuitState {
      return breaker?.state ?? 'closed';
    },
  };
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
