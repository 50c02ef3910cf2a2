import { createHttpTransport, type HttpTransport } from './node-client.js';
import type { Transport } from './transport.js';

const shared = new Map<number, HttpTransport>();

/**
 * The default transport on Node: one process-wide kept-alive client per connection bound, a
 * fraction of the CPU of Node 20's global `fetch` per check. Idle sockets do not keep the process
 * alive.
 */
export function defaultTransport(maxConnections: number): Transport {
  let transport = shared.get(maxConnections);
  if (!transport) {
    transport = createHttpTransport(maxConnections);
    shared.set(maxConnections, transport);
  }
  return transport;
}
