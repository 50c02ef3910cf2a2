import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The CLI is tested as it ships: `node dist/cli.js`, which imports the built verifier and fields.
// `pnpm test` builds everything first; for a bare `vitest run`, stale or missing builds of these
// three packages are compiled here, once, before any test file starts.
const packages = fileURLToPath(new URL('../..', import.meta.url));
const tsc = join(packages, '../node_modules/typescript/bin/tsc');

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

function isStale(name: string, entry: string): boolean {
  const built = join(packages, name, 'dist', entry);
  return !existsSync(built) || newest(join(packages, name, 'src')) > statSync(built).mtimeMs;
}

export default function setup(): void {
  for (const [name, entry] of [
    ['fields', 'index.js'],
    ['verifier', 'index.js'],
    ['cli', 'cli.js'],
  ] as const) {
    if (!isStale(name, entry)) continue;
    try {
      execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
        cwd: join(packages, name),
        stdio: 'pipe',
      });
    } catch (error) {
      const output = String((error as { stdout?: unknown }).stdout ?? '');
      // tsc still emits on type errors; only a missing output is fatal.
      if (!existsSync(join(packages, name, 'dist', entry))) {
        throw new Error(
          `packages/${name} could not be built for the CLI tests; run "pnpm build".\n${output}`,
        );
      }
    }
  }
}
