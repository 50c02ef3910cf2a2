import { fromFetch } from './from-fetch.js';
import type { Transport } from './transport.js';

/**
 * The default transport outside Node: the runtime's own `fetch` (Deno, Bun, Workers keep
 * connections alive themselves), read at call time so a `fetch` installed later (a polyfill, a
 * test double) is the one used. Node gets `default-transport.node.ts` through the `#default-transport`
 * import map of package.json.
 */
export function defaultTransport(_maxConnections: number): Transport {
  return fromFetch((input, init) => globalThis.fetch(input, init));
}
