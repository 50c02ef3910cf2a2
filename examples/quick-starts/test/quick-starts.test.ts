import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DEFAULT_AUTH_KEY, type DevServer, startDevServer } from '@ct-protected-form/devserver';
import * as fields from '@ct-protected-form/fields';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  ROUTES,
  runQuickStart,
  SERVE_ROUTE,
  START_TOKEN_SECRET,
  startApp,
} from '../../../scripts/quick-start-checks.mjs';

const here = new URL('../', import.meta.url);
const root = new URL('../../', here);
const read = (url: URL) => readFileSync(url, 'utf8');
const tsx = createRequire(import.meta.url).resolve('tsx/cli');

/** Every quick-start file, with how it starts. */
const QUICK_STARTS = [
  { file: 'fastify.ts', runner: 'tsx', routes: ROUTES.server },
  { file: 'fastify.js', runner: 'node', routes: ROUTES.server },
  { file: 'express.ts', runner: 'tsx', routes: ROUTES.server },
  { file: 'express.js', runner: 'node', routes: ROUTES.server },
  { file: 'next/app/contact/route.ts', runner: 'tsx', routes: ROUTES.route },
  { file: 'next/app/contact/route.js', runner: 'node', routes: ROUTES.route },
] as const;

/** The README's code blocks announced by `<!-- examples/quick-starts/<file> -->`, by file. */
function readmeBlocks(): Map<string, string> {
  const blocks = new Map<string, string>();
  const pattern =
    /<!-- (examples\/quick-starts\/[^ ]+) -->\s*\n(?:<details>[^\n]*\n\s*\n)?```\w*\n([\s\S]*?)```/g;
  for (const match of read(new URL('README.md', root)).matchAll(pattern)) {
    blocks.set(match[1] ?? '', match[2] ?? '');
  }
  return blocks;
}

describe('the README shows the quick starts verbatim', () => {
  const blocks = readmeBlocks();
  const files = [...QUICK_STARTS.map((q) => q.file), 'page.html', 'cms-page.html'];

  it.each(files)('%s', (file) => {
    const path = `examples/quick-starts/${file}`;
    expect(blocks.has(path), `README.md has no block marked <!-- ${path} -->`).toBe(true);
    expect(blocks.get(path)).toBe(read(new URL(file, here)));
  });

  it('shows no other quick-start file', () => {
    expect([...blocks.keys()].sort()).toEqual(files.map((file) => `examples/quick-starts/${file}`).sort());
  });

  it('names the widget version and the integrity hash the build printed in every CDN snippet', () => {
    const integrityFile = new URL('packages/widget/dist/integrity.json', root);
    expect(existsSync(integrityFile), 'the widget is not built: run `pnpm build` first').toBe(true);
    const { version, integrity } = JSON.parse(read(integrityFile)) as Record<string, string>;
    const snippets = [...read(new URL('README.md', root)).matchAll(/<script src="https:\/\/unpkg[^>]*>/g)];
    expect(snippets.length).toBeGreaterThanOrEqual(2);
    for (const [snippet] of snippets) {
      expect(snippet, 'run `pnpm build && node scripts/update-cdn-snippets.mjs`').toContain(
        `/@ct-protected-form/widget@${version}/dist/ct-protected-form.min.js"`,
      );
      expect(snippet, 'run `pnpm build && node scripts/update-cdn-snippets.mjs`').toContain(
        `integrity="${integrity}" crossorigin="anonymous"`,
      );
    }
  });
});

describe('each quick start runs against the devserver', () => {
  let devserver: DevServer;
  beforeAll(async () => {
    // The quick starts import the packages as an app does: from their build.
    const verifierBuild = new URL('packages/verifier/dist/index.js', root);
    if (!existsSync(verifierBuild)) throw new Error('The packages are not built: run `pnpm build` first.');
    devserver = await startDevServer();
  });
  afterAll(() => devserver?.close());

  it.each(QUICK_STARTS)('$file: allowed, held, blocked', async ({ file, runner, routes }) => {
    const entry = file.startsWith('next/') ? [SERVE_ROUTE, file] : [file];
    const results = await runQuickStart({
      args: runner === 'tsx' ? [tsx, ...entry] : entry,
      cwd: here.pathname,
      routes,
      devserver,
      fields,
      key: DEFAULT_AUTH_KEY,
    });
    expect(results).toEqual(['allowed: 200', 'held: 200', 'blocked: 403']);
  });

  it('a quick start started with a key CleanTalk does not accept stops at once, saying so', async () => {
    const port = await freePort();
    const started = startApp({
      command: process.execPath,
      args: ['fastify.js'],
      cwd: here.pathname,
      port,
      startTokenPath: ROUTES.server.startToken,
      env: {
        CLEANTALK_AUTH_KEY: 'not-a-key-the-devserver-knows',
        CLEANTALK_ENDPOINT: devserver.apiUrl,
        CLEANTALK_DATABASE_ENDPOINT: devserver.databaseUrl,
        START_TOKEN_SECRET,
      },
    });
    await expect(started).rejects.toThrow(/CleanTalk does not accept CLEANTALK_AUTH_KEY/);
  });
});
