import { expect, test, vi } from 'vitest';
import { ProtectedFormErrorEvent, ProtectedFormReadyEvent, reportError } from '../src/events.js';
import { record } from './helpers.js';

test('ct-ready bubbles out of shadow roots and tells whether a token is there', () => {
  const event = new ProtectedFormReadyEvent(true);
  expect(event.type).toBe('ct-ready');
  expect(event.bubbles).toBe(true);
  expect(event.composed).toBe(true);
  expect(event.hasToken).toBe(true);
});

test('ct-error bubbles out of shadow roots with a stable code, a message and the cause', () => {
  const cause = new Error('net::ERR_BLOCKED_BY_CLIENT');
  const event = new ProtectedFormErrorEvent('CT_DETECTOR_FAILED', 'Could not load', cause);
  expect(event.type).toBe('ct-error');
  expect(event.bubbles && event.composed).toBe(true);
  expect(event).toMatchObject({ code: 'CT_DETECTOR_FAILED', message: 'Could not load', cause });
});

test('reportError dispatches ct-error, and writes configuration problems to the console', () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  const target = new EventTarget();
  const errors = record<ProtectedFormErrorEvent>(target, 'ct-error');
  expect(reportError(target, 'CT_INVALID_OPTION', 'bad consent')).toBe(false);
  reportError(target, 'CT_DETECTOR_FAILED', 'blocked');
  expect(errors.map((event) => event.code)).toEqual(['CT_INVALID_OPTION', 'CT_DETECTOR_FAILED']);
  expect(warn).toHaveBeenCalledOnce();
  expect(warn).toHaveBeenCalledWith('bad consent');
});
