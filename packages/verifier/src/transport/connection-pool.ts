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
    const free = this.tryAcquire();
    if (free) return Promise.resolve(free);
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

  /**
   * A slot's `release` function when one is free now, else undefined (then {@link acquire} waits
   * in line): a call that finds a free slot goes out without waiting for a promise.
   */
  tryAcquire(): (() => void) | undefined {
    if (this.#inUse >= this.size) return undefined;
    this.#inUse++;
    return this.#releaser();
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
