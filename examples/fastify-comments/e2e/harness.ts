import { DEFAULT_AUTH_KEY, type DevServer, startDevServer } from '@ct-protected-form/devserver';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';

export interface RunningSite {
  devserver: DevServer;
  app: FastifyInstance;
  /** `http://127.0.0.1:<port>` */
  url: string;
  close(): Promise<void>;
}

/** The example app on a free port, against a devserver on another: what `pnpm start` runs, offline. */
export async function startSite(): Promise<RunningSite> {
  const devserver = await startDevServer();
  const app = await buildApp({
    authKey: DEFAULT_AUTH_KEY,
    endpoint: devserver.apiUrl,
    detectorSrc: devserver.detectorUrl,
    startTokenSecret: 'an-end-to-end-secret-of-at-least-32-bytes',
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

/** The JSON body of the devserver's newest request with this method. */
export function lastBody(devserver: DevServer, method: string): Record<string, unknown> {
  const body = devserver.lastRequest(method)?.body;
  if (!body || typeof body !== 'object') throw new Error(`the devserver received no ${method}`);
  return body as Record<string, unknown>;
}
