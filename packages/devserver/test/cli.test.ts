import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

// The CLI runs as it ships: from the built dist/. `pnpm build` runs before `pnpm test`; when the
// build is missing or older than the sources (a bare `vitest run`), it is compiled here first.
const root = fileURLToPath(new URL('..', import.meta.url));
const cli = `${root}dist/cli.js`;

function buildIsStale(): boolean {
  if (!existsSync(cli)) return true;
  const built = statSync(cli).mtimeMs;
  return readdirSync(`${root}src`).some((name) => statSync(`${root}src/${name}`).mtimeMs > built);
}

beforeAll(() => {
  if (buildIsStale()) {
    execFileSync(
      process.execPath,
      [`${root}../../node_modules/typescript/bin/tsc`, '-p', 'tsconfig.build.json'],
      {
        cwd: root,
      },
    );
  }
}, 60_000);

const children: ChildProcessWithoutNullStreams[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function start(args: string[]): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, [cli, ...args], { cwd: root });
  children.push(child);
  return child;
}

function collect(stream: NodeJS.ReadableStream): { text: string } {
  const out = { text: '' };
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    out.text += chunk;
  });
  return out;
}

/** Resolves with the printed URLs once all three lines are out. */
function urls(child: ChildProcessWithoutNullStreams): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      text += chunk;
      const found = Object.fromEntries([...text.matchAll(/^(\w+): (\S+)$/gm)].map((m) => [m[1], m[2]]));
      if (found.api && found.database && found.detector) resolve(found);
    });
    child.on('exit', (code) => reject(new Error(`exited with ${code} before printing its URLs`)));
  });
}

function exit(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.on('exit', (code) => resolve(code));
  });
}

describe('ct-devserver', () => {
  it('prints one line per URL, answers requests, and stops cleanly on SIGINT', async () => {
    const child = start(['--port', '0', '--key', 'cli-key']);
    const stderr = collect(child.stderr);
    const printed = await urls(child);
    expect(printed.api).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api2\.0$/);
    expect(printed.database).toMatch(/\/db\/$/);
    expect(printed.detector).toMatch(/\/ct-bot-detector-wrapper\.js$/);

    const response = await fetch(printed.api!, {
      method: 'POST',
      body: JSON.stringify({
        method_name: 'check_message',
        auth_key: 'cli-key',
        sender_email: 'stop_email@example.com',
      }),
    });
    expect(await response.json()).toMatchObject({ codes: 'FORBIDDEN BL' });
    await fetch(`${printed.database}?method_name=spam_check&auth_key=cli-key&email=a@example.com`);

    child.kill('SIGINT');
    expect(await exit(child)).toBe(0);
    expect(stderr.text).toContain('check_message');
    expect(stderr.text).toContain('FORBIDDEN BL');
    expect(stderr.text).not.toContain('cli-key');
  });

  it('stops cleanly on SIGTERM and logs nothing with --quiet', async () => {
    const child = start(['--port', '0', '--quiet']);
    const stderr = collect(child.stderr);
    const printed = await urls(child);
    await fetch(printed.api!, { method: 'POST', body: '{}' });
    child.kill('SIGTERM');
    expect(await exit(child)).toBe(0);
    expect(stderr.text).not.toContain('/api2.0');
  });

  it('exits with 2 and a clear message on a bad flag', async () => {
    const child = start(['--port', 'eighty']);
    const stderr = collect(child.stderr);
    expect(await exit(child)).toBe(2);
    expect(stderr.text).toContain('--port must be an integer');
    expect(stderr.text).toContain('Usage: ct-devserver');
  });

  it('exits with 1 when the port is taken', async () => {
    const first = start(['--port', '0', '--quiet']);
    const port = new URL((await urls(first)).api!).port;
    const second = start(['--port', port]);
    const stderr = collect(second.stderr);
    expect(await exit(second)).toBe(1);
    expect(stderr.text).toContain('EADDRINUSE');
  });
});
