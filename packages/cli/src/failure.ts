import {
  ApiError,
  ConnectionError,
  HttpStatusError,
  LicenceError,
  ResponseError,
  TimeoutError,
} from '@ct-protected-form/verifier';
import { KEY_VARIABLE } from './connection.js';

/**
 * A one-paragraph explanation of why CleanTalk could not be asked, with what to check. Built from
 * the verifier's typed errors, whose messages never hold the access key.
 */
export function explainFailure(error: unknown, origin: string): string {
  if (error instanceof ApiError) {
    const keyProblem = /key/i.test(error.message);
    return keyProblem
      ? `${error.message}\nCheck the access key (${KEY_VARIABLE} or --key) and the account at cleantalk.org.`
      : error.message;
  }
  if (error instanceof LicenceError) return error.message;
  if (error instanceof TimeoutError || error instanceof ConnectionError) {
    return `Could not reach CleanTalk at ${origin}: ${error.message}`;
  }
  if (error instanceof HttpStatusError || error instanceof ResponseError) {
    return `CleanTalk at ${origin} did not answer usably: ${error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}
