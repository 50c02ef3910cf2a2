import { safeString } from './check/safe-string.js';

/**
 * Every error this package creates extends {@link CtProtectedFormError}: a fixed `name`, a stable
 * `code` to branch on, and a message that says what was attempted. None of them ever carries the
 * auth key.
 *
 * Only {@link OptionsError} and {@link SubmissionError} are thrown (configuration and programming
 * errors). The others describe why a check could not be verified and arrive as `verdict.error`.
 */
export class CtProtectedFormError extends Error {
  /** A stable, machine-readable code, e.g. `CT_TIMEOUT`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CtProtectedFormError';
    this.code = code;
  }
}

/** An option passed to `createVerifier()` (or an adapter) is missing or ill-formed. Thrown at construction. */
export class OptionsError extends CtProtectedFormError {
  /** The option's name, e.g. `timeoutMs`. */
  readonly option: string;

  constructor(option: string, problem: string) {
    super('CT_INVALID_OPTION', `Invalid option "${option}": ${problem}`);
    this.name = 'OptionsError';
    this.option = option;
  }
}

/** The submission handed to a check is not usable (e.g. no valid visitor IP). Thrown. */
export class SubmissionError extends CtProtectedFormError {
  /** The submission property at fault, e.g. `ip`. */
  readonly field: string;

  constructor(field: string, problem: string) {
    super('CT_INVALID_SUBMISSION', `Invalid submission "${field}": ${problem}`);
    this.name = 'SubmissionError';
    this.field = field;
  }
}

/** CleanTalk did not answer within `timeoutMs`. */
export class TimeoutError extends CtProtectedFormError {
  readonly timeoutMs: number;

  constructor(what: string, timeoutMs: number) {
    super('CT_TIMEOUT', `${what} did not answer within ${timeoutMs} ms`);
    this.name = 'TimeoutError';
    this.timeoutMs = timeoutMs;
  }
}

/** The connection failed: refused, reset, DNS, TLS. */
export class ConnectionError extends CtProtectedFormError {
  constructor(what: string, cause: unknown) {
    super('CT_CONNECTION', `${what} failed to connect: ${describeCause(cause)}`, { cause });
    this.name = 'ConnectionError';
  }
}

/** CleanTalk answered with an HTTP status other than 2xx. */
export class HttpStatusError extends CtProtectedFormError {
  readonly status: number;
  /** The URL that answered, without its query (which may hold the access key). */
  readonly url: string | undefined;

  constructor(what: string, status: number, url?: URL) {
    const where = url ? `${url.origin}${url.pathname}` : undefined;
    super('CT_HTTP_STATUS', `${what} answered HTTP ${status}${where ? ` at ${where}` : ''}`);
    this.name = 'HttpStatusError';
    this.status = status;
    this.url = where;
  }
}

/** The answer was not the JSON CleanTalk sends: not JSON, truncated, too large, or missing fields. */
export class ResponseError extends CtProtectedFormError {
  constructor(what: string, problem: string) {
    super('CT_BAD_RESPONSE', `${what} sent an unusable answer: ${problem}`);
    this.name = 'ResponseError';
  }
}

/**
 * The check was not sent: CleanTalk failed too many times in a row and the circuit breaker is open.
 * The verdict follows `failMode` at once.
 */
export class CircuitOpenError extends CtProtectedFormError {
  constructor(what: string) {
    super('CT_CIRCUIT_OPEN', `${what} was not sent: CleanTalk kept failing and the circuit is open`);
    this.name = 'CircuitOpenError';
  }
}

/**
 * CleanTalk refused the site's key (`KEY_NOT_FOUND`, `SERVICE_DISABLED`, `TRIAL_EXPIRED`,
 * `SERVICE_FREEZED`): a configuration problem of the site, never the visitor's fault.
 */
export class LicenceError extends CtProtectedFormError {
  /** The licence code CleanTalk sent. */
  readonly licenceCode: string;

  constructor(licenceCode: string) {
    super(
      'CT_LICENCE',
      `CleanTalk refused the access key (${licenceCode}): check the key and the account at cleantalk.org`,
    );
    this.name = 'LicenceError';
    this.licenceCode = licenceCode;
  }
}

/** The database API (`api.cleantalk.org`) answered with `error_no` / `error_message`. */
export class ApiError extends CtProtectedFormError {
  /** CleanTalk's `error_no`. */
  readonly errorNo: number;

  constructor(what: string, errorNo: number, errorMessage: string) {
    super('CT_API_ERROR', `${what} failed with CleanTalk error ${errorNo}: ${errorMessage}`);
    this.name = 'ApiError';
    this.errorNo = errorNo;
  }
}

/** The reason a check was not verified: one of the non-thrown kinds above. */
export type CheckError =
  | TimeoutError
  | ConnectionError
  | HttpStatusError
  | ResponseError
  | LicenceError
  | CircuitOpenError;

function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    const inner = (cause as { cause?: { code?: unknown; message?: unknown } }).cause;
    const innerCode = typeof inner?.code === 'string' ? inner.code : undefined;
    const message = typeof cause.message === 'string' ? cause.message : '';
    return [typeof code === 'string' ? code : innerCode, message].filter(Boolean).join(' ');
  }
  // A custom fetch may throw anything, even an object String() cannot convert.
  return safeString(cause);
}
