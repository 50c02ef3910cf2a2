import type { StartTimeProblem } from '@ct-protected-form/fields';
import { getHeader } from '../check/headers.js';
import type { ClientSignals } from '../check/signals.js';
import { LIMITS, type Submission } from '../check/submission.js';
import type { VerifierLogger } from '../options.js';
import { readSessionCookie } from './session-cookie.js';
import type { StartTokenCheck, StartTokenProblem, StartTokenVerifier } from './start-token-verifier.js';

/** What a submission's start token says, for the request to CleanTalk and the verdict. */
export interface TokenEvidence {
  /** When the page was served, on the server's clock, when a token proved it. */
  verifiedStartedAt: number | undefined;
  /** Why the token (or its absence) was not accepted. */
  problem: StartTimeProblem | undefined;
  /**
   * Evidence that JavaScript ran, from what the server issued alone: true when a token (or a
   * start the caller verified) came back valid, false when one was refused, else unknown.
   */
  jsEvidence: boolean | undefined;
}

/**
 * What a refused token says about JavaScript: a forged or misused one is counted against it, one
 * of ours sent too early or too late says nothing, so a person who left the page open overnight is
 * held by the policy, not refused by CleanTalk as a script-less bot.
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

/** Reads a submission's start token for one verifier; warns once when its replay store fills up. */
export function createTokenReader(
  tokens: StartTokenVerifier | undefined,
  logger: VerifierLogger,
  timeoutMs: number,
): (submission: Submission, signals: ClientSignals) => Promise<TokenEvidence> | TokenEvidence {
  let replayStoreFull = false;

  function noteReplayCheck(result: StartTokenCheck): void {
    if (!result.ok) return;
    const full = result.replayChecked === false;
    if (full === replayStoreFull) return;
    replayStoreFull = full;
    if (full) {
      logger.warn(
        '[ct-protected-form] the start-token replay store is full: tokens are accepted without the single-use check and submit_time comes from the visitor clock until entries expire (use a larger maxEntries or the Redis store)',
      );
    } else {
      logger.warn('[ct-protected-form] the start-token replay store records tokens again');
    }
  }

  async function verify(submission: Submission, token: string): Promise<TokenEvidence> {
    const session = tokens?.cookieName
      ? readSessionCookie(getHeader(submission.headers, 'cookie', LIMITS.cookieHeader), tokens.cookieName)
      : undefined;
    const result = await verifyWithin(tokens as StartTokenVerifier, token, session, timeoutMs);
    noteReplayCheck(result);
    if (!result.ok) {
      return {
        verifiedStartedAt: undefined,
        problem: result.problem,
        jsEvidence: REFUSED_EVIDENCE[result.problem],
      };
    }
    // A token that could not be recorded as used may be a replay: its time is not trusted.
    const verifiedStartedAt = result.replayChecked !== false ? result.issuedAt : undefined;
    return { verifiedStartedAt, problem: undefined, jsEvidence: true };
  }

  // Synchronous unless a token has to be verified: the usual check without tokens awaits nothing here.
  return (submission, signals) => {
    const verifiedStartedAt = finiteOrUndefined(submission.verifiedStartedAt);
    if (verifiedStartedAt !== undefined) return { verifiedStartedAt, problem: undefined, jsEvidence: true };
    // A filled honeypot is decided without CleanTalk: it spends no start token either.
    if (!tokens || signals.honeypotFilled) {
      return { verifiedStartedAt: undefined, problem: undefined, jsEvidence: undefined };
    }
    // The page was served a JavaScript test and did not pass it: no script ran, or a bot skipped it.
    if (signals.startToken === undefined) {
      return { verifiedStartedAt: undefined, problem: 'missing', jsEvidence: false };
    }
    return verify(submission, signals.startToken);
  };
}

function finiteOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A replay store that does not answer within a second (or the check's deadline) is `unavailable`. */
async function verifyWithin(
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
