import { CtProtectedFormError } from '../errors.js';

/**
 * A replay store could not answer (unreachable, too slow, or full). A start token checked while
 * this happens is reported as `unavailable`, never as valid.
 */
export class ReplayStoreError extends CtProtectedFormError {
  constructor(problem: string, options?: { cause?: unknown }) {
    super('CT_REPLAY_STORE', `Recording a start token as used failed: ${problem}`, options);
    this.name = 'ReplayStoreError';
  }
}
