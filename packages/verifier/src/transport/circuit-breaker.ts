import { OptionsError } from '../errors.js';
import { describe, validateInteger } from '../options.js';

/** The breaker's state: `closed` (calls go out), `open` (none do), `half-open` (one probe does). */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** Options of the circuit breaker in front of CleanTalk's real-time API. */
export interface CircuitBreakerOptions {
  /**
   * Consecutive failed checks (timeouts, connection errors, HTTP 5xx, unusable answers) that open
   * the circuit.
   * @default 5
   */
  failures?: number;
  /**
   * How long the circuit stays open before one check is let through as a probe, in milliseconds.
   * @default 10000
   */
  openMs?: number;
}

/**
 * Stops calling CleanTalk while it keeps failing: once open, checks answer by `failMode` at once
 * instead of each waiting out its deadline (and holding a connection); after `openMs` one check
 * probes, and its success closes the circuit again.
 */
export class CircuitBreaker {
  readonly #failures: number;
  readonly #openMs: number;
  readonly #now: () => number;
  readonly #onChange: (state: CircuitState, reason: string) => void;
  #state: CircuitState = 'closed';
  #consecutive = 0;
  #openedAt = 0;
  #probing = false;

  constructor(
    options: CircuitBreakerOptions | undefined,
    now: () => number,
    onChange: (state: CircuitState, reason: string) => void,
  ) {
    if (options !== undefined && (options === null || typeof options !== 'object')) {
      throw new OptionsError('circuitBreaker', `expected an object or false, got ${describe(options)}`);
    }
    this.#failures = validateInteger('circuitBreaker.failures', options?.failures ?? 5, 1, 1_000);
    this.#openMs = validateInteger('circuitBreaker.openMs', options?.openMs ?? 10_000, 100, 3_600_000);
    this.#now = now;
    this.#onChange = onChange;
  }

  get state(): CircuitState {
    return this.#state;
  }

  /** True when a call may go out now. While half-open, only the one probe may. */
  allow(): boolean {
    if (this.#state === 'closed') return true;
    if (this.#state === 'open') {
      if (this.#now() - this.#openedAt < this.#openMs) return false;
      this.#set('half-open', 'probing CleanTalk with one check');
    }
    if (this.#probing) return false;
    this.#probing = true;
    return true;
  }

  /** A call that went out got a usable answer. */
  succeeded(): void {
    this.#consecutive = 0;
    this.#probing = false;
    if (this.#state !== 'closed') this.#set('closed', 'CleanTalk answered again');
  }

  /** A call that went out failed. */
  failed(): void {
    this.#consecutive++;
    const probeFailed = this.#state === 'half-open';
    this.#probing = false;
    if (probeFailed || (this.#state === 'closed' && this.#consecutive >= this.#failures)) {
      this.#openedAt = this.#now();
      this.#set(
        'open',
        probeFailed
          ? 'the probe failed'
          : `${this.#consecutive} checks in a row failed; checks answer by failMode for ${this.#openMs} ms`,
      );
    }
  }

  #set(state: CircuitState, reason: string): void {
    this.#state = state;
    this.#onChange(state, reason);
  }
}
