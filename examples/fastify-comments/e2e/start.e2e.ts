import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
let child: ChildProcess | undefined;
let dir: string | undefined;

afterEach(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Starts `pnpm start`'s command and resolves with its output once it says where it runs. */
function start(env: Record<string, string>): Promise<{ url: string; lines: string[] }> {
  const lines: string[] = [];
  const env_ = { ...process.env, ...env };
  delete env_.CLEANTALK_AUTH_KEY;
  delete env_.CT_START_TOKEN_SECRET;
  child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: env_,
    stdio: 'pipe',
  });
  return new Promise((resolve, reject) => {
    let buffer = '';
    child!.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      lines.push(...parts);
      const running = lines.find((line) => line.includes(' is running at '));
      if (running) resolve({ url: running.slice(running.indexOf('http')), lines });
    });
    child!.stderr!.setEncoding('utf8').on('data', (chunk: string) => lines.push(chunk));
    child!.once('exit', (code) => reject(new Error(`exited with ${code}:\n${lines.join('\n')}`)));
  });
}

describe('the first run (pnpm start)', () => {
  it('starts offline with an in-process devserver, says so in one line, and stops cleanly', async () => {
    dir = await mkdtemp(join(tmpdir(), 'fastify-comments-start-'));
    const dataFile = join(dir, 'data', 'comments.sqlite');
    const { url, lines } = await start({ PORT: '0', DATA_FILE: dataFile });

    expect(lines.filter((line) => line.includes('devserver'))).toHaveLength(1);
    expect(lines.filter((line) => line.includes('CT_START_TOKEN_SECRET is not set'))).toHaveLength(1);
    const page = await fetch(new URL('/posts/tomatoes-on-a-balcony', url.replace('localhost', '127.0.0.1')));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toMatch(
      /<ct-protected-form detector-src="http:\/\/127\.0\.0\.1:\d+\/ct-bot-detector-wrapper\.js"/,
    );
    expect(existsSync(dataFile)).toBe(true);

    // Beside the address: the admin login, with a password made up for this run, that works.
    const admin = lines.filter((line) => line.startsWith('Admin area: '));
    expect(admin).toHaveLength(1);
    const [, loginUrl, user, password] =
      /^Admin area: (\S+), user (\S+), password (\S+) \(ADMIN_PASSWORD is not set/.exec(admin[0] ?? '') ?? [];
    expect(loginUrl).toBe(`${url}/login`);
    const base = url.replace('localhost', '127.0.0.1');
    const form = await fetch(`${base}/login`);
    const cookie = (form.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
    const login = await fetch(`${base}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: token, user: user ?? '', password: password ?? '' }),
    });
    expect(login.status).toBe(303);
    const session = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const queue = await fetch(`${base}/moderation`, { headers: { cookie: session }, redirect: 'manual' });
    expect(queue.status).toBe(200);
    expect(await queue.text()).toContain('Moderation queue');

    const exited = new Promise<number | null>((resolve) => child!.once('exit', resolve));
    child!.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses a bad setting with a message naming it and exit code 2', async () => {
    const lines: string[] = [];
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: { ...process.env, PORT: 'eighty' },
      stdio: 'pipe',
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => lines.push(chunk));
    const code = await new Promise<number | null>((resolve) => child!.once('exit', resolve));
    expect(code).toBe(2);
    expect(lines.join('')).toContain('Configuration error: PORT: expected a port number');
  });
});
