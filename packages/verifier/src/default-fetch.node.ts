import { createHttpFetch, type HttpFetch } from './node-transport/http-fetch.js';

let shared: HttpFetch | undefined;

/**
 * The transport a verifier uses on Node when no `fetch` option is given: one process-wide client
 * on `node:http`/`node:https` with kept-alive agents, a fraction of the CPU of Node 20's global
 * `fetch` per check. Idle sockets do not keep the process alive.
 */
export function defaultFetch(): typeof globalThis.fetch {
  shared ??= createHttpFetch();
  return shared;
}
