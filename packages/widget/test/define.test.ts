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

test('define(tag, registry) registers the class under another tag, in another registry', async () => {
  const { ProtectedFormElement } = await import('../src/protected-form-element.js');
  const registry = { get: vi.fn(() => undefined), define: vi.fn() } as unknown as CustomElementRegistry;
  expect(ProtectedFormElement.define('my-protected-form', registry)).toBe(ProtectedFormElement);
  expect(registry.define).toHaveBeenCalledWith('my-protected-form', ProtectedFormElement);
});

test('define() leaves a tag already taken in the registry alone', async () => {
  const { ProtectedFormElement } = await import('../src/protected-form-element.js');
  const registry = {
    get: vi.fn(() => class extends HTMLElement {}),
    define: vi.fn(),
  } as unknown as CustomElementRegistry;
  ProtectedFormElement.define('taken-form', registry);
  expect(registry.define).not.toHaveBeenCalled();
});
