import { expect, test, vi } from 'vitest';
import './helpers.js';

// The page-wide flag lives as long as the module: every test takes a fresh copy.
const fresh = async () => {
  vi.resetModules();
  return import('../src/consent.js');
};

test('grantConsent marks the page as consented and tells every listener', async () => {
  const { CONSENT_EVENT, grantConsent, hasPageConsent } = await fresh();
  const heard = vi.fn();
  document.addEventListener(CONSENT_EVENT, heard);
  expect(hasPageConsent()).toBe(false);
  grantConsent();
  expect(hasPageConsent()).toBe(true);
  expect(heard).toHaveBeenCalledOnce();
  document.removeEventListener(CONSENT_EVENT, heard);
});

test('the event dispatched by page code counts as consent as well', async () => {
  const { CONSENT_EVENT, hasPageConsent, onPageConsent } = await fresh();
  const callback = vi.fn();
  onPageConsent(callback);
  document.dispatchEvent(new Event(CONSENT_EVENT));
  expect(callback).toHaveBeenCalledOnce();
  expect(hasPageConsent()).toBe(true);
});
