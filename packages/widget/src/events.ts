import { dispatch } from './dom.js';

/** Stable codes of {@link ProtectedFormErrorEvent}. */
export type ProtectedFormErrorCode =
  /** An attribute or option has a value that cannot be used (bad URL, unknown consent value…). */
  | 'CT_INVALID_OPTION'
  /**
   * The bot detector's script failed to load or was not allowed to (network, CSP, Trusted Types,
   * SRI mismatch, blocker).
   */
  | 'CT_DETECTOR_FAILED'
  /** The detector loaded, or was already on the page, but no event token showed up in time. */
  | 'CT_DETECTOR_TIMEOUT'
  /**
   * The start token could not be fetched from `start-token-url`: an error, no token, or no answer
   * within 10 s.
   */
  | 'CT_START_TOKEN_FAILED';

const init: EventInit = { bubbles: true, composed: true };

/**
 * `ct-ready`: waiting for the bot detector has ended. `hasToken` tells whether its event token is
 * now available to the protected forms (false: the detector failed or took too long).
 */
export class ProtectedFormReadyEvent extends Event {
  /** Whether the bot detector's event token is available. */
  readonly hasToken: boolean;

  constructor(hasToken: boolean) {
    super('ct-ready', init);
    this.hasToken = hasToken;
  }
}

/**
 * `ct-error`: something did not work out. The forms still submit; their fields simply carry less
 * (no event token, no start token), and the server-side verifier learns it from that.
 */
export class ProtectedFormErrorEvent extends Event {
  /** A stable, machine-readable code. */
  readonly code: ProtectedFormErrorCode;
  /** What was attempted and what went wrong. */
  readonly message: string;
  /** The underlying error, when there is one. */
  readonly cause: unknown;

  constructor(code: ProtectedFormErrorCode, message: string, cause?: unknown) {
    super('ct-error', init);
    this.code = code;
    this.message = message;
    this.cause = cause;
  }
}

/** Dispatches a `ct-error` on `target`; configuration problems also go to the console. Returns false. */
export function reportError(
  target: EventTarget,
  code: ProtectedFormErrorCode,
  message: string,
  cause?: unknown,
): false {
  if (code === 'CT_INVALID_OPTION') console.warn(message);
  dispatch(target, new ProtectedFormErrorEvent(code, message, cause));
  return false;
}
