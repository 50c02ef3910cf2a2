import { CtProtectedFormError } from '../errors.js';

/**
 * A replay store could not answer (unreachable, too slow, or full). A start token checked while
 * the store is unreachable or slow is reported as `unavailable`, never as valid; see
 * {@link ReplayStoreError.full} for a full store.
 */
export class ReplayStoreError extends CtProtectedFormError {
  /**
   * True when the store answered but holds its maximum of unexpired entries. A token is then
   * checked without its replay test (the visitor's clock measures `submit_time`, one warning is
   * logged) instead of holding every visitor's submission.
   */
  readonly full: boolean;

  constructor(problem: string, options?: { cause?: unknown; full?: boolean }) {
    super('CT_REPLAY_STORE', `Recording a start token as used failed: ${problem}`, options);
    this.name = 'ReplayStoreError';
    this.full = options?.full ?? false;
  }
}
