import { expect, test, vi } from 'vitest';
import '../src/define.js';

/** The rules the page's constructed stylesheets hold. */
const adoptedRules = () =>
  document.adoptedStyleSheets.flatMap((sheet) => [...sheet.cssRules].map((rule) => rule.cssText));

test('gives the element display: contents through a zero-specificity rule, once per tag', async () => {
  document.body.innerHTML = '<ct-protected-form no-detector></ct-protected-form>';
  document.body.append(document.createElement('ct-protected-form'));
  const rules = adoptedRules().filter((rule) => rule.includes('ct-protected-form'));
  expect(rules).toHaveLength(1);
  expect(rules[0]?.replace(/\s/g, '')).toBe(':where(ct-protected-form){display:contents;}');
});

test('keeps a display the author set, in a stylesheet or inline', () => {
  document.body.innerHTML =
    '<style>ct-protected-form.flex{display:flex}</style><ct-protected-form class="flex" no-detector></ct-protected-form><ct-protected-form style="display:inline" no-detector></ct-protected-form>';
  const [styled, inline] = document.querySelectorAll('ct-protected-form') as NodeListOf<HTMLElement>;
  expect(styled?.style.display).toBe('');
  expect(inline?.style.display).toBe('inline');
});

test('reads no style of the page to decide: nothing is computed when forms are protected', async () => {
  const read = vi.spyOn(window, 'getComputedStyle');
  const elements = [1, 2, 3].map(() =>
    document.body.appendChild(document.createElement('ct-protected-form')),
  );
  await Promise.all(elements.map((element) => element.updateComplete));
  await new Promise((resolve) => requestAnimationFrame(resolve));
  expect(read).not.toHaveBeenCalled();
  expect(elements.every((element) => element.style.display === '')).toBe(true);
  expect(adoptedRules().filter((rule) => rule.includes('ct-protected-form'))).toHaveLength(1);
});
