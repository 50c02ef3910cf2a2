import type { StartTokenVerifier } from '../start-token.js';
import type { StartTokens } from '../start-tokens/start-tokens.js';
import type { PlainResponse } from './blocked-response.js';

/** Where adapters serve fresh start tokens unless told otherwise. */
export const DEFAULT_START_TOKEN_PATH = '/ct-protected-form/start-token';

/** True when `tokens` can issue, not only verify (i.e. it came from `createStartTokens`). */
export function canIssue(tokens: StartTokenVerifier | undefined): tokens is StartTokens {
  return typeof (tokens as Partial<StartTokens> | undefined)?.issue === 'function';
}

/** The answer of the start-token route: `{"token":"…"}`, never cached. */
export async function startTokenResponse(tokens: StartTokens): Promise<PlainResponse> {
  return {
    status: 200,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
    body: JSON.stringify({ token: await tokens.issue() }),
  };
}
