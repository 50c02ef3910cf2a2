import { type Transport, TransportError } from './transport.js';

/**
 * A {@link Transport} over any `fetch`: the `fetch` option goes through here, so a user's own
 * `fetch` (an undici dispatcher, a proxy, a test double) takes the same path as the default.
 * A `fetch` that threw cannot say whether the request arrived, so its failures are `'connection'`
 * and a check is never sent again through it.
 */
export function fromFetch(fetch: typeof globalThis.fetch): Transport {
  return async ({ url, method, headers, body, signal, maxBytes }) => {
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body, signal });
    } catch (error) {
      throw new TransportError(signal.aborted ? 'cancelled' : 'connection', error);
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      return { status: response.status, text: '' };
    }
    return { status: response.status, text: await readText(response, maxBytes, signal) };
  };
}

async function readText(response: Response, maxBytes: number, signal: AbortSignal): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (error) {
      throw new TransportError(signal.aborted ? 'cancelled' : 'body', error);
    }
    if (chunk.done) break;
    bytes += chunk.value.byteLength;
    if (bytes > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new TransportError('too-large');
    }
    text += decoder.decode(chunk.value, { stream: true });
  }
  return text + decoder.decode();
}
