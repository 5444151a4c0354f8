import { MinHeap } from '@strata/lib/collections';

/**
 * Jobs keyed by their next due time, so waking up costs O(due jobs x log n) rather than a scan of
 * every job: a min-heap with lazy deletion (an entry is stale when the job's current due time
 * differs; the caller says which via `current`). Pure.
 */
export class DueIndex {
  private readonly heap = new MinHeap<{ at: number; name: string }>((a, b) => a.at < b.at);

  constructor(private readonly current: (name: string) => number | undefined) {}

  push(name: string, at: number | undefined): void {
    if (at !== undefined) this.heap.push({ at, name });
  }

  /** The earliest live entry, dropping stale ones on the way. */
  peek(): { at: number; name: string } | undefined {
    for (let top = this.heap.peek(); top; top = this.heap.peek()) {
      if (this.current(top.name) === top.at) return top;
      this.heap.pop();
    }
    return undefined;
  }

  /** Removes and returns every live entry due at or before `now` (each job once). */
  popDue(now: number): string[] {
    const out = new Set<string>();
    for (let top = this.peek(); top && top.at <= now; top = this.peek()) {
      this.heap.pop();
      out.add(top.name);
    }
    return [...out];
  }

  get size(): number {
    return this.heap.size;
  }
}
