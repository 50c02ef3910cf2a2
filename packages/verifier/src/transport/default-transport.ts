/**
 * The transport a verifier uses when no `fetch` option is given, outside Node: the runtime's own
 * `fetch` (Deno, Bun, Workers, browsers keep connections alive themselves). Read at call time, so
 * a `fetch` installed later (a test double, a polyfill) is the one used. Node gets
 * `default-fetch.node.ts` instead, through the `#default-fetch` import map of package.json.
 */
export function defaultFetch(_maxConnections: number): typeof globalThis.fetch {
  return (input, init) => globalThis.fetch(input, init);
}
