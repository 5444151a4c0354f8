/**
 * Jobs keyed by their next due time, so waking up costs O(due jobs x log n) rather than a scan of
 * every job: a binary min-heap with lazy deletion (an entry is stale when the job's current due
 * time differs; the caller says which via `current`). Pure.
 */
export class DueIndex {
  private heap: { at: number; name: string }[] = [];

  constructor(private readonly current: (name: string) => number | undefined) {}

  push(name: string, at: number | undefined): void {
    if (at === undefined) return;
    const h = this.heap;
    h.push({ at, name });
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]!.at <= h[i]!.at) break;
      [h[p], h[i]] = [h[i]!, h[p]!];
      i = p;
    }
  }

  /** The earliest live entry, dropping stale ones on the way. */
  peek(): { at: number; name: string } | undefined {
    while (this.heap.length) {
      const top = this.heap[0]!;
      if (this.current(top.name) === top.at) return top;
      this.pop();
    }
    return undefined;
  }

  /** Removes and returns every live entry due at or before `now` (each job once). */
  popDue(now: number): string[] {
    const out = new Set<string>();
    for (let top = this.peek(); top && top.at <= now; top = this.peek()) {
      this.pop();
      out.add(top.name);
    }
    return [...out];
  }

  get size(): number {
    return this.heap.length;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && h[l]!.at < h[m]!.at) m = l;
      if (r < h.length && h[r]!.at < h[m]!.at) m = r;
      if (m === i) break;
      [h[m], h[i]] = [h[i]!, h[m]!];
      i = m;
    }
  }
}
