import http from 'node:http';
import https from 'node:https';
import { urlToHttpOptions } from 'node:url';
import { type Transport, TransportError } from './transport.js';

/**
 * The verifier's default transport on Node, on Node's own `http`/`https` with kept-alive agents:
 * it skips what a WHATWG `Response` costs per call (a `ReadableStream`, `Headers`), about a quarter
 * of a check's client CPU on Node 20 (see `bench/adapters.mjs`). `close()` drops the kept-alive
 * sockets.
 */
export interface HttpTransport extends Transport {
  close(): void;
}

/** Sockets one transport opens per host at most, unless told otherwise. */
export const DEFAULT_MAX_SOCKETS = 64;

/**
 * Creates an {@link HttpTransport}. Redirects are not followed (CleanTalk does not redirect; a 3xx is
 * an HTTP status error). At most `maxSockets` sockets per host are open; the verifier's connection
 * pool keeps its calls within the same bound, so none waits in the agent's own unbounded queue.
 */
export function createHttpTransport(maxSockets = DEFAULT_MAX_SOCKETS): HttpTransport {
  const agentOptions = {
    keepAlive: true,
    maxSockets,
    maxFreeSockets: maxSockets,
    scheduling: 'lifo' as const,
  };
  const agents = { 'http:': new http.Agent(agentOptions), 'https:': new https.Agent(agentOptions) };

  const transport: Transport = (call) =>
    new Promise((resolve, reject) => {
      const { url } = call;
      const headers: Record<string, string> = { ...call.headers };
      if (call.body !== undefined) headers['content-length'] = String(Buffer.byteLength(call.body));
      const request = (url.protocol === 'https:' ? https : http).request({
        ...requestTarget(url),
        method: call.method,
        headers,
        agent: agents[url.protocol === 'https:' ? 'https:' : 'http:'],
      });
      let answered = false;
      let connected = false;
      let settled = false;
      // The verifier's calls take a hook; anyone else's signal gets a listener, removed when settled.
      const signal = call.onCancel ? undefined : call.signal;
      const cancel = () => fail('cancelled');
      const fail = (kind: TransportError['kind'], cause?: unknown) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', cancel);
        request.destroy();
        reject(new TransportError(kind, cause));
      };
      if (signal) {
        if (signal.aborted) cancel();
        else signal.addEventListener('abort', cancel, { once: true });
      } else call.onCancel?.(cancel);
      if (settled) return;
      let written = false;
      request.on('socket', (socket) => {
        // A reused socket is connected already; a new one connects (or fails to) later.
        if (request.reusedSocket || !socket.connecting) connected = true;
        else socket.once('connect', () => (connected = true));
      });
      request.on('finish', () => (written = true));
      request.on('error', (error) => {
        if (answered) fail('body', error);
        // Never connected, or a kept-alive socket that died while the request was still being
        // written: the server cannot have read all of it. Once it is written, the server may have
        // processed it, whatever happens next: never sent again.
        else if (!connected || (request.reusedSocket && !written)) fail('unsent', error);
        else fail('connection', error);
      });
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
          signal?.removeEventListener('abort', cancel);
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

  return Object.assign(transport, {
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
