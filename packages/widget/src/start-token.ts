import { readStartTokenAnswer } from '@ct-protected-form/fields';

/**
 * Fetches a server-signed start token: `GET url` answering JSON `{"token": "…"}`. Never cached
 * (a start token is single-use and dated). Rejects on an HTTP error or an answer without a token.
 */
export async function fetchStartToken(url: string, signal?: AbortSignal): Promise<string> {
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
