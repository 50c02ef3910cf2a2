import { expect, test, vi } from 'vitest';
import { fetchStartToken } from '../src/start-token.js';
import './helpers.js';

function answer(status: number, body: string) {
  const fetch = vi.fn(async (_url: string, _init?: RequestInit) => new Response(body, { status }));
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

test('GETs the URL, never from a cache, and returns the token', async () => {
  const fetch = answer(200, JSON.stringify({ token: 'signed.token' }));
  const signal = new AbortController().signal;
  await expect(fetchStartToken('/ct/start-token', signal)).resolves.toBe('signed.token');
  const [url, init] = fetch.mock.calls[0] ?? [];
  expect(url).toBe('/ct/start-token');
  expect(init).toMatchObject({ cache: 'no-store', credentials: 'same-origin', signal });
  expect(init?.method).toBeUndefined();
});

test.each([
  ['an HTTP error', 503, JSON.stringify({ token: 'x' })],
  ['an answer without a token', 200, JSON.stringify({})],
  ['an empty token', 200, JSON.stringify({ token: '' })],
  ['a token that is not a string', 200, JSON.stringify({ token: 7 })],
  ['a null answer', 200, 'null'],
])('rejects on %s', async (_, status, body) => {
  answer(status, body);
  await expect(fetchStartToken('/ct/start-token')).rejects.toThrow(/start token/);
});

test('rejects on an answer that is not JSON', async () => {
  answer(200, '<html>');
  await expect(fetchStartToken('/ct/start-token')).rejects.toThrow();
});

test('hands the signal to fetch, and rejects on an HTTP error with a message naming the start token', async () => {
  const fetch = answer(500, '{}');
  const signal = new AbortController().signal;
  await expect(fetchStartToken('/ct/start-token', signal)).rejects.toThrow(/start token/);
  expect(fetch).toHaveBeenCalledWith('/ct/start-token', expect.objectContaining({ signal }));
  expect(fetch).toHaveBeenCalledTimes(1);
});
