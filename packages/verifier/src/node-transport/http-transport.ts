import http from 'node:http';
import https from 'node:https';
import { urlToHttpOptions } from 'node:url';
import { ExchangeError, TEXT_EXCHANGE, type TextExchange } from '../text-exchange.js';

/**
 * The verifier's default transport on Node: a {@link TextExchange} on Node's own `http`/`https`
 * with kept-alive agents, a fraction of the CPU of Node 20's global `fetch` per check (see
 * `bench/adapters.mjs`), and a `close()` that drops the kept-alive sockets. Called as a `fetch`
 * (nothing in the verifier does), it hands the call to the global `fetch`.
 */
export interface HttpTransport {
  (input: string | URL | Request, init?: RequestInit): Promise<Response>;
  close(): void;
  [TEXT_EXCHANGE]: TextExchange;
}

/**
 * Creates an {@link HttpTransport}. Redirects are not followed (CleanTalk does not redirect; a 3xx is
 * an HTTP status error).
 */
export function createHttpTransport(): HttpTransport {
  const agentOptions = {
    keepAlive: true,
    maxSockets: Number.POSITIVE_INFINITY,
    maxFreeSockets: 1024,
    scheduling: 'lifo' as const,
  };
  const agents = { 'http:': new http.Agent(agentOptions), 'https:': new https.Agent(agentOptions) };

  const exchange: TextExchange = (call, cancel) =>
    new Promise((resolve, reject) => {
      const { url } = call;
      const headers = { ...call.headers };
      if (call.body !== undefined) headers['content-length'] = String(Buffer.byteLength(call.body));
      const request = (url.protocol === 'https:' ? https : http).request({
        ...requestTarget(url),
        method: call.method,
        headers,
        agent: agents[url.protocol === 'https:' ? 'https:' : 'http:'],
      });
      let answered = false;
      let settled = false;
      const fail = (kind: ExchangeError['kind'], cause?: unknown) => {
        if (settled) return;
        settled = true;
        request.destroy();
        reject(new ExchangeError(kind, cause));
      };
      cancel.onCancel(() => fail('cancelled'));
      request.on('error', (error) => fail(answered ? 'body' : 'connection', error));
      request.on('response', (response) => {
        answered = true;
        const status = response.statusCode ?? 0;
        const ok = status >= 200 && status <= 299;
        const chunks: Buffer[] = [];
        let bytes = 0;
        response.on('data', (chunk: Buffer) => {
          if (!ok) return;
          bytes += chunk.byteLength;
          if (bytes > call.maxBytes) fail('too-large');
          else chunks.push(chunk);
        });
        response.on('end', () => {
          if (settled) return;
          settled = true;
          resolve({ status, text: ok ? Buffer.concat(chunks, bytes).toString('utf8') : '' });
        });
        // A connection that breaks after the headers fails the answer, not the connection stage.
        response.on('error', (error) => fail('body', error));
        response.on('close', () => {
          if (!response.complete) fail('body');
        });
      });
      request.end(call.body);
    });

  const asFetch = (input: string | URL | Request, init?: RequestInit) => globalThis.fetch(input, init);
  return Object.assign(asFetch, {
    [TEXT_EXCHANGE]: exchange,
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  });
}

/**
 * What `http.request` needs of `url`, worked out once per URL: converting a `URL` on every call is
 * a visible part of a check's CPU.
 */
const targets = new WeakMap<URL, http.RequestOptions>();
function requestTarget(url: URL): http.RequestOptions {
  let target = targets.get(url);
  if (!target) {
    target = urlToHttpOptions(url);
    targets.set(url, target);
  }
  return target;
}
