import { CtProtectedFormError } from '../../errors.js';

/**
 * An adapter could not read the request well enough to check it: a malformed, oversized or
 * unsupported body, or no usable client IP. Carries the HTTP status to answer (`statusCode`, also
 * as `status` for Express error handlers); the message is safe to show.
 */
export class RequestError extends CtProtectedFormError {
  /** The HTTP status to answer: 400, 413 or 415. */
  readonly statusCode: 400 | 413 | 415;
  /** The same status, for Express-style error handlers. */
  readonly status: 400 | 413 | 415;
  /** The message describes the request, not the server: safe to send to the client. */
  readonly expose = true;

  constructor(code: string, statusCode: 400 | 413 | 415, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'RequestError';
    this.statusCode = statusCode;
    this.status = statusCode;
  }
}
