import type { StartTimeProblem } from '../check/signals.js';
import type { Decision, Verdict } from '../check/verdict.js';
import { OptionsError } from '../errors.js';
import { describe } from '../options.js';

/**
 * What a check decides when a signed start token was sent but not accepted (`malformed`,
 * `tampered`, `expired`, `early`, `replayed`, or `unavailable` when the replay store could not
 * answer): `'review'` holds a submission CleanTalk allowed for moderation, `'block'` rejects it,
 * `'ignore'` leaves CleanTalk's decision as it is (the problem is still reported in
 * `verdict.startTime.problem` and sent to CleanTalk). A stricter decision is never relaxed.
 */
export type InvalidStartTokenPolicy = 'review' | 'block' | 'ignore';

const POLICIES: readonly InvalidStartTokenPolicy[] = ['review', 'block', 'ignore'];
const RANK: Record<Decision, number> = { allow: 0, review: 1, block: 2 };

export const START_TOKEN_REVIEW_REASON = 'Your message is held for moderation.';
export const START_TOKEN_BLOCK_REASON =
  'This form has expired or was already sent. Please reload the page and try again.';

export function validateInvalidStartTokenPolicy(value: unknown): InvalidStartTokenPolicy {
  if (!POLICIES.includes(value as InvalidStartTokenPolicy)) {
    throw new OptionsError(
      'invalidStartToken',
      `expected one of ${POLICIES.join(', ')}, got ${describe(value)}`,
    );
  }
  return value as InvalidStartTokenPolicy;
}

/**
 * Applies the policy to a verdict whose signed start token was rejected with `problem`. Returns the
 * verdict unchanged when there was no such problem, the policy is `'ignore'`, or the decision is
 * already as strict.
 */
export function applyStartTokenPolicy(
  verdict: Verdict,
  problem: StartTimeProblem | undefined,
  policy: InvalidStartTokenPolicy,
): Verdict {
  if (problem === undefined || policy === 'ignore') return verdict;
  if (RANK[verdict.decision] >= RANK[policy]) return verdict;
  return {
    ...verdict,
    decision: policy,
    reason: policy === 'block' ? START_TOKEN_BLOCK_REASON : verdict.reason || START_TOKEN_REVIEW_REASON,
  };
}
