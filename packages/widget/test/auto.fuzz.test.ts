import { FIELDS } from '@ct-protected-form/fields';
import fc from 'fast-check';
import { expect, test, vi } from 'vitest';
import { autoProtect } from '../src/auto.js';
import type { ProtectedFormErrorEvent } from '../src/events.js';
import { record, serialise } from './helpers.js';
import { hostileString, runs } from './hostile.js';

const selector: fc.Arbitrary<string> = fc.oneof(
  hostileString,
  fc.constantFrom(
    'form',
    '.comment',
    '#a',
    '.comment, #b',
    'form:not(.search)',
    '[data-x]',
    '*',
    '[[nope',
    ':has(',
    'form:not(',
    'form,',
    '\\',
    '#',
    '.',
    'a > > b',
    ':nth-child(x)',
  ),
);

/** A form of the page: some POST (any case), some GET or without a method; classes and ids to select on. */
const formSpec = fc.record({
  method: fc.constantFrom(null, 'post', 'POST', 'Post', 'get', ' post', 'dialog'),
  className: fc.constantFrom('', 'comment', 'search'),
  id: fc.constantFrom('', 'a', 'b'),
  wrapped: fc.boolean(),
});

/** Selectors no CSS parser takes. */
const INVALID = new Set(['[[nope', ':has(', 'a > > b', '#', '.']);

test('auto mode takes any data-auto selector: a bad one warns once and falls back, a good one picks its POST forms', () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  const errors = record<ProtectedFormErrorEvent>(document, 'ct-error');
  fc.assert(
    fc.property(selector, fc.array(formSpec, { maxLength: 5 }), (wanted, specs) => {
      warn.mockClear();
      errors.length = 0;
      document.body.innerHTML = '';
      for (const { method, className, id, wrapped } of specs) {
        const form = document.createElement('form');
        if (method != null) form.setAttribute('method', method);
        if (className) form.className = className;
        if (id) form.id = id;
        if (wrapped) document.body.appendChild(document.createElement('ct-protected-form')).append(form);
        else document.body.append(form);
      }
      const protection = autoProtect({ selector: wanted, noDetector: true });
      try {
        // Which other strings are selectors is the DOM's to say (happy-dom's answer for one string
        // may even change between calls): the report and the fallback must agree with each other.
        const refused = errors.length === 1;
        expect(errors.map((event) => event.code)).toEqual(refused ? ['CT_INVALID_OPTION'] : []);
        expect(warn).toHaveBeenCalledTimes(errors.length);
        if (INVALID.has(wanted)) expect(refused).toBe(true);
        if (!wanted || wanted === 'form') expect(refused).toBe(false);
        const effective = refused || !wanted ? 'form' : wanted;
        for (const form of document.forms) {
          const expected =
            form.getAttribute('method')?.toLowerCase() === 'post' &&
            form.matches(effective) &&
            !form.closest('ct-protected-form');
          expect(serialise(form).has(FIELDS.startedAt)).toBe(expected);
        }
      } finally {
        protection.disconnect();
      }
    }),
    { numRuns: runs(200) },
  );
});
