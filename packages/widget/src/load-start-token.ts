import type { fetchStartToken as fetchNow } from './start-token.js';

/**
 * {@link fetchNow | fetchStartToken}, with its code loaded on first use: only pages with
 * `start-token-url` ever download it. A bundler puts it in a chunk of its own; the script-tag build
 * keeps it inside.
 */
export const fetchStartToken: typeof fetchNow = (url, signal) =>
  import('./start-token.js').then((module) => module.fetchStartToken(url, signal));
