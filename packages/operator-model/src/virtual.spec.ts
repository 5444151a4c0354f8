import { rowWindow } from './virtual';

describe('rowWindow', () => {
  const base = { count: 10_000, rowHeight: 40, viewport: 800, overscan: 5 };

  it('draws a screenful and the overscan at the top, and keeps the rest as space', () => {
    expect(rowWindow({ ...base, scrolled: 0 })).toEqual({ start: 0, end: 26, before: 0, after: (10_000 - 26) * 40 });
  });

  it('follows the scroll: the rows in view plus the overscan each side; the heights add up', () => {
    const w = rowWindow({ ...base, scrolled: 40_000 });
    expect([w.start, w.end]).toEqual([995, 1026]);
    expect(w.before + (w.end - w.start) * 40 + w.after).toBe(10_000 * 40);
  });

  it('stops at the ends: scrolled past the list (its last screenful), above it, or a list in view already', () => {
    expect(rowWindow({ ...base, scrolled: 10_000_000 })).toEqual({ start: 9975, end: 10_000, before: 9975 * 40, after: 0 });
    expect(rowWindow({ ...base, scrolled: -500 }).start).toBe(0);
    expect(rowWindow({ ...base, count: 3, scrolled: 0 })).toEqual({ start: 0, end: 3, before: 0, after: 0 });
  });

  it('draws short lists whole, and an empty list as nothing', () => {
    expect(rowWindow({ ...base, count: 150, all: 200, scrolled: 4000 })).toEqual({ start: 0, end: 150, before: 0, after: 0 });
    expect(rowWindow({ ...base, count: 0, scrolled: 0 })).toEqual({ start: 0, end: 0, before: 0, after: 0 });
  });
});
