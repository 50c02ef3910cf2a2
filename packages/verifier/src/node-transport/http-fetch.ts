import http from 'node:http';
import https from 'node:https';
import { urlToHttpOptions } from 'node:url';
import { ExchangeError, TEXT_EXCHANGE, type TextExchange } from '../text-exchange.js';

/** Options of {@link createHttpFetch}. */
export interface HttpFetchOptions {
  /**
   * Sockets per host at most, in use and idle together.
   * @default Infinity
   */
  maxSockets?: number;
  /**
   * Idle kept-alive sockets per host at most.
   * @default 1024
   */
  maxFreeSockets?: number;
}

/**
 * A `fetch` for the verifier's calls, with a `close()` that drops its kept-alive sockets, and the
 * verifier's faster {@link TextExchange} over the same sockets.
 */
export interface HttpFetch {
  (input: string | URL | Request, init?: RequestInit): Promise<Response>;
  close(): void;
  [TEXT_EXCHANGE]: TextExchange;
}

const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

/**
 * A `fetch` for the verifier on Node's own `http`/`https` with kept-alive agents. It covers what
 * the verifier sends (string or `URLSearchParams` bodies, plain headers, an `AbortSignal`) and hands
 * anything else to the global `fetch`. It costs a fraction of the CPU of Node 20's global `fetch`
 * per call (see `bench/adapters.mjs`). It is the verifier's default transport on Node.
 *
 * Redirects are not followed (CleanTalk does not redirect; a 3xx is an HTTP status error).
 * The verifier itself calls its {@link TextExchange}, which skips the WHATWG objects.
 */
export function createHttpFetch(options: HttpFetchOptions = {}): HttpFetch {
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.maxSockets ?? Number.POSITIVE_INFINITY,
    maxFreeSockets: options.maxFreeSockets ?? 1024,
    scheduling: 'lifo' as const,
  };
  const agents = { 'http:': new http.Agent(agentOptions), 'https:': new https.Agent(agentOptions) };

  const httpFetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const body = init.body;
    const simpleBody =
      body === undefined || body === null || typeof body === 'string' || body instanceof URLSearchParams;
    const url = typeof input === 'string' ? new URL(input) : input instanceof URL ? input : undefined;
    if (!url || !simpleBody || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      return globalThis.fetch(input, init);
    }
    const signal = init.signal ?? undefined;
    if (signal?.aborted) return Promise.reject(abortReason(signal));

    const headers = plainHeaders(init.headers);
    let payload: string | undefined;
    if (body instanceof URLSearchParams) {
      payload = body.toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded;charset=UTF-8';
    } else if (typeof body === 'string') {
      payload = body;
      headers['content-type'] ??= 'text/plain;charset=UTF-8';
    }
    if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));

    return new Promise<Response>((resolve, reject) => {
      const agent = agents[url.protocol as 'http:' | 'https:'];
      const request = (url.protocol === 'https:' ? https : http).request(url, {
        method: init.method ?? 'GET',
        headers,
        agent,
      });
      const onAbort = () => {
        // Before the answer this rejects the call; after it, it fails the body being read.
        request.destroy(abortReason(signal!) as Error);
        reject(abortReason(signal!));
      };
      const done = () => signal?.removeEventListener('abort', onAbort);
      signal?.addEventListener('abort', onAbort, { once: true });

      request.on('error', (error) => {
        done();
        reject(error);
      });
      request.on('response', (response) => {
        const status = response.statusCode ?? 0;
        const responseHeaders = new Headers();
        const contentType = response.headers['content-type'];
        if (contentType) responseHeaders.set('content-type', contentType);
        let body: ReadableStream<Uint8Array> | null = null;
        if (NULL_BODY_STATUS.has(status)) {
          response.resume();
          response.on('end', done);
        } else {
          // Streamed like fetch: a connection that breaks after the headers fails the body, not the call.
          body = new ReadableStream<Uint8Array>({
            start(controller) {
              response.on('data', (chunk: Buffer) => {
                controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
                if ((controller.desiredSize ?? 0) <= 0) response.pause();
              });
              response.on('end', () => {
                done();
                controller.close();
              });
              response.on('error', (error) => {
                done();
                controller.error(error);
              });
            },
            pull() {
              response.resume();
            },
            cancel() {
              done();
              response.destroy();
            },
          });
        }
        resolve(
          new Response(body, { status, statusText: response.statusMessage ?? '', headers: responseHeaders }),
        );
      });
      request.end(payload);
    });
  };

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

  return Object.assign(httpFetch, {
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

function plainHeaders(input: HeadersInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!input) return out;
  if (input instanceof Headers || Array.isArray(input)) {
    for (const [name, value] of new Headers(input)) out[name] = value;
    return out;
  }
  for (const [name, value] of Object.entries(input)) out[name.toLowerCase()] = value;
  return out;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}
