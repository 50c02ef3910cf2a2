// Throughput of the devserver's real-time and database APIs over kept-alive connections, and how
// quickly close() returns with requests hanging. Run after `pnpm build`: it measures dist/.
import { Agent, request } from 'node:http';
import { DEFAULT_AUTH_KEY, startDevServer } from '../dist/index.js';

const body = JSON.stringify({
  method_name: 'check_message',
  auth_key: DEFAULT_AUTH_KEY,
  sender_ip: '203.0.113.10',
  sender_email: 'visitor@example.com',
  message: 'Hello, a perfectly ordinary comment.',
  js_on: 1,
  submit_time: 12,
});

function call(url, agent, method = 'POST', payload = body) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end(method === 'POST' ? payload : undefined);
  });
}

async function throughput(label, url, method, concurrency, total) {
  const server = await startDevServer({ rateLimitPerMinute: { spamCheck: 1_000_000 }, maxRecorded: 1000 });
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const target = url(server);
  for (let i = 0; i < 200; i++) await call(target, agent, method); // warm-up
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < total) await call(target, agent, method);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const row = {
    case: label,
    concurrency,
    requests: total,
    'req/s': Math.round(total / seconds),
    'connections accepted': server.connectionsAccepted,
  };
  agent.destroy();
  await server.close();
  return row;
}

async function closeWithHanging(count) {
  const server = await startDevServer();
  server.setFault({ drop: 'hang' });
  const agent = new Agent({ keepAlive: true });
  const pending = Array.from({ length: count }, () => call(server.apiUrl, agent).catch(() => {}));
  while (server.requests.length < count) await new Promise((resolve) => setTimeout(resolve, 1));
  const started = performance.now();
  await server.close();
  const ms = performance.now() - started;
  await Promise.all(pending);
  agent.destroy();
  return { case: `close() with ${count} hanging requests`, ms: Number(ms.toFixed(2)) };
}

const rows = [
  await throughput('check_message, sequential', (s) => s.apiUrl, 'POST', 1, 5000),
  await throughput('check_message, 16 in flight', (s) => s.apiUrl, 'POST', 16, 20000),
  await throughput(
    'spam_check GET, 16 in flight',
    (s) => `${s.databaseUrl}?method_name=spam_check&auth_key=${DEFAULT_AUTH_KEY}&email=a@example.com`,
    'GET',
    16,
    20000,
  ),
];
console.table(rows);
console.table([await closeWithHanging(50)]);
