/** The slice of a long list to draw, and the space to leave for the rows not drawn. */
export interface RowWindow {
  start: number;
  /** One past the last row drawn. */
  end: number;
  /** Pixels above the first row drawn and below the last, so the scrollbar stays true. */
  before: number;
  after: number;
}

/**
 * Which rows of a list of `count` rows of `rowHeight` px are in view when `scrolled` px of the
 * list are above the viewport's top, plus `overscan` rows each side, so that 10,000 rows cost
 * what a screenful does. A list shorter than `all` rows is drawn whole (rows keep their natural
 * heights; nothing is windowed).
 */
export function rowWindow(o: { count: number; rowHeight: number; scrolled: number; viewport: number; overscan?: number; all?: number }): RowWindow {
  const { count, rowHeight } = o;
  if (count <= (o.all ?? 0) || rowHeight <= 0) return { start: 0, end: count, before: 0, after: 0 };
  const overscan = o.overscan ?? 10;
  const inView = Math.ceil(Math.max(0, o.viewport) / rowHeight);
  // Scrolled past the end (the list shrank under the reader): the last screenful.
  const first = Math.min(Math.floor(Math.max(0, o.scrolled) / rowHeight), Math.max(0, count - inView));
  const start = Math.min(count, Math.max(0, first - overscan));
  const end = Math.min(count, first + inView + overscan + 1);
  return { start, end: Math.max(start, end), before: start * rowHeight, after: (count - Math.max(start, end)) * rowHeight };
}
