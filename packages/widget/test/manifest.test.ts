// The shipped custom-elements.json (written by `pnpm build`): what editors and framework wrappers read.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { ProtectedFormElement } from '../src/protected-form-element.js';

const root = join(import.meta.dirname, '..');
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const manifest = JSON.parse(readFileSync(join(root, packageJson.customElements), 'utf8'));
const element = manifest.modules
  .flatMap((module: { declarations?: Record<string, unknown>[] }) => module.declarations ?? [])
  .find((declaration: { tagName?: string }) => declaration.tagName === 'ct-protected-form');

test('is shipped and named by package.json', () => {
  expect(packageJson.files).toContain(packageJson.customElements);
  expect(element?.name).toBe('ProtectedFormElement');
});

test('lists every attribute the element observes, with its property, and both events', () => {
  const attributes = (element.attributes as { name: string; fieldName: string }[]).map(
    ({ name, fieldName }) => [name, fieldName],
  );
  const observed = Object.entries(
    ProtectedFormElement.properties as Record<string, { attribute?: string }>,
  ).map(([property, { attribute }]) => [attribute ?? property, property]);
  expect(attributes).toEqual(observed);
  expect(element.events.map(({ name }: { name: string }) => name)).toEqual(['ct-ready', 'ct-error']);
});

test('points at shipped modules only', () => {
  const paths = manifest.modules.map(({ path }: { path: string }) => path);
  expect(paths.every((path: string) => path.startsWith('dist/') && existsSync(join(root, path)))).toBe(true);
});
