import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CircuitOpenError, createVerifier, type Submission, TimeoutError } from '@ct-protected-form/verifier';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

let server: Server;
let endpoint: string;
let handler: Handler;
let open = 0;
let peakOpen = 0;
let received: string[] = [];
/** When each message reached the stand-in, on this process's clock. */
let arrivedAt = new Map<string, number>();

const ALLOW = '{"allow":1,"comment":"","codes":"ALLOWED","stop_queue":0}';

beforeEach(async () => {
  open = 0;
  peakOpen = 0;
  received = [];
  arrivedAt = new Map();
  handler = (_req, res) => res.end(ALLOW);
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push(JSON.parse(body).message);
      arrivedAt.set(JSON.parse(body).message, performance.now());
      handler(req, res, body);
    });
  });
  server.on('connection', (socket) => {
    open++;
    peakOpen = Math.max(peakOpen, open);
    socket.on('close', () => open--);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api2.0`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const submission = (message: string): Submission => ({ ip: '203.0.113.4', message });

describe('the connection pool', () => {
  it('keeps at most maxConnections sockets open however many checks wait, each answering by its deadline', async () => {
    handler = () => {}; // CleanTalk hangs
    const verifier = createVerifier({
      authKey: 'pool-test-key',
      endpoint,
      timeoutMs: 300,
      maxConnections: 4,
      circuitBreaker: false,
      logger: { warn() {}, error() {} },
    });
    const started = performance.now();
    const startedAt = new Map<string, number>();
    const verdicts = await Promise.all(
      Array.from({ length: 40 }, (_, i) => {
        startedAt.set(`m${i}`, performance.now());
        return verifier.checkMessage(submission(`m${i}`)).then((verdict) => ({
          verdict,
          ms: performance.now() - started,
        }));
      }),
    );
    expect(peakOpen).toBeLessThanOrEqual(4);
    // A queued check goes out only while its own deadline has time left. Checks started together
    // share one deadline and none of the 36 queued ones is sent; on a loaded machine their starts
    // spread over milliseconds, and a slot freed by a timed-out check may still go to one with time
    // left. What must never reach CleanTalk is a check that had already given up.
    expect(received.length).toBeLessThan(40);
    for (const message of received) {
      expect((arrivedAt.get(message) ?? 0) - (startedAt.get(message) ?? 0)).toBeLessThan(300 + 25);
    }
    for (const { verdict, ms } of verdicts) {
      expect(verdict).toMatchObject({ decision: 'review', basis: 'failure' });
      expect(verdict.error).toBeInstanceOf(TimeoutError);
      // Waiting for slots in turn would take 10 deadlines; the bound leaves room for a loaded machine.
      expect(ms).toBeLessThan(300 + 700);
    }
  });

  it('lets queued checks through as slots free up', async () => {
    handler = (_req, res) => setTimeout(() => res.end(ALLOW), 20);
    const verifier = createVerifier({
      authKey: 'pool-test-key',
      endpoint,
      timeoutMs: 2000,
      maxConnections: 2,
    });
    const verdicts = await Promise.all(
      Array.from({ length: 10 }, (_, i) => verifier.checkMessage(submission(`q${i}`))),
    );
    expect(verdicts.every((v) => v.decision === 'allow' && v.verified)).toBe(true);
    expect(peakOpen).toBeLessThanOrEqual(2);
    expect(new Set(received).size).toBe(10);
  });
});

describe('the circuit breaker', () => {
  it('opens after consecutive failures, answers at once while open, probes, and closes', async () => {
    let clock = 0;
    const warn = vi.fn();
    handler = (_req, res) => {
      res.statusCode = 503;
      res.end('down');
    };
    const verifier = createVerifier({
      authKey: 'breaker-test-key',
      endpoint,
      timeoutMs: 1000,
      failMode: 'block',
      now: () => clock,
      circuitBreaker: { failures: 3, openMs: 5_000 },
      logger: { warn, error() {} },
    });
    for (let i = 0; i < 3; i++) await verifier.checkMessage(submission(`f${i}`));
    expect(verifier.circuit).toBe('open');
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/circuit open: 3 checks in a row failed/));

    const whileOpen = await verifier.checkMessage(submission('skipped'));
    expect(whileOpen).toMatchObject({ decision: 'block', basis: 'failure' });
    expect(whileOpen.error).toBeInstanceOf(CircuitOpenError);
    expect(whileOpen.durationMs).toBeLessThan(20);
    expect(received).not.toContain('skipped');

    clock += 5_000;
    const failedProbe = await verifier.checkMessage(submission('probe-1'));
    expect(failedProbe.basis).toBe('failure');
    expect(verifier.circuit).toBe('open');

    clock += 5_000;
    handler = (_req, res) => res.end(ALLOW);
    const [probe, beside] = await Promise.all([
      verifier.checkMessage(submission('probe-2')),
      verifier.checkMessage(submission('beside-the-probe')),
    ]);
    expect(probe).toMatchObject({ decision: 'allow', verified: true });
    expect(beside.error).toBeInstanceOf(CircuitOpenError);
    expect(verifier.circuit).toBe('closed');
    const states = warn.mock.calls.map(([message]) => String(message).match(/circuit (\S+):/)?.[1]);
    expect(states.filter(Boolean)).toEqual(['open', 'half-open', 'open', 'half-open', 'closed']);
    expect((await verifier.checkMessage(submission('after'))).verified).toBe(true);
  });

  it('answers checks that waited in line at once when the circuit opened meanwhile', async () => {
    handler = (_req, res) => {
      res.statusCode = 502;
      setTimeout(() => res.end('bad gateway'), 30);
    };
    const verifier = createVerifier({
      authKey: 'breaker-test-key',
      endpoint,
      maxConnections: 1,
      circuitBreaker: { failures: 1 },
      logger: { warn() {}, error() {} },
    });
    const verdicts = await Promise.all(
      Array.from({ length: 5 }, (_, i) => verifier.checkMessage(submission(`line-${i}`))),
    );
    expect(received).toEqual(['line-0']);
    expect(verdicts.slice(1).every((v) => v.error instanceof CircuitOpenError)).toBe(true);
  });

  it('counts a refused key as an answer, not as CleanTalk failing', async () => {
    handler = (_req, res) => res.end('{"allow":0,"codes":"KEY_NOT_FOUND","comment":"bad key"}');
    const verifier = createVerifier({
      authKey: 'breaker-test-key',
      endpoint,
      circuitBreaker: { failures: 2 },
      logger: { warn() {}, error() {} },
    });
    for (let i = 0; i < 5; i++) await verifier.checkMessage(submission(`k${i}`));
    expect(verifier.circuit).toBe('closed');
    expect(received).toHaveLength(5);
  });

  it('validates its options', () => {
    expect(() => createVerifier({ authKey: 'k', circuitBreaker: { failures: 0 } })).toThrow(
      /circuitBreaker.failures/,
    );
    expect(() => createVerifier({ authKey: 'k', maxConnections: 0 })).toThrow(/maxConnections/);
  });
});
