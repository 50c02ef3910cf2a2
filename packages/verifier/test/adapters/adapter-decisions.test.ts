import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Verdict } from '@ct-protected-form/verifier';
import { ctProtectedForm as expressProtection } from '@ct-protected-form/verifier/express';
import type { ProtectedMethod } from '@ct-protected-form/verifier/fastify';
import { ctProtectedForm as fastifyProtection } from '@ct-protected-form/verifier/fastify';
import { createRequestProtector } from '@ct-protected-form/verifier/fetch';
import express from 'express';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactForm, urlencoded } from '../helpers/widget-form.js';

/**
 * CleanTalk's real answers through each adapter: `allow 0, stop_queue 1` is rejected with its
 * reason before the route runs; `allow 0, stop_queue 0` reaches the route as a `review` for a
 * message and is rejected for a registration.
 */

const KEY = 'adapter9decisions8key';
const BLACKLISTED = {
  allow: 0,
  stop_queue: '1',
  codes: 'FORBIDDEN BL',
  comment: '*** Forbidden. Sender blacklisted. ***',
  blacklisted: '1',
  spam: '1',
  account_status: 1,
};
const UNSURE = {
  allow: 0,
  stop_queue: '0',
  codes: 'MANUAL',
  comment: '*** The message will be published after manual moderation. ***',
  account_status: 1,
};

/** A stand-in CleanTalk on loopback answering `answer.current` to every check. */
let upstream: Server;
let endpoint: string;
const answer: { current: Record<string, unknown> } = { current: BLACKLISTED };

beforeAll(async () => {
  upstream = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ id: 'a'.repeat(32), ...answer.current }));
    });
  });
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  endpoint = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/api2.0`;
});
afterAll(() => {
  upstream.closeAllConnections();
  return new Promise<void>((resolve) => upstream.close(() => resolve()));
});

const options = () => ({ authKey: KEY, endpoint, logger: { warn() {}, error() {} } });
const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };

interface Outcome {
  status: number;
  /** The verdict the route saw, when it ran. */
  verdict?: Verdict;
  body: string;
}

type Adapter = (method: ProtectedMethod) => Promise<Outcome>;

const fastify: Adapter = async (method) => {
  const app = Fastify();
  await app.register(fastifyProtection, options());
  let verdict: Verdict | undefined;
  app.post('/form', { config: { ctProtectedForm: { method } } }, async (request) => {
    verdict = request.ctVerdict ?? undefined;
    return { ok: true };
  });
  const response = await app.inject({
    method: 'POST',
    url: '/form',
    headers: FORM_HEADERS,
    payload: urlencoded(contactForm()),
  });
  await app.close();
  return { status: response.statusCode, verdict, body: response.body };
};

const expressAdapter: Adapter = async (method) => {
  const app = express();
  const protect = expressProtection(options());
  let verdict: Verdict | undefined;
  app.post('/form', protect({ method }), (req, res) => {
    verdict = req.ctVerdict;
    res.json({ ok: true });
  });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/form`, {
      method: 'POST',
      headers: FORM_HEADERS,
      body: urlencoded(contactForm()),
    });
    return { status: response.status, verdict, body: await response.text() };
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
};

const webRequest: Adapter = async (method) => {
  const protect = createRequestProtector(options());
  const request = new Request('https://site.example/form', {
    method: 'POST',
    headers: FORM_HEADERS,
    body: urlencoded(contactForm()),
  });
  const { verdict, response } = await protect(request, { ip: '203.0.113.7', method });
  if (response) return { status: response.status, body: await response.text() };
  return { status: 200, verdict: verdict ?? undefined, body: '' };
};

describe.each([
  ['Fastify', fastify],
  ['Express', expressAdapter],
  ['Web Request', webRequest],
])('%s adapter', (_name, adapter) => {
  it('rejects allow 0 + stop_queue 1 with CleanTalk’s reason, before the route runs', async () => {
    answer.current = BLACKLISTED;
    const outcome = await adapter('check_message');
    expect(outcome.status).toBe(403);
    expect(outcome.verdict).toBeUndefined();
    expect(JSON.parse(outcome.body)).toMatchObject({
      code: 'CT_BLOCKED',
      message: 'Forbidden. Sender blacklisted.',
    });
  });

  it('hands allow 0 + stop_queue 0 on a message to the route as a review', async () => {
    answer.current = UNSURE;
    const outcome = await adapter('check_message');
    expect(outcome.status).toBe(200);
    expect(outcome.verdict).toMatchObject({
      decision: 'review',
      verified: true,
      codes: ['MANUAL'],
      reason: 'The message will be published after manual moderation.',
    });
  });

  it('rejects allow 0 + stop_queue 0 on a registration', async () => {
    answer.current = UNSURE;
    const outcome = await adapter('check_newuser');
    expect(outcome.status).toBe(403);
    expect(outcome.verdict).toBeUndefined();
  });

  it('hands allow 1 + inactive 1 on a registration to the route as a review, inactive kept', async () => {
    answer.current = { allow: 1, inactive: '1', codes: 'ALLOWED', account_status: 1 };
    const outcome = await adapter('check_newuser');
    expect(outcome.status).toBe(200);
    expect(outcome.verdict).toMatchObject({ decision: 'review', inactive: true });
  });
});
