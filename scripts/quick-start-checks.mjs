// What every quick start is checked with, by its vitest test and by the pack-and-install check:
// the three submissions, how to start each quick start, and the HTTP check itself.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/**
 * The three submissions, by what the local CleanTalk-compatible server (packages/devserver) decides
 * for them. Each carries the hidden fields of a page shown 12 s ago with a valid bot-detector
 * token, so only the input below decides. Adjust `held` and `blocked` here when the devserver's
 * rules change; nothing else names them.
 */
export const SUBMISSIONS = {
  allowed: {
    form: { name: 'Ann', email: 'ann@example.com', message: 'What a lovely garden.' },
    status: 200,
    answer: /^Thanks!$/,
  },
  held: {
    form: { name: 'Rita', email: 'review@example.com', message: 'Please publish my message.' },
    status: 200,
    answer: /held for review/,
  },
  blocked: {
    form: { name: 'Sam', email: 'stop_email@example.com', message: 'Cheap watches.' },
    status: 403,
    answer: /blacklisted/i,
  },
};

/** The routes the quick starts serve: where the page posts, where it fetches its start token. */
export const ROUTES = {
  server: { contact: '/contact', startToken: '/ct-protected-form/start-token' },
  // The Next.js route handler answers both at its own path.
  route: { contact: '/contact', startToken: '/contact' },
};

/** A start-token secret for the runs: 32 bytes or more, as createStartTokens() requires. */
export const START_TOKEN_SECRET = 'quick-start-check-secret-0123456789abcdef';

/** Serves a Web `Request` route module (GET / POST exports) over node:http, as a proxy setting X-Real-IP would. */
export const SERVE_ROUTE = fileURLToPath(new URL('serve-route.mjs', import.meta.url));

/** A free TCP port on the loopback interface. */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts `command args` with the quick start's environment and waits until it answers the start
 * token route. Rejects with its output when it exits first or does not answer within `timeoutMs`.
 */
export async function startApp({ command, args, cwd, env, port, startTokenPath, timeoutMs = 20_000 }) {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`${[command, ...args].join(' ')} exited with ${child.exitCode}:\n${output}`);
    }
    try {
      const response = await fetch(`http://127.0.0.1:${port}${startTokenPath}`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${[command, ...args].join(' ')} did not answer within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { stop, output: () => output };
}

/**
 * How long a start token must be held before it counts: the verifier's default `minAgeMs` (3 s),
 * and a little more. A page a person reads is open that long; a bot that posts at once is held.
 */
export const START_TOKEN_WAIT_MS = 3_200;

/**
 * Fetches one start token per submission as the page would (keeping the session cookie the token
 * route sets), waits as a person reading the page would, then posts the three submissions and
 * checks each answer. `eventToken` is a bot-detector token the devserver issued; `fields` is
 * `@ct-protected-form/fields` (the hidden-field names). Throws on the first difference; resolves
 * to one line per submission.
 */
export async function checkSubmissions({ baseUrl, routes, eventToken, fields }) {
  const names = Object.keys(SUBMISSIONS);
  const tokens = await Promise.all(names.map(() => fetchStartToken(`${baseUrl}${routes.startToken}`)));
  const startedAt = String(Date.now());
  await new Promise((resolve) => setTimeout(resolve, START_TOKEN_WAIT_MS));
  const results = [];
  for (const [index, name] of names.entries()) {
    const submission = SUBMISSIONS[name];
    const body = new URLSearchParams({
      ...submission.form,
      [fields.FIELDS.eventToken]: eventToken(),
      [fields.FIELDS.startToken]: tokens[index].token,
      [fields.FIELDS.startedAt]: startedAt,
      [fields.FIELDS.submittedAt]: String(Date.now()),
    });
    const response = await fetch(`${baseUrl}${routes.contact}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'text/html',
        cookie: tokens[index].cookie,
      },
      body,
    });
    const answer = await response.text();
    if (response.status !== submission.status || !submission.answer.test(answer)) {
      throw new Error(
        `the ${name} submission got ${response.status} ${JSON.stringify(answer.slice(0, 200))}, expected ${submission.status} matching ${submission.answer}`,
      );
    }
    results.push(`${name}: ${response.status}`);
  }
  return results;
}

/**
 * Starts one quick start (`args` run with Node in `cwd`) against `devserver` with a key it accepts,
 * checks the three submissions with {@link checkSubmissions}, and stops it: what the repository's
 * test and the pack check both run for each quick start.
 */
export async function runQuickStart({ args, cwd, routes, devserver, fields, key }) {
  const port = await freePort();
  const app = await startApp({
    command: process.execPath,
    args,
    cwd,
    port,
    startTokenPath: routes.startToken,
    env: {
      CLEANTALK_AUTH_KEY: key,
      CLEANTALK_ENDPOINT: devserver.apiUrl,
      CLEANTALK_DATABASE_ENDPOINT: devserver.databaseUrl,
      START_TOKEN_SECRET,
    },
  });
  try {
    return await checkSubmissions({
      baseUrl: `http://127.0.0.1:${port}`,
      routes,
      eventToken: () => devserver.issueEventToken(),
      fields,
    });
  } finally {
    await app.stop();
  }
}

/** GET the start-token route: the token and the session cookie it is bound to (`name=value`). */
async function fetchStartToken(url) {
  const response = await fetch(url);
  const { token } = await response.json();
  if (response.status !== 200 || typeof token !== 'string' || token.length < 20) {
    throw new Error(`GET ${url} answered ${response.status} without a token`);
  }
  const cookie = response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
  return { token, cookie };
}
