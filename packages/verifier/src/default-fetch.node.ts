import { createHttpTransport, type HttpTransport } from './node-transport/http-transport.js';

let shared: HttpTransport | undefined;

/**
 * The transport a verifier uses on Node when no `fetch` option is given: one process-wide client
 * on `node:http`/`node:https` with kept-alive agents, a fraction of the CPU of Node 20's global
 * `fetch` per check. Idle sockets do not keep the process alive.
 */
export function defaultFetch(): typeof globalThis.fetch {
  shared ??= createHttpTransport();
  return shared;
}
