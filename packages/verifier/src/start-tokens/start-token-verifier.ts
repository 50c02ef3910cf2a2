import type { StartTokenProblem } from '@ct-protected-form/fields';

export type { StartTokenProblem };

/** The answer of a {@link StartTokenVerifier}. */
export type StartTokenCheck =
  | {
      ok: true;
      /** When the token was issued, ms since the epoch, on the server's clock. */
      issuedAt: number;
      /**
       * `false` when the replay store was full and the token could not be recorded as used: it may
       * have been used before, so its time is not trusted and the visitor's clock is used instead.
       */
      replayChecked?: boolean;
    }
  | { ok: false; problem: StartTokenProblem };

/** What a start token is checked against besides its signature. */
export interface StartTokenContext {
  /**
   * The visitor's session value, from the cookie the start-token route set. A token issued for a
   * session is `foreign` under any other session, or none.
   */
  session?: string | undefined;
}

/**
 * Verifies a signed start token and marks it used. The verifier calls it for the `ct_start_token`
 * field; it must never throw for a bad token (answer `ok: false`) and should answer quickly.
 */
export interface StartTokenVerifier {
  verify(token: string, context?: StartTokenContext): Promise<StartTokenCheck>;
  /** The cookie holding the session a token is bound to, when tokens are bound to one. */
  readonly cookieName?: string;
}
