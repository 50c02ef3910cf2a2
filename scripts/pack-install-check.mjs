// Packs every package as it would be published, checks each tarball (publint, arethetypeswrong,
// export targets, source maps), installs the tarballs into fresh Fastify, Express and Web Request
// apps in a scratch directory outside the workspace, and runs each README quick-start file there
// against the devserver with an allowed, a held and a blocked submission (see the table at the
// top of quick-start-checks.mjs). Run by `pnpm test` after the build; `--keep` leaves the scratch
// directory for a look. Dependencies come from the npm registry through the local pnpm store.
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { checkPackage, createPackageFromTarballData } from '@arethetypeswrong/core';
import parseChangeset from '@changesets/parse';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { ROUTES, runQuickStart } from './quick-start-checks.mjs';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../', import.meta.url));
const quickStarts = join(root, 'examples/quick-starts');
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
const problems = [];

const scratch = await mkdtemp(join(tmpdir(), 'ct-protected-form-pack-'));
try {
  // 1. Pack, as `pnpm publish` would: workspace versions resolved, publishConfig applied.
  const tarballs = join(scratch, 'tarballs');
  await run('pnpm', ['-r', '--filter', './packages/**', 'pack', '--pack-destination', tarballs], {
    cwd: root,
  });
  const files = (await readdir(tarballs)).filter((file) => file.endsWith('.tgz')).sort();
  console.log(`packed ${files.length} packages (${elapsed()})`);

  // 2. Check each tarball.
  const byName = {};
  for (const file of files) {
    const data = new Uint8Array(await readFile(join(tarballs, file)));
    const found = await checkTarball(data);
    byName[found.name] = join(tarballs, file);
    problems.push(...found.problems.map((problem) => `${found.name}: ${problem}`));
  }
  problems.push(...(await publishedExportsInSync()));
  problems.push(...(await pendingChangesetsParse(Object.keys(byName))));
  console.log(`checked the tarballs with publint and arethetypeswrong (${elapsed()})`);

  // 3. Three fresh apps, each with only what its quick start needs, in one pnpm workspace so a
  // single install serves them.
  const apps = join(scratch, 'apps');
  const overrides = Object.fromEntries(Object.entries(byName).map(([name, path]) => [name, `file:${path}`]));
  const registry = await workspaceVersions([
    'fastify',
    'express',
    'tsx',
    'typescript',
    '@types/node',
    '@types/express',
  ]);
  const verifier = { '@ct-protected-form/verifier': overrides['@ct-protected-form/verifier'] };
  const typescript = {
    tsx: registry.tsx,
    typescript: registry.typescript,
    '@types/node': registry['@types/node'],
  };
  const APPS = [
    {
      name: 'fastify-app',
      dependencies: { ...verifier, fastify: registry.fastify },
      devDependencies: typescript,
      files: { 'fastify.ts': 'fastify.ts', 'fastify.js': 'fastify.js' },
      runs: ['fastify.ts', 'fastify.js'],
      routes: ROUTES.server,
    },
    {
      name: 'express-app',
      dependencies: { ...verifier, express: registry.express },
      devDependencies: { ...typescript, '@types/express': registry['@types/express'] },
      files: { 'express.ts': 'express.ts', 'express.js': 'express.js' },
      runs: ['express.ts', 'express.js'],
      routes: ROUTES.server,
    },
    {
      name: 'web-app',
      dependencies: verifier,
      devDependencies: typescript,
      files: {
        'app/contact/route.ts': 'next/app/contact/route.ts',
        'app/contact/route.js': 'next/app/contact/route.js',
        'serve-route.mjs': '../../scripts/serve-route.mjs',
      },
      runs: ['app/contact/route.ts', 'app/contact/route.js'],
      routes: ROUTES.route,
    },
  ];
  await mkdir(apps, { recursive: true });
  await writeFile(
    join(apps, 'pnpm-workspace.yaml'),
    [
      'packages: ["*"]',
      'allowBuilds:',
      '  esbuild: true',
      'overrides:',
      ...Object.entries(overrides).map(([name, spec]) => `  "${name}": "${spec}"`),
      '',
    ].join('\n'),
  );
  for (const app of APPS) {
    const dir = join(apps, app.name);
    await mkdir(dir, { recursive: true });
    const manifest = { name: app.name, private: true, type: 'module', dependencies: app.dependencies };
    await writeFile(
      join(dir, 'package.json'),
      JSON.stringify({ ...manifest, devDependencies: app.devDependencies }),
    );
    // What a user's tsconfig for Node looks like: the published types must hold up under it.
    await writeFile(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          target: 'es2022',
          types: ['node'],
          strict: true,
          noEmit: true,
          skipLibCheck: true,
        },
        include: Object.keys(app.files).filter((file) => file.endsWith('.ts')),
      }),
    );
    for (const [to, from] of Object.entries(app.files)) {
      await cp(join(quickStarts, from), join(dir, to));
    }
  }
  await run('pnpm', ['install', '--prefer-offline', '--config.confirmModulesPurge=false'], {
    cwd: apps,
    env: { ...process.env, CI: '1' },
  });
  console.log(`installed the tarballs into ${APPS.map((app) => app.name).join(', ')} (${elapsed()})`);

  // 4. Type-check each app's TypeScript quick start against the published types.
  await Promise.all(
    APPS.map(async (app) => {
      try {
        await run('pnpm', ['exec', 'tsc', '-p', '.'], { cwd: join(apps, app.name) });
      } catch (error) {
        problems.push(`${app.name}: tsc failed:\n${error.stdout}${error.stderr}`);
      }
    }),
  );
  console.log(`type-checked the TypeScript quick starts (${elapsed()})`);

  // CommonJS apps load these ESM-only packages with require() (Node >= 20.19, the engines floor).
  try {
    await run(
      process.execPath,
      [
        '-e',
        "for (const p of ['', '/fastify', '/express', '/fetch', '/database']) require('@ct-protected-form/verifier' + p)",
      ],
      { cwd: join(apps, 'express-app') },
    );
  } catch (error) {
    problems.push(`require() of the verifier from CommonJS failed:\n${error.stderr}`);
  }

  // 5. Run each quick start against the devserver.
  const { DEFAULT_AUTH_KEY, startDevServer } = await import(
    new URL('packages/devserver/dist/index.js', `file://${root}`).href
  );
  const fields = await import(new URL('packages/fields/dist/index.js', `file://${root}`).href);
  const devserver = await startDevServer();
  try {
    for (const app of APPS) {
      const cwd = join(apps, app.name);
      for (const file of app.runs) {
        const entry = app.name === 'web-app' ? ['serve-route.mjs', file] : [file];
        try {
          const results = await runQuickStart({
            args: file.endsWith('.ts') ? [join(cwd, 'node_modules/tsx/dist/cli.mjs'), ...entry] : entry,
            cwd,
            routes: app.routes,
            devserver,
            fields,
            key: DEFAULT_AUTH_KEY,
          });
          console.log(`${app.name}/${file}: ${results.join(', ')}`);
        } catch (error) {
          problems.push(`${app.name}/${file}: ${error.message}`);
        }
      }
    }
  } finally {
    await devserver.close();
  }
} finally {
  if (process.argv.includes('--keep')) console.log(`scratch directory kept: ${scratch}`);
  else await rm(scratch, { recursive: true, force: true });
}

if (problems.length > 0) {
  console.error(`\n${problems.length} problem(s):\n- ${problems.join('\n- ')}`);
  process.exitCode = 1;
} else {
  console.log(`pack-and-install check passed in ${elapsed()}`);
}

/**
 * Every pending changeset names at least one published package and nothing else: a front matter a
 * formatter rewrote (a blank line, or `---` read as a heading underline) would release nothing.
 */
async function pendingChangesetsParse(packageNames) {
  const found = [];
  const folder = join(root, '.changeset');
  for (const file of (await readdir(folder)).filter((name) => name.endsWith('.md') && name !== 'README.md')) {
    let releases = [];
    try {
      ({ releases } = parseChangeset(await readFile(join(folder, file), 'utf8')));
    } catch (error) {
      found.push(`.changeset/${file}: ${error.message}`);
      continue;
    }
    if (releases.length === 0) found.push(`.changeset/${file}: names no package to release`);
    for (const { name } of releases) {
      if (!packageNames.includes(name)) found.push(`.changeset/${file}: ${name} is not a published package`);
    }
  }
  return found;
}

/** The version ranges the workspace itself uses, so the scratch install finds them in the store. */
async function workspaceVersions(names) {
  const versions = {};
  const manifests = ['package.json', 'packages/verifier/package.json', 'examples/quick-starts/package.json'];
  for (const manifest of manifests) {
    const pkg = JSON.parse(await readFile(join(root, manifest), 'utf8'));
    for (const deps of [pkg.dependencies, pkg.devDependencies]) {
      for (const name of names) versions[name] ??= deps?.[name];
    }
  }
  return versions;
}

/** Every problem of one tarball: publint's, arethetypeswrong's and ours. */
async function checkTarball(data) {
  const found = [];
  const pkg = createPackageFromTarballData(data);
  const name = pkg.packageName;
  const manifest = JSON.parse(pkg.readFile(`/node_modules/${name}/package.json`));
  const shipped = new Set(pkg.listFiles().map((path) => path.slice(`/node_modules/${name}/`.length)));

  const lint = await publint({ pack: { tarball: data.slice().buffer }, level: 'suggestion', strict: true });
  for (const message of lint.messages)
    found.push(`publint: ${formatMessage(message, lint.pkg) ?? message.code}`);

  // ESM-only packages: like `attw --profile esm-only`, CommonJS `require` and node10 are out of scope.
  const analysis = await checkPackage(pkg);
  if (analysis.types === false) found.push('arethetypeswrong: no types');
  for (const problem of analysis.problems ?? []) {
    const kinds = problem.resolutionKind ? [problem.resolutionKind] : [];
    if (kinds.length > 0 && kinds.every((kind) => kind === 'node10' || kind === 'node16-cjs')) continue;
    if (problem.kind === 'CJSResolvesToESM') continue;
    found.push(
      `arethetypeswrong: ${problem.kind} ${problem.entrypoint ?? ''} ${problem.resolutionKind ?? ''}`,
    );
  }

  // Every target of exports, imports and bin is in the tarball; no condition names unshipped source.
  const targets = [];
  const walk = (value, where) => {
    if (typeof value === 'string') targets.push([value, where]);
    else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'source') found.push(`${where}: a "source" condition in the published manifest`);
        walk(inner, `${where}.${key}`);
      }
    }
  };
  walk(manifest.exports, 'exports');
  walk(manifest.imports, 'imports');
  walk(typeof manifest.bin === 'string' ? { [name]: manifest.bin } : manifest.bin, 'bin');
  if (manifest.customElements && !shipped.has(manifest.customElements)) {
    found.push(`customElements → ${manifest.customElements}: not in the tarball`);
  }
  for (const [target, where] of targets) {
    if (!shipped.has(target.replace(/^\.\//, ''))) found.push(`${where} → ${target}: not in the tarball`);
  }
  for (const field of ['repository', 'homepage', 'bugs', 'keywords', 'license', 'author']) {
    if (!manifest[field]) found.push(`package.json has no "${field}"`);
  }
  if (manifest.publishConfig?.access !== 'public') found.push('publishConfig.access is not "public"');
  if (!shipped.has('CHANGELOG.md')) found.push('CHANGELOG.md is not in the tarball');

  // A shipped source map either carries its sources or points only at shipped files.
  for (const file of shipped) {
    if (!file.endsWith('.map')) continue;
    const map = JSON.parse(pkg.readFile(`/node_modules/${name}/${file}`));
    const dir = file.split('/').slice(0, -1);
    const missing = (map.sources ?? []).filter((source, index) => {
      if (map.sourcesContent?.[index] != null) return false;
      const parts = [...dir];
      for (const part of source.split('/')) {
        if (part === '..') parts.pop();
        else if (part !== '.') parts.push(part);
      }
      return !shipped.has(parts.join('/'));
    });
    if (missing.length > 0)
      found.push(`${file} points at ${missing.join(', ')}, neither shipped nor inlined`);
  }
  return { name, problems: found };
}

/**
 * `publishConfig.exports` / `.imports` (what is published) must be the workspace's `exports` /
 * `imports` without the `source` condition: an entry added to one and not the other would be
 * missing from, or stale in, the published package.
 */
async function publishedExportsInSync() {
  const found = [];
  const withoutSource = (value) =>
    value && typeof value === 'object'
      ? Object.fromEntries(
          Object.entries(value)
            .filter(([key]) => key !== 'source')
            .map(([key, inner]) => [key, withoutSource(inner)]),
        )
      : value;
  for (const dir of await readdir(join(root, 'packages'))) {
    const manifest = JSON.parse(await readFile(join(root, 'packages', dir, 'package.json'), 'utf8'));
    for (const field of ['exports', 'imports']) {
      const expected = JSON.stringify(withoutSource(manifest[field]));
      if (expected !== JSON.stringify(manifest.publishConfig?.[field])) {
        found.push(`packages/${dir}/package.json: publishConfig.${field} is not ${field} without "source"`);
      }
    }
  }
  return found;
}
