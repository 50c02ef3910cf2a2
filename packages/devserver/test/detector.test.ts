// @vitest-environment happy-dom
// @vitest-environment-options { "settings": { "handleDisabledFileLoadingAsSuccess": true } }
import { DETECTOR_STORAGE_KEY, EVENT_TOKEN_LENGTH, FIELDS } from '@ct-protected-form/fields';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { standInDetectorSource, standInWrapperSource, startDevServer } from '../src/index.js';
import { callApi, message } from './helpers.js';

function run(source: string): void {
  // Runs the served script in the global scope, as a browser runs a classic script.
  new Function(source)();
}

function tokenInputs(root: ParentNode = document): HTMLInputElement[] {
  return [...root.querySelectorAll<HTMLInputElement>(`input[name="${FIELDS.eventToken}"]`)];
}

beforeEach(() => {
  vi.useFakeTimers();
  document.body.innerHTML = '<form id="a"><input name="comment"></form><form id="b"></form>';
  localStorage.clear();
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('standInDetectorSource', () => {
  it('adds one hidden token input to every form present, and stores the token', async () => {
    run(standInDetectorSource());
    await vi.runAllTimersAsync();
    const inputs = tokenInputs();
    expect(inputs).toHaveLength(2);
    const token = inputs[0]?.value ?? '';
    expect(token).toMatch(new RegExp(`^[0-9a-f]{${EVENT_TOKEN_LENGTH}}$`));
    expect(inputs.every((input) => input.type === 'hidden' && input.value === token)).toBe(true);
    expect(inputs.map((input) => input.form?.id)).toEqual(['a', 'b']);
    const stored = JSON.parse(localStorage.getItem(DETECTOR_STORAGE_KEY) ?? 'null');
    expect(stored).toEqual({ value: token, expires: expect.any(Number) });
    expect(stored.expires).toBeGreaterThan(Date.now());
  });

  it('waits delayMs before adding the token', async () => {
    run(standInDetectorSource({ delayMs: 500 }));
    await vi.advanceTimersByTimeAsync(499);
    expect(tokenInputs()).toHaveLength(0);
    expect(localStorage.getItem(DETECTOR_STORAGE_KEY)).toBeNull();
    await vi.advanceTimersByTimeAsync(1);
    expect(tokenInputs()).toHaveLength(2);
  });

  it('does not cover forms added after it ran, nor forms inside shadow roots', async () => {
    const host = document.createElement('div');
    document.body.append(host);
    host.attachShadow({ mode: 'open' }).innerHTML = '<form id="shadowed"></form>';
    run(standInDetectorSource());
    await vi.runAllTimersAsync();
    const late = document.createElement('form');
    document.body.append(late);
    expect(tokenInputs(late)).toHaveLength(0);
    expect(tokenInputs(host.shadowRoot!)).toHaveLength(0);
    expect(tokenInputs()).toHaveLength(2);
  });

  it('fills an existing token input instead of adding a second one', async () => {
    document.body.innerHTML = `<form><input type="hidden" name="${FIELDS.eventToken}" value=""></form>`;
    run(standInDetectorSource());
    await vi.runAllTimersAsync();
    const inputs = tokenInputs();
    expect(inputs).toHaveLength(1);
    expect(inputs[0]?.value).toHaveLength(EVENT_TOKEN_LENGTH);
  });

  it('works on a form whose fields shadow querySelector and appendChild', async () => {
    document.body.innerHTML = '<form><input name="querySelector"><input name="appendChild"></form>';
    run(standInDetectorSource());
    await vi.runAllTimersAsync();
    expect(tokenInputs()).toHaveLength(1);
  });

  it('uses the token the server issues', async () => {
    const issued = 'c'.repeat(EVENT_TOKEN_LENGTH);
    const fetchMock = vi.fn(async () => Response.json({ event_token: issued }));
    vi.stubGlobal('fetch', fetchMock);
    run(standInDetectorSource({ tokenUrl: 'http://127.0.0.1:1/__devserver/event-token' }));
    await vi.runAllTimersAsync();
    expect(fetchMock).toHaveBeenCalledWith(
      'http://127.0.0.1:1/__devserver/event-token',
      expect.objectContaining({ method: 'POST' }),
    );
    expect(tokenInputs()[0]?.value).toBe(issued);
  });

  it('falls back to a token made in the page when the server cannot be reached', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))),
    );
    run(standInDetectorSource({ tokenUrl: 'http://127.0.0.1:1/__devserver/event-token' }));
    await vi.runAllTimersAsync();
    expect(tokenInputs()[0]?.value).toMatch(/^[0-9a-f]{64}$/);
  });

  it('falls back when the server answers something that is not a token', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Response.json({ event_token: 'short' })),
    );
    run(standInDetectorSource({ tokenUrl: 'http://127.0.0.1:1/t' }));
    await vi.runAllTimersAsync();
    expect(tokenInputs()[0]?.value).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('standInWrapperSource', () => {
  it('injects the versioned detector next to itself, passing its delay on', () => {
    run(standInWrapperSource({ wrapperUrl: 'http://127.0.0.1:8787/ct-bot-detector-wrapper.js?delay=40' }));
    const injected = document.querySelector<HTMLScriptElement>('script[src*="ct-bot-detector-1.0.0.min.js"]');
    expect(injected?.src).toBe('http://127.0.0.1:8787/ct-bot-detector-1.0.0.min.js?delay=40');
    expect(injected?.async).toBe(true);
  });
});

describe('the detector served by a devserver', () => {
  it('gets a token the server then accepts as valid', async () => {
    vi.useRealTimers();
    const server = await startDevServer();
    try {
      const source = await (await fetch(`${server.url}/ct-bot-detector-1.0.0.min.js`)).text();
      run(source);
      await vi.waitFor(() => expect(tokenInputs()).toHaveLength(2));
      const token = tokenInputs()[0]?.value;
      const answer = await callApi(server, message({ event_token: token, js_on: 0, submit_time: 0 }));
      expect(answer).toMatchObject({ allow: 1, codes: 'ALLOWED' });
    } finally {
      await server.close();
    }
  });
});
