// Fault benchmark: what a failing CleanTalk costs an app. For each fault (hang, reset before the
// body is read, reset after it, HTTP 5xx, garbage, a slow drip, a licence answer) the app starts 500
// checks at once against a stand-in CleanTalk on 127.0.0.1, then the stand-in heals and the app checks
// again. Printed per fault: the latest check against its deadline (goal: deadline + 50 ms), the most
// sockets open at once (goal: never above the pool), whether the circuit breaker opened and closed
// again, checks the stand-in received twice (goal: none), and the app's peak RSS against its idle RSS
// (goal: ≤ 1.2 × idle + 50 MB).
// The app runs in a child process so its RSS is its own. Run with `pnpm bench` (builds first).
import { fork } from 'node:child_process';
import http from 'node:http';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

const CHECKS = 500;
const TIMEOUT_MS = 1_000;
const POOL = 64;
const OPEN_MS = 1_500;
const FAULTS = ['hang', 'reset', 'reset after the body', '5xx', 'garbage', 'slow drip', 'licence answer'];
const ALLOW =
  '{"allow":1,"comment":"","codes":"ALLOWED","stop_queue":0,"id":"0123456789abcdef0123456789abcdef"}';

if (process.argv[2] === 'app') await runApp(process.argv[3]);
else await main();

/** The app: one verifier; on each message, checks `count` submissions at once and reports. */
async function runApp(endpoint) {
  const { createVerifier } = await import('../dist/index.js');
  const transitions = [];
  const verifier = createVerifier({
    authKey: 'bench-fault-key',
    endpoint,
    timeoutMs: TIMEOUT_MS,
    maxConnections: POOL,
    circuitBreaker: { failures: 5, openMs: OPEN_MS },
    logger: {
      warn: (message) => {
        const state = /circuit (\S+):/.exec(message)?.[1];
        if (state) transitions.push(state);
      },
      error() {},
    },
  });
  let peakRss = 0;
  const sample = () => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  };
  setInterval(sample, 20).unref();

  process.on('message', async ({ label, count, sequential }) => {
    transitions.length = 0;
    peakRss = 0;
    sample();
    const run = async (i) => {
      const started = performance.now();
      const verdict = await verifier.checkMessage({ ip: '203.0.113.9', message: `${label}#${i}` });
      return {
        ms: performance.now() - started,
        decision: verdict.decision,
        error: verdict.error?.code ?? null,
      };
    };
    const results = [];
    if (sequential) for (let i = 0; i < count; i++) results.push(await run(i));
    else results.push(...(await Promise.all(Array.from({ length: count }, (_, i) => run(i)))));
    sample();
    const errors = {};
    for (const { error } of results) if (error) errors[error] = (errors[error] ?? 0) + 1;
    process.send({
      maxMs: Math.max(...results.map((r) => r.ms)),
      allowed: results.filter((r) => r.decision === 'allow').length,
      errors,
      transitions: [...transitions],
      circuit: verifier.circuit,
      peakRssMB: peakRss / 2 ** 20,
    });
  });
  process.send({ ready: true });
}

async function main() {
  console.log('ct-protected-form fault benchmark (node %s, %d CPUs)\n', process.version, cpus().length);
  const upstream = await startUpstream();
  const app = fork(fileURLToPath(import.meta.url), ['app', upstream.url], { stdio: 'inherit' });
  const replies = [];
  let waiting;
  app.on('message', (message) => {
    if (waiting) {
      const resolve = waiting;
      waiting = undefined;
      resolve(message);
    } else replies.push(message);
  });
  const next = () => (replies.length ? Promise.resolve(replies.shift()) : new Promise((r) => (waiting = r)));
  const ask = (message) => {
    app.send(message);
    return next();
  };
  await next(); // ready

  try {
    // Idle: a warmed-up app after healthy checks, the way it sits between bursts.
    upstream.mode = 'healthy';
    await ask({ label: 'warm', count: CHECKS });
    await ask({ label: 'warm2', count: CHECKS });
    global.gc?.();
    const idle = await ask({ label: 'idle', count: 1 });
    const idleRssMB = idle.peakRssMB;
    const budgetMB = idleRssMB * 1.2 + 50;

    const rows = [];
    for (const fault of FAULTS) {
      upstream.mode = fault;
      upstream.resetCounters();
      const burst = await ask({ label: fault, count: CHECKS });
      const peakSockets = upstream.peakOpen;
      const duplicates = upstream.duplicates();
      const received = upstream.received.size;
      // Heal, wait out the open circuit, and check again: the probe closes it.
      upstream.mode = 'healthy';
      await new Promise((resolve) => setTimeout(resolve, OPEN_MS + 100));
      const after = await ask({ label: `${fault}/after`, count: 5, sequential: true });
      const transitions = [...burst.transitions, ...after.transitions];
      rows.push({
        fault,
        'latest check ms': Math.round(burst.maxMs),
        'over deadline ms': Math.max(0, Math.round(burst.maxMs - TIMEOUT_MS)),
        'peak sockets': peakSockets,
        'checks sent': received,
        'sent twice': duplicates,
        'breaker opened': transitions.includes('open') ? 'yes' : 'no',
        'breaker closed after': after.circuit === 'closed' && after.allowed === 5 ? 'yes' : 'no',
        'peak RSS MB': Math.round(Math.max(burst.peakRssMB, after.peakRssMB)),
        errors: Object.entries(burst.errors)
          .map(([code, n]) => `${code.replace('CT_', '')} ${n}`)
          .join(', '),
      });
    }
    console.log(
      `${CHECKS} checks at once per fault, deadline ${TIMEOUT_MS} ms, pool ${POOL}, breaker after 5 failures, open ${OPEN_MS} ms:`,
    );
    console.table(rows);
    const worst = (key) => Math.max(...rows.map((row) => row[key]));
    console.log(`latest check over its deadline: ${worst('over deadline ms')} ms (goal ≤ 50 ms)`);
    console.log(`most sockets open at once: ${worst('peak sockets')} (goal ≤ the pool, ${POOL})`);
    console.log(
      `breaker opened under ${rows.filter((r) => r['breaker opened'] === 'yes').length} of ${rows.length} faults and closed after ${rows.filter((r) => r['breaker closed after'] === 'yes').length} (licence answers do not count as failures; checks that time out behind them do)`,
    );
    console.log(
      `checks the stand-in received twice: ${rows.reduce((n, r) => n + r['sent twice'], 0)} (goal 0)`,
    );
    console.log(
      `app RSS: idle ${Math.round(idleRssMB)} MB, peak ${worst('peak RSS MB')} MB (goal ≤ 1.2 × idle + 50 = ${Math.round(budgetMB)} MB)`,
    );
  } finally {
    app.disconnect();
    app.kill();
    await upstream.close();
  }
}

/** A stand-in CleanTalk whose `mode` decides how it (mis)behaves; counts sockets and checks. */
async function startUpstream() {
  const received = new Map();
  let open = 0;
  let peakOpen = 0;
  const state = {
    mode: 'healthy',
    received,
    get peakOpen() {
      return peakOpen;
    },
    resetCounters() {
      received.clear();
      peakOpen = open;
    },
    duplicates() {
      let n = 0;
      for (const count of received.values()) if (count > 1) n++;
      return n;
    },
  };
  const count = (body) => {
    try {
      const id = JSON.parse(body).message;
      received.set(id, (received.get(id) ?? 0) + 1);
    } catch {}
  };
  const server = http.createServer((req, res) => {
    const mode = state.mode;
    // A reset before the body is read: the check was not processed.
    if (mode === 'reset') return req.socket.resetAndDestroy();
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      count(body);
      switch (mode) {
        case 'hang':
          return;
        case 'reset after the body':
          return req.socket.resetAndDestroy();
        case '5xx':
          res.statusCode = 503;
          return res.end('Service Unavailable');
        case 'garbage':
          res.setHeader('content-type', 'text/html');
          return res.end('<html><body>502 Bad Gateway</body></html>');
        case 'slow drip': {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(ALLOW.length) });
          let i = 0;
          const drip = setInterval(() => {
            if (res.destroyed || i >= ALLOW.length) return clearInterval(drip);
            res.write(ALLOW[i++]);
          }, 200);
          res.on('close', () => clearInterval(drip));
          return;
        }
        case 'licence answer':
          return res.end('{"allow":0,"codes":"KEY_NOT_FOUND","comment":"*** Access key is not valid ***"}');
        default:
          return res.end(ALLOW);
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => {
    open++;
    peakOpen = Math.max(peakOpen, open);
    socket.on('close', () => open--);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(state, {
    url: `http://127.0.0.1:${server.address().port}/api2.0`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  });
}
