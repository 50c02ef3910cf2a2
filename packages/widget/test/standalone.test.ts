import { FIELDS } from '@ct-protected-form/fields';
import { afterEach, expect, test, vi } from 'vitest';
import { flush, serialise, use, values } from './helpers.js';

type Standalone = typeof import('../src/standalone.js');
let loaded: Standalone | undefined;
afterEach(() => loaded?.autoProtection?.disconnect());

/** Puts the script tag on the page (without running it) and runs a fresh copy of the build's entry. */
async function run(attributes: string): Promise<Standalone> {
  document.head.innerHTML = `<script src="https://cdn.example/ct-protected-form.min.js" ${attributes}></script>`;
  vi.resetModules();
  loaded = await import('../src/standalone.js');
  return loaded;
}

test('registers the element and, without data-auto, protects nothing by itself', async () => {
  document.body.innerHTML = '<form method="post"></form>';
  const { autoProtection } = await run('');
  expect(autoProtection).toBeUndefined();
  expect(customElements.get('ct-protected-form')).toBeDefined();
  expect(values(document.forms[0] as HTMLFormElement, FIELDS.startedAt)).toEqual([]);
});

test('data-auto protects the POST forms; data-honeypot and data-no-detector map to the options', async () => {
  document.body.innerHTML = '<form id="a" method="post"></form><form id="b"></form>';
  const { autoProtection } = await run('data-auto data-honeypot data-no-detector');
  expect(autoProtection).toBeDefined();
  const [post, get] = [...document.forms] as [HTMLFormElement, HTMLFormElement];
  expect(values(post, FIELDS.honeypot)).toEqual(['']);
  expect(values(use(post), FIELDS.startedAt)).toHaveLength(1);
  expect(values(use(get), FIELDS.startedAt)).toEqual([]);
  expect(document.querySelectorAll('script')).toHaveLength(1);
});

test('data-auto="<selector>" narrows the forms', async () => {
  document.body.innerHTML =
    '<form id="a" method="post" class="comment-form"></form><form id="b" method="post"></form>';
  await run('data-auto=".comment-form" data-no-detector');
  expect([...document.forms].map((form) => serialise(form).has(FIELDS.startedAt))).toEqual([true, false]);
});

test('data-consent="pending" and data-detector-src wait for the page-wide consent event', async () => {
  document.body.innerHTML = '<form method="post"></form>';
  await run('data-auto data-consent="pending" data-detector-src="/stand-in.js"');
  expect(document.querySelectorAll('script')).toHaveLength(1);
  document.dispatchEvent(new Event('ct-consent-granted'));
  const scripts = [...document.querySelectorAll('script')];
  expect(scripts.map((script) => script.getAttribute('src'))).toEqual([
    'https://cdn.example/ct-protected-form.min.js',
    new URL('/stand-in.js', location.href).href,
  ]);
});

test('data-start-token-url fetches the start token into the forms', async () => {
  vi.stubGlobal(
    'fetch',
    vi.fn(async () => Response.json({ token: 'signed' })),
  );
  document.body.innerHTML = '<form method="post"></form>';
  const { autoProtection } = await run('data-auto data-no-detector data-start-token-url="/ct/start-token"');
  await autoProtection?.pending;
  await flush();
  expect(values(use(document.forms[0] as HTMLFormElement), FIELDS.startToken)).toEqual(['signed']);
});
