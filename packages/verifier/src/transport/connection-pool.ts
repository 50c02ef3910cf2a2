/** How a waiting call tells the pool it was cancelled: the hook given last runs once. */
export interface CancelHook {
  onCancel(hook: () => void): void;
}

/**
 * Bounds how many calls to CleanTalk are in flight at once, so a stalled upstream cannot make the
 * app open a socket per waiting check. Calls beyond the bound wait in line, first come first
 * served, and leave the line when their deadline cancels them: a queued check still answers within
 * its own deadline.
 */
export class ConnectionPool {
  readonly size: number;
  #inUse = 0;
  #waiting: { grant: (release: () => void) => void }[] = [];

  constructor(size: number) {
    this.size = size;
  }

  /** Calls in flight now. */
  get inUse(): number {
    return this.#inUse;
  }

  /** Calls waiting for a free slot now. */
  get queued(): number {
    return this.#waiting.length;
  }

  /**
   * Resolves with a `release` function once a slot is free; rejects with `cancelled` when `cancel`
   * fires first (the slot is then never taken).
   */
  acquire(cancel: CancelHook, cancelled: () => Error): Promise<() => void> {
    if (this.#inUse < this.size) {
      this.#inUse++;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve, reject) => {
      const waiter = { grant: resolve };
      this.#waiting.push(waiter);
      cancel.onCancel(() => {
        const index = this.#waiting.indexOf(waiter);
        if (index >= 0) this.#waiting.splice(index, 1);
        reject(cancelled());
      });
    });
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      // The slot passes straight to the next in line: the count in use does not change.
      if (next) next.grant(this.#releaser());
      else this.#inUse--;
    };
  }
}
