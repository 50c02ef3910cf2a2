import { expect, test, vi } from 'vitest';
import './helpers.js';

// The page-wide flag lives as long as the module: every test takes a fresh copy.
const fresh = async () => {
  vi.resetModules();
  return import('../src/consent.js');
};

test('the page starts without consent, and every listener hears the event once', async () => {
  const { CONSENT_EVENT, hasPageConsent, onPageConsent } = await fresh();
  const [first, second] = [vi.fn(), vi.fn()];
  onPageConsent(first);
  onPageConsent(second);
  expect(hasPageConsent()).toBe(false);
  document.dispatchEvent(new Event(CONSENT_EVENT));
  expect(hasPageConsent()).toBe(true);
  expect([first.mock.calls.length, second.mock.calls.length]).toEqual([1, 1]);
});

test('the event dispatched by page code counts as consent', async () => {
  const { CONSENT_EVENT, hasPageConsent, onPageConsent } = await fresh();
  const callback = vi.fn();
  onPageConsent(callback);
  document.dispatchEvent(new Event(CONSENT_EVENT));
  expect(callback).toHaveBeenCalledOnce();
  expect(hasPageConsent()).toBe(true);
});
