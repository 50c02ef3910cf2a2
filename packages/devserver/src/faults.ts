/** Which part of the server a fault applies to. */
export type FaultPath = 'api' | 'db';

/**
 * A failure to inject into the real-time API (`api`, `/api2.0`) and/or the database API (`db`,
 * `/db/`). The control endpoints and the detector scripts are never affected.
 */
export interface Fault {
  /** Wait this long before answering (or dropping). */
  latencyMs?: number;
  /** Answer with this HTTP status. Without `body`, a status of 400 or more sends its plain-text reason. */
  status?: number;
  /**
   * Answer with this body instead of the real answer: any string is sent as is (as JSON content);
   * `'garbage'` sends an HTML error page; `'empty'` an empty body; `'truncated'` announces the real
   * answer's full length, sends half of it and closes the connection.
   */
  body?: string;
  /**
   * Do not answer: `'reset'` resets the TCP connection, `'close'` closes it, `'hang'` leaves the
   * request open until the client gives up or the server closes.
   */
  drop?: 'reset' | 'close' | 'hang';
  /** Apply to this many requests, then clear. Unlimited when absent. */
  times?: number;
  /** The parts of the server affected. @default ['api', 'db'] */
  paths?: FaultPath[];
}

/** Thrown by `setFault` for a fault that cannot work. */
export class FaultError extends TypeError {
  override name = 'FaultError';
  readonly code = 'CT_DEVSERVER_BAD_FAULT';
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new FaultError(`Invalid fault: ${message}`);
}

/** Validates a fault given in code or over HTTP, returning a clean copy. */
export function validateFault(value: unknown): Fault {
  check(typeof value === 'object' && value !== null && !Array.isArray(value), 'expected an object or null.');
  const input = value as Record<string, unknown>;
  const known = new Set(['latencyMs', 'status', 'body', 'drop', 'times', 'paths']);
  for (const key of Object.keys(input)) check(known.has(key), `unknown property "${key}".`);
  const fault: Fault = {};
  if (input.latencyMs !== undefined) {
    const ms = input.latencyMs;
    check(
      typeof ms === 'number' && Number.isInteger(ms) && ms >= 0 && ms <= 600_000,
      '"latencyMs" must be 0..600000.',
    );
    fault.latencyMs = ms as number;
  }
  if (input.status !== undefined) {
    const status = input.status;
    check(
      typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599,
      '"status" must be 100..599.',
    );
    fault.status = status as number;
  }
  if (input.body !== undefined) {
    check(typeof input.body === 'string', '"body" must be a string.');
    fault.body = input.body as string;
  }
  if (input.drop !== undefined) {
    check(
      input.drop === 'reset' || input.drop === 'close' || input.drop === 'hang',
      '"drop" must be "reset", "close" or "hang".',
    );
    fault.drop = input.drop as Fault['drop'];
  }
  if (input.times !== undefined) {
    const times = input.times;
    check(
      typeof times === 'number' && Number.isInteger(times) && times >= 1,
      '"times" must be a positive integer.',
    );
    fault.times = times as number;
  }
  if (input.paths !== undefined) {
    const paths = input.paths;
    check(
      Array.isArray(paths) && paths.length > 0 && paths.every((path) => path === 'api' || path === 'db'),
      '"paths" must be a non-empty array of "api" and "db".',
    );
    fault.paths = [...new Set(paths as FaultPath[])];
  }
  return fault;
}

/** Holds the current fault and hands it to the requests it applies to. */
export class FaultSwitch {
  #fault: Fault | null = null;
  #remaining = Number.POSITIVE_INFINITY;

  set(fault: unknown): void {
    if (fault === null || fault === undefined) {
      this.#fault = null;
      return;
    }
    this.#fault = validateFault(fault);
    this.#remaining = this.#fault.times ?? Number.POSITIVE_INFINITY;
  }

  get current(): Fault | null {
    return this.#fault;
  }

  /** The fault for one request on `path`, counting it against `times`. */
  take(path: FaultPath): Fault | undefined {
    const fault = this.#fault;
    if (!fault || !(fault.paths ?? ['api', 'db']).includes(path)) return undefined;
    this.#remaining -= 1;
    if (this.#remaining <= 0) this.#fault = null;
    return fault;
  }
}
