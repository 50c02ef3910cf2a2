import { DEFAULT_DETECTOR_SRC, DETECTOR_SCRIPT_ID } from '@ct-protected-form/fields';
import { expect, test, vi } from 'vitest';
import { loadDetector } from '../src/detector.js';
import './helpers.js';

// The cache lives as long as the module: every test uses its own URL.
const scripts = () => [...document.querySelectorAll('script')];

test("appends one async script with CleanTalk's URL and id, and resolves when it loads", async () => {
  await loadDetector();
  expect(scripts()).toHaveLength(1);
  const [script] = scripts();
  expect(script?.src).toBe(DEFAULT_DETECTOR_SRC);
  expect(script?.id).toBe(DETECTOR_SCRIPT_ID);
  expect(script?.async).toBe(true);
  expect(script?.parentNode).toBe(document.head);
});

test('on a page without <head> (an XHTML document may have none), appends the script to the root element', async () => {
  const { head } = document;
  head.remove();
  try {
    const load = loadDetector('http://127.0.0.1/headless.js');
    expect(scripts()[0]?.parentNode).toBe(document.documentElement);
    await load;
  } finally {
    for (const script of scripts()) script.remove();
    document.documentElement.prepend(head);
  }
});

test('loads each URL once, however many callers ask', async () => {
  const first = loadDetector('http://127.0.0.1/once.js');
  const second = loadDetector('http://127.0.0.1/once.js');
  expect(second).toBe(first);
  await second;
  expect(scripts()).toHaveLength(1);
});

test('reuses a tag a CMS plugin already put on the page, found by its id', async () => {
  document.head.innerHTML = `<script id="${DETECTOR_SCRIPT_ID}" src="https://cms.example/detector.js"></script>`;
  await loadDetector('http://127.0.0.1/by-id.js');
  expect(scripts()).toHaveLength(1);
});

test('reuses a tag found by a src naming the wrapper, whichever host serves it', async () => {
  document.body.innerHTML =
    '<script src="https://fd.cleantalk.ru/ct-bot-detector-wrapper-ru.js?ver=6.1" async></script>';
  await loadDetector('http://127.0.0.1/by-src.js');
  expect(scripts()).toHaveLength(1);
});

test('puts the CSP nonce and the SRI hash, with anonymous CORS, on the tag', () => {
  void loadDetector('http://127.0.0.1/attributes.js', { nonce: 'n0nce', integrity: 'sha384-abc' });
  const [script] = scripts();
  expect(script?.nonce).toBe('n0nce');
  expect(script?.integrity).toBe('sha384-abc');
  expect(script?.crossOrigin).toBe('anonymous');
});

test('leaves nonce, integrity and crossorigin out when none is given', () => {
  void loadDetector('http://127.0.0.1/plain.js');
  const [script] = scripts();
  expect(script?.hasAttribute('nonce')).toBe(false);
  expect(script?.hasAttribute('integrity')).toBe(false);
  expect(script?.hasAttribute('crossorigin')).toBe(false);
});

test('rejects when the script fails, removes the tag, and a later call tries again', async () => {
  const url = 'http://127.0.0.1/failing.js';
  const { settings } = (window as unknown as { happyDOM: { settings: Record<string, unknown> } }).happyDOM;
  settings.handleDisabledFileLoadingAsSuccess = false;
  vi.spyOn(console, 'error').mockImplementation(() => {});
  try {
    const failed = loadDetector(url);
    await expect(failed).rejects.toThrow(`Could not load the bot detector from ${url}`);
    expect(scripts()).toHaveLength(0);
    settings.handleDisabledFileLoadingAsSuccess = true;
    const retry = loadDetector(url);
    expect(retry).not.toBe(failed);
    expect(scripts()).toHaveLength(1);
    await retry;
  } finally {
    settings.handleDisabledFileLoadingAsSuccess = true;
  }
});
