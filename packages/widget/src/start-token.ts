import { readStartTokenAnswer } from '@ct-protected-form/fields';

/**
 * How long a start-token request may take before it is given up. A stalled server (a PHP session
 * lock, a hung backend) would otherwise leave it pending for good: no `ct-error`, and every submit
 * held 2 s for a token that never comes.
 */
export const START_TOKEN_TIMEOUT_MS = 10_000;

/**
 * Fetches a server-signed start token: `GET url` answering JSON `{"token": "…"}`. Never cached
 * (a start token is single-use and dated). Rejects on an HTTP error, an answer without a token, or
 * when `signal` aborts, by default after {@link START_TOKEN_TIMEOUT_MS}.
 */
export async function fetchStartToken(
  url: string,
  signal = AbortSignal.timeout(START_TOKEN_TIMEOUT_MS),
): Promise<string> {
  const response = await fetch(url, {
    cache: 'no-store',
    credentials: 'same-origin',
    headers: { accept: 'application/json' },
    signal,
  });
  const token = readStartTokenAnswer(response.ok ? await response.json() : null);
  if (token === undefined) throw new Error(`GET ${url}: ${response.status}, no start token`);
  return token;
}
