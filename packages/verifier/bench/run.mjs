// Verifier benchmark: CPU per check, and checks per second through kept-alive connections beside a
// new connection per check (what CleanTalk's PHP library does), over HTTP and HTTPS, in one run, with
// the client process's CPU per check beside each (all its threads, the runtime's garbage collector and
// compiler included: rows of a few sequential checks over a slow network read high).
// Run with `pnpm bench` (builds first). Talks only to servers it starts on 127.0.0.1.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDevServer } from '@ct-protected-form/devserver';
import { FIELDS } from '@ct-protected-form/fields';
import { parseCheckResponse } from '../dist/check/answer.js';
import { buildCheckRequest } from '../dist/check/request.js';
import { readClientSignals, resolveStartTime } from '../dist/check/signals.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const started = Date.now() - 12_000;
export const submission = {
  ip: '203.0.113.7',
  email: 'ann@example.com',
  nickname: 'Ann',
  message: 'What a lovely garden. How long did the roses take to grow?',
  headers: {
    'user-agent':
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
    accept: 'text/html,application/xhtml+xml',
    'accept-language': 'en-GB,en;q=0.9',
    referer: 'https://blog.example/post/1',
    cookie: 'session=secret',
  },
  form: {
    [FIELDS.eventToken]: 'a'.repeat(64),
    [FIELDS.startedAt]: String(started),
    [FIELDS.submittedAt]: String(started + 11_000),
    [FIELDS.timeZone]: 'Europe/Berlin',
    [FIELDS.tzOffset]: '60',
    [FIELDS.pageUrl]: 'https://blog.example/post/1',
    [FIELDS.referrer]: 'https://search.example/',
  },
};

const role = process.argv[2];
if (role === 'client') await runClient();
else await main();

async function main() {
  console.log(
    'ct-protected-form verifier benchmark (node %s, %d CPUs)\n',
    process.version,
    (await import('node:os')).cpus().length,
  );
  cpuPerCheck();

  const devserver = await startDevServer({ port: 0, quiet: true });
  const dir = mkdtempSync(join(tmpdir(), 'ct-bench-'));
  const tls = makeCertificate(dir);
  const apiUrl = new URL(devserver.apiUrl);
  const tlsFront = await startTlsProxy(tls, apiUrl);
  // CleanTalk is a network away: 20 ms is a short round trip to a nearby data centre.
  const rttMs = 20;
  const slowTls = await startLatencyProxy(Number(new URL(tlsFront.url).port), rttMs);
  const slowHttp = await startLatencyProxy(Number(apiUrl.port), rttMs);
  const scenarios = [
    {
      label: `https, ${rttMs} ms RTT`,
      url: `https://127.0.0.1:${slowTls.port}/api2.0`,
      sequential: 60,
      parallel: 480,
    },
    {
      label: `http, ${rttMs} ms RTT`,
      url: `http://127.0.0.1:${slowHttp.port}/api2.0`,
      sequential: 60,
      parallel: 480,
    },
    { label: 'https, loopback', url: tlsFront.url, sequential: 500, parallel: 2000 },
    { label: 'http, loopback', url: devserver.apiUrl, sequential: 500, parallel: 2000 },
  ];
  try {
    const rows = [];
    for (const scenario of scenarios) rows.push(...(await runClientProcess(scenario, tls.certPath)));
    console.log(
      '\nChecks against the local CleanTalk-compatible server, the same request body for both clients:',
    );
    console.table(rows);
    for (const { label } of scenarios) {
      const pick = (client, concurrency) =>
        rows.find((r) => r.network === label && r.client.startsWith(client) && r.concurrency === concurrency);
      const [kept1, fresh1, kept16, fresh16] = [
        pick('verifier', 1),
        pick('new', 1),
        pick('verifier', 16),
        pick('new', 16),
      ];
      console.log(
        `${label.padEnd(18)} kept-alive vs new connection per check: latency ${kept1['mean ms']} ms vs ${fresh1['mean ms']} ms ` +
          `(${(fresh1['mean ms'] / kept1['mean ms']).toFixed(2)}x faster), throughput at 16 in flight ` +
          `${kept16['checks/s']}/s vs ${fresh16['checks/s']}/s (${(kept16['checks/s'] / fresh16['checks/s']).toFixed(2)}x), ` +
          `client CPU ${kept16['client CPU µs/check']} vs ${fresh16['client CPU µs/check']} µs/check`,
      );
    }
  } finally {
    await Promise.all([slowTls.close(), slowHttp.close(), tlsFront.close()]);
    await devserver.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A TCP relay that adds a network's round-trip time: connecting costs one round trip (the TCP
 * handshake) and every chunk travels half a round trip each way, so a TLS handshake costs what it
 * costs on a real network.
 */
async function startLatencyProxy(targetPort, rttMs) {
  const sockets = new Set();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.pause();
    setTimeout(() => {
      const upstream = net.connect(targetPort, '127.0.0.1', () => relay());
      sockets.add(upstream);
      // Let chunks still in flight arrive before the other side goes too.
      const destroy = () =>
        setTimeout(() => {
          client.destroy();
          upstream.destroy();
        }, rttMs);
      client.on('error', destroy);
      upstream.on('error', destroy);
      client.on('close', destroy);
      upstream.on('close', destroy);
      function relay() {
        for (const [from, to] of [
          [client, upstream],
          [upstream, client],
        ]) {
          from.on('data', (chunk) => setTimeout(() => to.writable && to.write(chunk), rttMs / 2));
          from.on('end', () => setTimeout(() => to.end(), rttMs / 2));
        }
        client.resume();
      }
    }, rttMs);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(resolve);
      }),
  };
}

function cpuPerCheck() {
  const answer = JSON.stringify({
    allow: 1,
    codes: 'ALLOWED',
    comment: '',
    id: 'abcdef0123456789abcdef0123456789',
    spam: '0',
    blacklisted: '0',
    js_disabled: '0',
    fast_submit: '0',
    stop_queue: '0',
    inactive: '0',
    account_status: '1',
    version: '7.47',
  });
  const run = (n) => {
    for (let i = 0; i < n; i++) {
      const signals = readClientSignals(submission.form);
      const startTime = resolveStartTime(signals, Date.now(), undefined);
      const request = buildCheckRequest(submission, {
        method: 'check_message',
        authKey: 'key',
        responseLang: 'en',
        eventTokenEnabled: true,
        ip: submission.ip,
        signals,
        startTime,
      });
      JSON.stringify(request);
      parseCheckResponse(JSON.parse(answer));
    }
  };
  run(5_000);
  const n = 50_000;
  const before = process.cpuUsage();
  const t0 = performance.now();
  run(n);
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(before);
  const perCheck = (cpu.user + cpu.system) / n;
  console.log(
    `CPU per check (request build + response parse): ${perCheck.toFixed(1)} µs (wall ${((wall * 1000) / n).toFixed(1)} µs), goal ≤ 50 µs`,
  );
}

function makeCertificate(dir) {
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(keyPath), cert: readFileSync(certPath), certPath };
}

/** An HTTPS front for the devserver, so the cost of a TLS handshake per check shows. */
async function startTlsProxy(tls, target) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const server = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const upstream = http.request(target, { method: req.method, headers: req.headers, agent }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${server.address().port}/api2.0`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(resolve);
      }),
  };
}

function runClientProcess(scenario, certPath) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(here, 'run.mjs'), 'client', JSON.stringify(scenario)], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: certPath },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`client exited ${code}`)),
    );
  });
}

async function runClient() {
  const { label, url, sequential, parallel } = JSON.parse(process.argv[3]);
  const { createVerifier, DEFAULT_AUTH_KEY } = await loadClientModules();
  const verifier = createVerifier({ authKey: DEFAULT_AUTH_KEY, endpoint: url, timeoutMs: 10_000 });
  const body = JSON.stringify(
    buildCheckRequest(submission, {
      method: 'check_message',
      authKey: DEFAULT_AUTH_KEY,
      responseLang: 'en',
      eventTokenEnabled: true,
      ip: submission.ip,
      signals: readClientSignals(submission.form),
      startTime: { source: 'client', submitTimeSeconds: 11 },
    }),
  );
  const ca = readFileSync(process.env.NODE_EXTRA_CA_CERTS);
  const freshConnection = () =>
    new Promise((resolve, reject) => {
      const mod = url.startsWith('https:') ? https : http;
      const req = mod.request(
        url,
        {
          method: 'POST',
          agent: false,
          ca,
          headers: { 'content-type': 'application/json', connection: 'close' },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c) => {
            text += c;
          });
          res.on('end', () => {
            try {
              parseCheckResponse(JSON.parse(text));
              resolve();
            } catch (e) {
              reject(e);
            }
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const pooled = async () => {
    const verdict = await verifier.checkMessage(submission);
    if (!verdict.verified) throw new Error(`not verified: ${verdict.error?.message}`);
  };
  const rows = [];
  for (const [client, fn] of [
    ['verifier (kept alive)', pooled],
    ['new connection per check', freshConnection],
  ]) {
    // Warm-up: compiled code and open connections, so the rows measure checks, not start-up.
    await measure(fn, 1_000, 16);
    for (const concurrency of [1, 16]) {
      const { perSecond, meanMs, p99Ms, cpuMicros, errors } = await measure(
        fn,
        concurrency === 1 ? sequential : parallel,
        concurrency,
      );
      rows.push({
        network: label,
        client,
        concurrency,
        'checks/s': Math.round(perSecond),
        'mean ms': round(meanMs),
        'p99 ms': round(p99Ms),
        'client CPU µs/check': Math.round(cpuMicros),
        'rss MB': Math.round(process.memoryUsage().rss / 1e6),
        errors,
      });
    }
  }
  process.stdout.write(JSON.stringify(rows));
}

async function loadClientModules() {
  const verifier = await import('../dist/index.js');
  const devserver = await import('@ct-protected-form/devserver');
  return { createVerifier: verifier.createVerifier, DEFAULT_AUTH_KEY: devserver.DEFAULT_AUTH_KEY };
}

async function measure(fn, total, concurrency) {
  const latencies = [];
  let errors = 0;
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < total) {
        const s = performance.now();
        // A failed exchange (a loaded machine resets some fresh TLS connections) is counted, not fatal.
        try {
          await fn();
          latencies.push(performance.now() - s);
        } catch {
          errors++;
        }
      }
    }),
  );
  const elapsed = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  latencies.sort((a, b) => a - b);
  return {
    // What one check costs the application's process, whatever the network.
    cpuMicros: (cpu.user + cpu.system) / latencies.length,
    perSecond: (latencies.length / elapsed) * 1000,
    meanMs: latencies.reduce((a, b) => a + b, 0) / latencies.length,
    p99Ms: latencies[Math.floor(latencies.length * 0.99)],
    errors,
  };
}

function round(n) {
  return Math.round(n * 100) / 100;
}
