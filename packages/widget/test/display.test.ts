import { expect, test, vi } from 'vitest';
import { useContentsDisplay } from '../src/display.js';
import { frame } from './helpers.js';

/** happy-dom computes no display for custom elements: answer what a browser would. */
function computedDisplay(byElement: Map<Element, string>) {
  return vi
    .spyOn(window, 'getComputedStyle')
    .mockImplementation(
      (element) => ({ display: byElement.get(element) ?? 'inline' }) as CSSStyleDeclaration,
    );
}

test('gives an element the browser shows inline an inline display: contents', async () => {
  const element = document.body.appendChild(document.createElement('ct-protected-form'));
  computedDisplay(new Map());
  useContentsDisplay(element);
  await frame();
  expect(element.style.display).toBe('contents');
});

test('keeps a display the author set, in a stylesheet or inline', async () => {
  const styled = document.body.appendChild(document.createElement('ct-protected-form'));
  const inline = document.body.appendChild(document.createElement('ct-protected-form'));
  inline.style.display = 'inline';
  computedDisplay(new Map([[styled, 'block']]));
  useContentsDisplay(styled);
  useContentsDisplay(inline);
  await frame();
  expect(styled.style.display).toBe('');
  expect(inline.style.display).toBe('inline');
});

test('reads the styles of all elements connected before the next frame, then writes them', async () => {
  const elements = [1, 2, 3].map(() =>
    document.body.appendChild(document.createElement('ct-protected-form')),
  );
  const order: string[] = [];
  vi.spyOn(window, 'getComputedStyle').mockImplementation((element) => {
    order.push(`read:${(element as HTMLElement).style.display || 'unset'}`);
    return { display: 'inline' } as CSSStyleDeclaration;
  });
  for (const element of elements) useContentsDisplay(element);
  await Promise.resolve();
  expect(order).toEqual([]);
  await frame();
  expect(order).toEqual(['read:unset', 'read:unset', 'read:unset']);
  expect(elements.every((element) => element.style.display === 'contents')).toBe(true);
});
