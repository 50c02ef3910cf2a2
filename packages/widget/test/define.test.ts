import { expect, test, vi } from 'vitest';

test('registers <ct-protected-form> once, and importing it again is harmless', async () => {
  const { ProtectedFormElement } = await import('../src/define.js');
  expect(customElements.get('ct-protected-form')).toBe(ProtectedFormElement);
  vi.resetModules();
  const again = await import('../src/define.js');
  expect(again.ProtectedFormElement).not.toBe(ProtectedFormElement);
  expect(customElements.get('ct-protected-form')).toBe(ProtectedFormElement);
});

test('leaves the tag alone when something else registered it first', async () => {
  vi.resetModules();
  const define = vi.spyOn(customElements, 'define');
  vi.spyOn(customElements, 'get').mockReturnValue(class extends HTMLElement {});
  await import('../src/define.js');
  expect(define).not.toHaveBeenCalled();
});

test('does nothing where there are no custom elements (server-side rendering)', async () => {
  vi.resetModules();
  vi.stubGlobal('customElements', undefined);
  await expect(import('../src/define.js')).resolves.toBeDefined();
});
