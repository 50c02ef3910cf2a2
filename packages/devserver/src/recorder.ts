import type { IncomingHttpHeaders } from 'node:http';

/** One request the server received on the real-time or database API, as it arrived. */
export interface RecordedRequest {
  /** URL path, e.g. `/api2.0` or `/db/`. */
  path: string;
  /** Query parameters (the database API carries `auth_key` here: recorded as is, never logged). */
  query: Record<string, string>;
  /** `method_name` from the body or the query, when there is one. */
  methodName: string | undefined;
  /** The parsed JSON object, the form fields, or the raw text when it parses as neither. */
  body: unknown;
  /** Request headers, lower-cased names as Node gives them. */
  headers: IncomingHttpHeaders;
  /** When the request arrived, milliseconds since the epoch. */
  receivedAt: number;
}

/** A bounded list of recorded requests, newest last. */
export class Recorder {
  readonly #requests: RecordedRequest[] = [];

  constructor(readonly capacity: number) {}

  add(request: RecordedRequest): void {
    if (this.capacity === 0) return;
    this.#requests.push(request);
    if (this.#requests.length > this.capacity)
      this.#requests.splice(0, this.#requests.length - this.capacity);
  }

  get requests(): readonly RecordedRequest[] {
    return this.#requests;
  }

  last(methodName?: string): RecordedRequest | undefined {
    for (let i = this.#requests.length - 1; i >= 0; i--) {
      const request = this.#requests[i];
      if (request && (methodName === undefined || request.methodName === methodName)) return request;
    }
    return undefined;
  }

  clear(): void {
    this.#requests.length = 0;
  }
}
