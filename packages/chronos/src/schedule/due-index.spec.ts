import { DueIndex } from './due-index';

describe('DueIndex', () => {
  it('pops due jobs in time order and ignores stale entries', () => {
    const due = new Map<string, number>([['a', 30], ['b', 10], ['c', 20]]);
    const idx = new DueIndex((n) => due.get(n));
    for (const [n, t] of due) idx.push(n, t);
    due.set('c', 50); // rescheduled: its old entry is stale
    idx.push('c', 50);
    expect(idx.peek()).toEqual({ at: 10, name: 'b' });
    expect(idx.popDue(30)).toEqual(['b', 'a']);
    expect(idx.peek()).toEqual({ at: 50, name: 'c' });
    due.delete('c');
    expect(idx.peek()).toBeUndefined();
  });

  it('keeps order over many random pushes', () => {
    const due = new Map<string, number>();
    const idx = new DueIndex((n) => due.get(n));
    let seed = 7;
    for (let i = 0; i < 2000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      due.set(`j${i}`, seed % 100_000);
      idx.push(`j${i}`, seed % 100_000);
    }
    const popped = idx.popDue(Number.MAX_SAFE_INTEGER).map((n) => due.get(n)!);
    expect(popped).toHaveLength(2000);
    expect(popped).toEqual([...popped].sort((a, b) => a - b));
  });
});
