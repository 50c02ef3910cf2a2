/**
 * The one seam between the verifier and the network. Two implementations: the kept-alive Node
 * client (`node-client.ts`, the default on Node) and `fromFetch()` (any `fetch`: the `fetch` option,
 * and the default elsewhere). Everything above it (deadlines, retries, the connection pool, JSON)
 * is written once, in `call-json.ts`.
 */
export type Transport = (request: TransportRequest) => Promise<TransportAnswer>;

export interface TransportRequest {
  url: URL;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body: string | undefined;
  /** Aborted at the call's deadline or by the caller: the transport then fails with `'cancelled'`. */
  signal: AbortSignal;
  /**
   * The same cancellation as `signal`, as a hook: run once at cancellation, or at once when the
   * call is cancelled already. The verifier's own calls give it; reading `signal` instead makes
   * an `AbortSignal` for the call, which a transport that can take a hook has no need of.
   */
  onCancel?(hook: () => void): void;
  /** Answers longer than this fail with {@link TransportError} `'too-large'`. */
  maxBytes: number;
}

export interface TransportAnswer {
  status: number;
  /** The body for a 2xx answer; `''` for any other status (its body is drained, not read). */
  text: string;
}

/**
 * Why a call failed: `'unsent'` when the request cannot have reached the server whole (no
 * connection was made, or a kept-alive socket died before the request was written out: safe to
 * send again), `'connection'` when it may have arrived (never sent again: the server may have
 * processed it; all a `fetch` that threw can say), `'body'` when the connection broke during the
 * answer, `'too-large'`, or `'cancelled'`.
 */
export class TransportError extends Error {
  constructor(
    readonly kind: 'unsent' | 'connection' | 'body' | 'too-large' | 'cancelled',
    cause?: unknown,
  ) {
    super(cause instanceof Error ? cause.message : kind, { cause });
    this.name = 'TransportError';
  }
}
