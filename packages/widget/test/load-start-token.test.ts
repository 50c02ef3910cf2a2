import { expect, test, vi } from 'vitest';
import { fetchStartToken } from '../src/load-start-token.js';
import './helpers.js';

test('loads the start-token code on first use, then GETs the URL with the signal and returns the token', async () => {
  const fetch = vi.fn(async () => new Response(JSON.stringify({ token: 'signed.token' })));
  vi.stubGlobal('fetch', fetch);
  const signal = new AbortController().signal;
  await expect(fetchStartToken('/ct/start-token', signal)).resolves.toBe('signed.token');
  expect(fetch).toHaveBeenCalledWith('/ct/start-token', expect.objectContaining({ signal }));
});

test('rejects as the start-token code does', async () => {
  vi.stubGlobal('fetch', async () => new Response('{}', { status: 500 }));
  await expect(fetchStartToken('/ct/start-token')).rejects.toThrow(/start token/);
});
