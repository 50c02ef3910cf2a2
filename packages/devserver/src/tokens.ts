import { randomBytes } from 'node:crypto';
import { EVENT_TOKEN_LENGTH } from '@ct-protected-form/fields';

/**
 * The event tokens this server handed to its stand-in bot detector. Only these count as valid:
 * a well-formed token the server never issued is treated like no token at all. Memory is bounded:
 * past `capacity` the oldest token is forgotten.
 */
export class TokenStore {
  readonly #tokens = new Set<string>();

  constructor(readonly capacity = 10_000) {}

  /** Issues and remembers a new random token of {@link EVENT_TOKEN_LENGTH} hex characters. */
  issue(): string {
    const token = randomBytes(EVENT_TOKEN_LENGTH / 2).toString('hex');
    this.#tokens.add(token);
    if (this.#tokens.size > this.capacity) {
      const oldest = this.#tokens.values().next().value;
      if (oldest !== undefined) this.#tokens.delete(oldest);
    }
    return token;
  }

  /** True when `token` was issued by this server and not yet forgotten. */
  has(token: unknown): boolean {
    return typeof token === 'string' && this.#tokens.has(token);
  }

  get size(): number {
    return this.#tokens.size;
  }
}
