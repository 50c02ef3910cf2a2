/** The answer of a {@link StartTokenVerifier}. */
export type StartTokenCheck =
  | {
      ok: true /** When the token was issued, ms since the epoch, on the server's clock. */;
      issuedAt: number;
    }
  | { ok: false; problem: 'malformed' | 'tampered' | 'expired' | 'early' | 'replayed' | 'unavailable' };

/**
 * Verifies a signed start token and marks it used. The verifier calls it for the `ct_start_token`
 * field; it must never throw for a bad token (answer `ok: false`) and should answer quickly.
 */
export interface StartTokenVerifier {
  verify(token: string): Promise<StartTokenCheck>;
}
