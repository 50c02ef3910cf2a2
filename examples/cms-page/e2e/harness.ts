import { DEFAULT_AUTH_KEY, type DevServer, startDevServer } from '@ct-protected-form/devserver';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../src/server.js';

export interface RunningCms {
  devserver: DevServer;
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** The CMS page server on a free port, against a devserver on another. */
export async function startCms(): Promise<RunningCms> {
  const devserver = await startDevServer();
  const app = await buildServer({
    authKey: DEFAULT_AUTH_KEY,
    endpoint: devserver.apiUrl,
    detectorSrc: devserver.detectorUrl,
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    devserver,
    app,
    url,
    async close() {
      await app.close();
      await devserver.close();
    },
  };
}
