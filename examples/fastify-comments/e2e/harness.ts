import { DEFAULT_AUTH_KEY, type DevServer, startDevServer } from '@ct-protected-form/devserver';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { buildApp } from '../src/app.js';
import { ADMIN, ADMIN_PASSWORD, ADMIN_USER } from '../test/helpers.js';

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
    admin: ADMIN,
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

/** Opens an admin page in the browser, logging in through the form it is sent to. */
export async function openAsAdmin(page: Page, url: string): Promise<void> {
  await page.goto(url);
  if (new URL(page.url()).pathname === '/login') {
    await page.fill('input[name=user]', ADMIN_USER);
    await page.fill('input[name=password]', ADMIN_PASSWORD);
    await Promise.all([
      page.waitForURL((target) => target.pathname !== '/login'),
      page.click('form.form button'),
    ]);
  }
  if (page.url() !== url) throw new Error(`expected to be at ${url} after logging in, got ${page.url()}`);
}
