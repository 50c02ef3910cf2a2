import { DEFAULT_AUTH_KEY, type DevServer, startDevServer } from '@ct-protected-form/devserver';
import { FIELDS, jsProof } from '@ct-protected-form/fields';
import { createStartTokens, type StartTokens } from '@ct-protected-form/verifier';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { type AppConfig, buildApp } from '../src/app.js';

export const SECRET = 'a-test-secret-that-is-at-least-32-bytes-long';

export interface Harness {
  devserver: DevServer;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** A fresh app (data in memory) against a fresh devserver. */
export async function startHarness(config: Partial<AppConfig> = {}): Promise<Harness> {
  const devserver = await startDevServer();
  const app = await buildApp({
    authKey: DEFAULT_AUTH_KEY,
    endpoint: devserver.apiUrl,
    detectorSrc: devserver.detectorUrl,
    startTokenSecret: SECRET,
    ...config,
  });
  return {
    devserver,
    app,
    async close() {
      await app.close();
      await devserver.close();
    },
  };
}

/**
 * The hidden fields `<ct-protected-form>` writes, as a browser that ran it for `seconds` would
 * send them, with a valid detector token from the devserver and a start token signed with the
 * app's secret `seconds` ago (as a server-rendered page would carry it: bound to no session).
 */
export async function widgetFields(devserver: DevServer, seconds = 10): Promise<Record<string, string>> {
  const submittedAt = Date.now();
  const startedAt = String(submittedAt - seconds * 1000);
  return {
    [FIELDS.startToken]: await issuerFor(seconds).issue(),
    [FIELDS.eventToken]: devserver.issueEventToken(),
    [FIELDS.startedAt]: startedAt,
    [FIELDS.submittedAt]: String(submittedAt),
    [FIELDS.jsProof]: jsProof(startedAt),
    [FIELDS.timeZone]: 'Europe/Berlin',
    [FIELDS.tzOffset]: '60',
    [FIELDS.pageUrl]: 'http://localhost/posts/tomatoes-on-a-balcony',
    [FIELDS.referrer]: 'http://localhost/',
  };
}

/** Issuers whose clock runs `seconds` behind, one per delay: their signing key is imported once. */
const issuers = new Map<number, StartTokens>();
function issuerFor(seconds: number): StartTokens {
  let issuer = issuers.get(seconds);
  if (!issuer) {
    issuer = createStartTokens({ secrets: [SECRET], now: () => Date.now() - seconds * 1000 });
    issuers.set(seconds, issuer);
  }
  return issuer;
}

/** Posts a urlencoded form through `app.inject()`. */
export function postForm(
  app: FastifyInstance,
  url: string,
  fields: Record<string, string>,
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'Mozilla/5.0 (test)' },
    payload: new URLSearchParams(fields).toString(),
  });
}

/** The JSON body of the devserver's newest request with this method. */
export function lastBody(devserver: DevServer, method: string): Record<string, unknown> {
  const body = devserver.lastRequest(method)?.body;
  if (!body || typeof body !== 'object') throw new Error(`the devserver received no ${method}`);
  return body as Record<string, unknown>;
}
