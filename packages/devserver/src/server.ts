import { createServer, type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { answerApi, IpActivity } from './api.js';
import { describeBrowserSignals } from './browser-signals.js';
import { answerDatabase, RateLimiter } from './database.js';
import {
  DETECTOR_SCRIPT_PATH,
  DETECTOR_WRAPPER_PATH,
  EVENT_TOKEN_PATH,
  standInDetectorSource,
  standInWrapperSource,
} from './detector.js';
import { type Fault, FaultError, type FaultPath, FaultSwitch } from './faults.js';
import { CORS_HEADERS, formFields, parseJson, readBody, recordedBody, send, sendJson } from './http.js';
import { type DevServerOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { type RecordedRequest, Recorder } from './recorder.js';
import { type DevServerRules, defaultRules } from './rules.js';
import { TokenStore } from './tokens.js';

/** A running devserver. */
export interface DevServer {
  /** Base URL, `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Real-time API endpoint, `${url}/api2.0` (POST JSON). */
  readonly apiUrl: string;
  /** Database API base, `${url}/db/` (`?method_name=spam_check|ip_info|notice_paid_till`). */
  readonly databaseUrl: string;
  /** The stand-in bot detector's wrapper script, `${url}/ct-bot-detector-wrapper.js`. */
  readonly detectorUrl: string;
  /** Recorded real-time and database API requests, oldest first (a snapshot). */
  readonly requests: readonly RecordedRequest[];
  /** The newest recorded request, optionally the newest with this `method_name`. */
  lastRequest(methodName?: string): RecordedRequest | undefined;
  /** Forgets the recorded requests. */
  clearRequests(): void;
  /** Injects a fault into the APIs; `null` clears it. Throws a `FaultError` for an invalid fault. */
  setFault(fault: Fault | null): void;
  /** The live, mutable rule lists. */
  readonly rules: DevServerRules;
  /** TCP connections accepted so far. */
  readonly connectionsAccepted: number;
  /** How many times the detector wrapper script was served. */
  readonly detectorLoads: number;
  /** Issues a valid event token, as the stand-in detector would get for a page. */
  issueEventToken(): string;
  /** Stops listening and closes every open connection, including kept-alive and hanging ones. */
  close(): Promise<void>;
}

const CONTROL_PREFIX = '/__devserver/';

class RunningDevServer implements DevServer {
  readonly rules: DevServerRules;
  readonly #options: ResolvedOptions;
  readonly #recorder: Recorder;
  readonly #tokens = new TokenStore();
  readonly #faults = new FaultSwitch();
  readonly #activity = new IpActivity();
  readonly #limiter = new RateLimiter();
  readonly #asked = new Set<string>();
  readonly #server = createServer();
  readonly #waits = new Set<() => void>();
  #connections = 0;
  #detectorLoads = 0;
  #closing: Promise<void> | undefined;
  url = '';

  constructor(options: ResolvedOptions) {
    this.#options = options;
    this.#recorder = new Recorder(options.maxRecorded);
    this.rules = defaultRules(options);
    this.#server.on('connection', () => {
      this.#connections += 1;
    });
    this.#server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      this.#handle(request, response).catch(() => {
        if (!response.headersSent)
          sendJson(response, 500, { error_message: 'Internal error.', error_no: 500 });
        else response.destroy();
      });
    });
    this.#server.on('clientError', (_error: Error, socket: Socket) => {
      if (socket.writable)
        socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      else socket.destroy();
    });
  }

  async listen(): Promise<void> {
    const { port, host } = this.#options;
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    const address = this.#server.address() as AddressInfo;
    const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.url = `http://${shownHost}:${address.port}`;
  }

  get apiUrl(): string {
    return `${this.url}/api2.0`;
  }

  get databaseUrl(): string {
    return `${this.url}/db/`;
  }

  get detectorUrl(): string {
    return `${this.url}${DETECTOR_WRAPPER_PATH}`;
  }

  get requests(): readonly RecordedRequest[] {
    return [...this.#recorder.requests];
  }

  lastRequest(methodName?: string): RecordedRequest | undefined {
    return this.#recorder.last(methodName);
  }

  clearRequests(): void {
    this.#recorder.clear();
  }

  setFault(fault: Fault | null): void {
    this.#faults.set(fault);
  }

  get connectionsAccepted(): number {
    return this.#connections;
  }

  get detectorLoads(): number {
    return this.#detectorLoads;
  }

  issueEventToken(): string {
    return this.#tokens.issue();
  }

  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      for (const wake of this.#waits) wake();
      this.#waits.clear();
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
    return this.#closing;
  }

  /** Waits `ms`, or less when the server closes; false when it closed. */
  #sleep(ms: number): Promise<boolean> {
    if (this.#closing) return Promise.resolve(false);
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#waits.delete(wake);
        resolve(!this.#closing);
      };
      const timer = setTimeout(wake, ms);
      this.#waits.add(wake);
    });
  }

  #log(line: string): void {
    if (!this.#options.quiet) process.stderr.write(`ct-devserver ${line}\n`);
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = requestUrl(request.url);
    if (!url) {
      request.resume();
      return sendJson(response, 400, { error_message: 'Bad request target.', error_no: 400 });
    }
    const path = url.pathname;
    const method = request.method ?? 'GET';

    if (path === '/api2.0' || path === '/api2.0/') return this.#api(request, response, url);
    if (path === '/db' || path === '/db/') return this.#database(request, response, url);

    if (path === DETECTOR_WRAPPER_PATH || path === DETECTOR_SCRIPT_PATH || path === EVENT_TOKEN_PATH) {
      if (method === 'OPTIONS') return send(response, 204, '', 'text/plain', CORS_HEADERS);
    }
    if (path === DETECTOR_WRAPPER_PATH && (method === 'GET' || method === 'HEAD')) {
      this.#detectorLoads += 1;
      this.#log(`GET ${path}`);
      const source = standInWrapperSource({ wrapperUrl: `${this.#origin(request)}${path}${url.search}` });
      return this.#script(response, source);
    }
    if (path === DETECTOR_SCRIPT_PATH && (method === 'GET' || method === 'HEAD')) {
      const delay = Number(url.searchParams.get('delay') ?? Number.NaN);
      const delayMs =
        Number.isInteger(delay) && delay >= 0 && delay <= 600_000 ? delay : this.#options.detectorDelayMs;
      const source = standInDetectorSource({
        delayMs,
        tokenUrl: `${this.#origin(request)}${EVENT_TOKEN_PATH}`,
      });
      return this.#script(response, source);
    }
    if (path === EVENT_TOKEN_PATH && method === 'POST') {
      request.resume();
      return sendJson(
        response,
        200,
        { event_token: this.#tokens.issue() },
        { ...CORS_HEADERS, 'cache-control': 'no-store' },
      );
    }
    if (path.startsWith(CONTROL_PREFIX)) return this.#control(request, response, path, method);
    request.resume();
    sendJson(response, 404, { error_message: `Not found: ${path}`, error_no: 404 });
  }

  /** The origin the client reached this server by, for URLs baked into the detector scripts. */
  #origin(request: IncomingMessage): string {
    const host = request.headers.host;
    return host && /^[\w.-]+(:\d+)?$|^\[[\da-f:.]+\](:\d+)?$/i.test(host) ? `http://${host}` : this.url;
  }

  #script(response: ServerResponse, source: string): void {
    send(response, 200, source, 'application/javascript; charset=utf-8', {
      ...CORS_HEADERS,
      'cache-control': 'no-store',
    });
  }

  async #control(
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
    method: string,
  ): Promise<void> {
    const body = await readBody(request, this.#options.maxBodyBytes);
    if (body.kind === 'aborted') return;
    if (body.kind === 'too-large')
      return sendJson(response, 413, { error_message: 'Request body too large.' });
    if (path === `${CONTROL_PREFIX}requests`) {
      if (method === 'GET') return sendJson(response, 200, this.requests);
      if (method === 'DELETE') {
        this.clearRequests();
        return sendJson(response, 200, { cleared: true });
      }
    }
    if (path === `${CONTROL_PREFIX}fault`) {
      if (method === 'GET') return sendJson(response, 200, { fault: this.#faults.current });
      if (method === 'POST' || method === 'PUT') {
        const fault = body.text.trim() === '' ? null : parseJson(body.text);
        if (fault === undefined) return sendJson(response, 400, { error_message: 'The fault must be JSON.' });
        try {
          this.setFault(fault as Fault | null);
        } catch (error) {
          if (error instanceof FaultError) return sendJson(response, 400, { error_message: error.message });
          throw error;
        }
        return sendJson(response, 200, { fault: this.#faults.current });
      }
      if (method === 'DELETE') {
        this.setFault(null);
        return sendJson(response, 200, { fault: null });
      }
    }
    sendJson(response, 404, { error_message: `Not found: ${method} ${path}`, error_no: 404 });
  }

  /** Reads, records and (maybe) faults a request on one of the APIs; undefined when already answered. */
  async #intake(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    kind: FaultPath,
  ): Promise<{ text: string; fault: Fault | undefined; label: string } | undefined> {
    const body = await readBody(request, this.#options.maxBodyBytes);
    if (body.kind === 'aborted') return undefined;
    if (body.kind === 'too-large') {
      this.#log(`${request.method} ${url.pathname} → 413`);
      sendJson(response, 413, { error_message: 'Request body too large.', error_no: 413 });
      return undefined;
    }
    const query = Object.fromEntries(url.searchParams);
    const parsed = recordedBody(body.text, request.headers['content-type']);
    const fromBody =
      typeof parsed === 'object' && parsed !== null
        ? (parsed as Record<string, unknown>).method_name
        : undefined;
    const methodName = typeof fromBody === 'string' ? fromBody : query.method_name;
    this.#recorder.add({
      path: url.pathname,
      query,
      methodName,
      body: parsed,
      headers: request.headers,
      receivedAt: this.#options.now(),
    });
    // The query is left out on purpose: the database API carries the access key there.
    let label = `${request.method} ${url.pathname} ${methodName ?? '-'}`;
    // Worked out only for a log line that is written.
    if (!this.#options.quiet && methodName?.startsWith('check_'))
      label += ` [${describeBrowserSignals(parsed)}]`;
    return { text: body.text, fault: this.#faults.take(kind), label };
  }

  /**
   * Applies the parts of a fault that come before the answer. Returns false when the request is
   * handled (dropped, hung, or the server closed), true when an answer should still be sent.
   */
  async #beforeAnswer(request: IncomingMessage, fault: Fault | undefined, label: string): Promise<boolean> {
    if (!fault) return true;
    if (fault.drop) this.#log(`${label} → fault: ${fault.drop}`);
    if (fault.latencyMs && !(await this.#sleep(fault.latencyMs))) return false;
    if (fault.drop === 'reset') {
      request.socket.resetAndDestroy();
      return false;
    }
    if (fault.drop === 'close') {
      request.socket.destroy();
      return false;
    }
    // 'hang': nothing is sent; close() or the client ends the connection.
    return fault.drop !== 'hang';
  }

  /** Sends an API answer, or the fault's replacement for it. */
  #answer(
    response: ServerResponse,
    answer: Record<string, unknown>,
    fault: Fault | undefined,
    label: string,
  ): void {
    const status = fault?.status ?? 200;
    this.#log(`${label} → ${fault ? `fault: ${JSON.stringify(fault)}` : summary(answer)}`);
    const json = 'application/json; charset=utf-8';
    const body = fault?.body;
    if (body === undefined && status >= 400) {
      send(response, status, STATUS_CODES[status] ?? 'Error', 'text/plain; charset=utf-8');
    } else if (body === undefined) {
      send(response, status, JSON.stringify(answer), json);
    } else if (body === 'garbage') {
      const title = `${status} ${STATUS_CODES[status] ?? ''}`;
      const page = `<!DOCTYPE html><html><head><title>${title}</title></head><body><h1>Oops</h1><p>Something went wrong.</p></body></html>`;
      send(response, status, page, 'text/html; charset=utf-8');
    } else if (body === 'empty') {
      send(response, status, '', json);
    } else if (body === 'truncated') {
      // The announced length is the whole answer's; the connection closes after half of it.
      const full = Buffer.from(JSON.stringify(answer), 'utf8');
      response.writeHead(status, { 'content-type': json, 'content-length': full.length });
      response.write(full.subarray(0, Math.floor(full.length / 2)), () => response.socket?.destroy());
    } else {
      send(response, status, body, json);
    }
  }

  async #api(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    if (request.method !== 'POST') {
      request.resume();
      return sendJson(
        response,
        405,
        { error_message: 'Use POST with a JSON body.', error_no: 405 },
        { allow: 'POST' },
      );
    }
    const intake = await this.#intake(request, response, url, 'api');
    if (!intake || !(await this.#beforeAnswer(request, intake.fault, intake.label))) return;
    const answer = answerApi(parseJson(intake.text), {
      rules: this.rules,
      authKeys: this.#options.authKeys,
      tokens: this.#tokens,
      stringNumbers: this.#options.stringNumbers,
      now: this.#options.now,
      activity: this.#activity,
    });
    this.#answer(response, answer, intake.fault, intake.label);
  }

  async #database(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'POST') {
      request.resume();
      return sendJson(
        response,
        405,
        { error_message: 'Use GET or POST.', error_no: 405 },
        { allow: 'GET, POST' },
      );
    }
    const intake = await this.#intake(request, response, url, 'db');
    if (!intake || !(await this.#beforeAnswer(request, intake.fault, intake.label))) return;
    const answer = answerDatabase(
      { ...Object.fromEntries(url.searchParams), ...databaseFields(intake.text) },
      {
        rules: this.rules,
        authKeys: this.#options.authKeys,
        stringNumbers: this.#options.stringNumbers,
        now: this.#options.now,
        limits: this.#options.rateLimitPerMinute,
        limiter: this.#limiter,
        asked: this.#asked,
      },
    );
    this.#answer(response, answer, intake.fault, intake.label);
  }
}

/** A short, key-free description of an answer for the log. */
function summary(answer: Record<string, unknown>): string {
  if (typeof answer.codes === 'string') return `allow ${answer.allow ?? '-'} ${answer.codes}`;
  if (typeof answer.error_message === 'string') return `error ${answer.error_no}: ${answer.error_message}`;
  if (typeof answer.received === 'number') return `received ${answer.received}`;
  if (typeof answer.data === 'string') return answer.data;
  if (typeof answer.data === 'object' && answer.data !== null && 'valid' in answer.data) {
    return `valid ${answer.data.valid}`;
  }
  if (typeof answer.data === 'object' && answer.data !== null)
    return `${Object.keys(answer.data).length} record(s)`;
  return 'answered';
}

/**
 * The URL of a request, or undefined when its target cannot be parsed (an absolute-form target
 * with a bad host or port, e.g. `POST http://%zz/ HTTP/1.1`).
 */
function requestUrl(target: string | undefined): URL | undefined {
  try {
    return new URL(target ?? '/', 'http://devserver.invalid');
  } catch {
    return undefined;
  }
}

/** The fields of a database API body: form-encoded as CleanTalk expects, or a JSON object. */
function databaseFields(text: string): Record<string, string> {
  if (text.trim() === '') return {};
  const json = parseJson(text);
  if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
    const fields: Record<string, string> = {};
    for (const [name, value] of Object.entries(json)) {
      if (typeof value === 'string' || typeof value === 'number') fields[name] = String(value);
      else if (Array.isArray(value))
        // Only the strings and numbers: joining nested arrays recurses as deep as they go.
        fields[name] = value.filter((item) => typeof item === 'string' || typeof item === 'number').join(',');
    }
    return fields;
  }
  return formFields(text);
}

/**
 * Starts a CleanTalk-compatible server for tests and offline development.
 *
 * @example
 * const server = await startDevServer();
 * const verdict = await fetch(server.apiUrl, { method: 'POST', body: JSON.stringify({ method_name: 'check_message', auth_key: DEFAULT_AUTH_KEY, sender_email: 'stop_email@example.com' }) });
 * await server.close();
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const server = new RunningDevServer(resolveOptions(options));
  await server.listen();
  return server;
}
