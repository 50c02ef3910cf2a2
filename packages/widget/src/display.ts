const queue = new Set<HTMLElement>();

/**
 * Gives `element` an inline `display: contents`, unless its author set a display (inline or in a
 * stylesheet). The checks of all elements connected before the next frame run together at its
 * start, when the browser computes styles for that frame anyway: protecting forms forces no extra
 * style recalculation, and the frame is already drawn with the new display.
 */
export function useContentsDisplay(element: HTMLElement): void {
  if (!queue.size) {
    requestAnimationFrame(() => {
      const unstyled = [...queue].filter(
        (el) => !el.style.display && getComputedStyle(el).display === 'inline',
      );
      queue.clear();
      for (const el of unstyled) el.style.display = 'contents';
    });
  }
  queue.add(element);
}
