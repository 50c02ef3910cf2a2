import { type DevServer, startDevServer } from '@ct-protected-form/devserver';
import { afterAll, afterEach, beforeAll } from 'vitest';

/**
 * Starts a CleanTalk-compatible server on a free loopback port for the calling test file, accepting
 * `authKeys`, and clears its faults and recorded requests after every test.
 */
export function useLocalCleanTalk(authKeys: string[]): { readonly server: DevServer } {
  let server: DevServer | undefined;
  beforeAll(async () => {
    server = await startDevServer({ port: 0, authKeys, quiet: true });
  });
  afterAll(() => server?.close());
  afterEach(() => {
    server?.setFault(null);
    server?.clearRequests();
  });
  return {
    get server() {
      if (!server) throw new Error('the local CleanTalk server is not started yet');
      return server;
    },
  };
}
