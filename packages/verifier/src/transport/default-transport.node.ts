import { createHttpTransport, type HttpTransport } from './node-client.js';

const shared = new Map<number, HttpTransport>();

/**
 * The transport a verifier uses on Node when no `fetch` option is given: one process-wide client
 * per connection bound on `node:http`/`node:https` with kept-alive agents, a fraction of the CPU of
 * Node 20's global `fetch` per check. Idle sockets do not keep the process alive.
 */
export function defaultFetch(maxConnections: number): typeof globalThis.fetch {
  let transport = shared.get(maxConnections);
  if (!transport) {
    transport = createHttpTransport(maxConnections);
    shared.set(maxConnections, transport);
  }
  return transport;
}
