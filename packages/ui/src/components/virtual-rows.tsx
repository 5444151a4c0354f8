import { rowWindow, type RowWindow } from '@strata/operator-model';
import { useEffect, useRef, useState } from 'preact/hooks';

/** Lists up to this long are drawn whole; longer ones are windowed. */
export const WINDOWED_FROM = 200;

/**
 * The rows of a long table body to draw: those in the browser's viewport (the page scrolls, not
 * the table) plus an overscan, recomputed at most once a frame on scroll and resize. Windowed
 * rows have one fixed height (the `windowed` class), so the spacers keep the scrollbar true.
 */
export function useRowWindow(count: number, rowHeight: number): { ref: preact.RefObject<HTMLTableSectionElement>; win: RowWindow; windowed: boolean } {
  const ref = useRef<HTMLTableSectionElement>(null);
  const [view, setView] = useState({ scrolled: 0, viewport: typeof window === 'undefined' ? 1000 : window.innerHeight });
  useEffect(() => {
    let frame = 0;
    const measure = () => {
      frame = 0;
      const top = ref.current?.getBoundingClientRect().top ?? 0;
      setView((v) => (v.scrolled === -top && v.viewport === window.innerHeight ? v : { scrolled: -top, viewport: window.innerHeight }));
    };
    const later = () => {
      if (!frame) frame = requestAnimationFrame(measure);
    };
    measure();
    window.addEventListener('scroll', later, { passive: true });
    window.addEventListener('resize', later);
    return () => {
      window.removeEventListener('scroll', later);
      window.removeEventListener('resize', later);
      if (frame) cancelAnimationFrame(frame);
    };
  }, []);
  const win = rowWindow({ count, rowHeight, scrolled: view.scrolled, viewport: view.viewport, overscan: 15, all: WINDOWED_FROM });
  return { ref, win, windowed: count > WINDOWED_FROM };
}

/** The space of the rows above or below the window: one empty row of that height. */
export function Spacer({ height, cols }: { height: number; cols: number }) {
  return height > 0 ? (
    <tr aria-hidden="true" style={{ height: `${height}px` }}>
      <td colSpan={cols} style={{ padding: 0, border: 0 }} />
    </tr>
  ) : null;
}
