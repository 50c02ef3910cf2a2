const queue = new Set<HTMLElement>();

/**
 * Gives `element` an inline `display: contents`, unless its author set a display (inline or in a
 * stylesheet). The checks of all elements connected in one task run together in a microtask, so
 * that protecting many forms costs one style recalculation, not one each.
 */
export function useContentsDisplay(element: HTMLElement): void {
  if (!queue.size) {
    queueMicrotask(() => {
      const unstyled = [...queue].filter(
        (el) => !el.style.display && getComputedStyle(el).display === 'inline',
      );
      queue.clear();
      for (const el of unstyled) el.style.display = 'contents';
    });
  }
  queue.add(element);
}
