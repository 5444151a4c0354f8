/**
 * A binary min-heap that knows where each item sits, so an item whose key grew can be moved
 * down in O(log n). Pure; used by the allocator to keep frameworks ordered by share.
 */
export class IndexedHeap<T> {
  private readonly heap: T[] = [];
  private readonly pos = new Map<T, number>();

  constructor(private readonly less: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.heap.length;
  }

  /** The members, in no particular order. */
  values(): readonly T[] {
    return this.heap;
  }

  push(x: T): void {
    this.heap.push(x);
    this.pos.set(x, this.heap.length - 1);
    this.up(this.heap.length - 1);
  }

  peek(): T | undefined {
    return this.heap[0];
  }

  pop(): T | undefined {
    const top = this.heap[0];
    if (top === undefined) return undefined;
    const last = this.heap.pop()!;
    this.pos.delete(top);
    if (this.heap.length) {
      this.heap[0] = last;
      this.pos.set(last, 0);
      this.down(0);
    }
    return top;
  }

  /** Restores order after `x`'s key changed. */
  update(x: T): void {
    const i = this.pos.get(x);
    if (i === undefined) return;
    this.up(i);
    this.down(this.pos.get(x)!);
  }

  private swap(i: number, j: number): void {
    const a = this.heap[i]!;
    const b = this.heap[j]!;
    this.heap[i] = b;
    this.heap[j] = a;
    this.pos.set(b, i);
    this.pos.set(a, j);
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(this.heap[i]!, this.heap[p]!)) break;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    const n = this.heap.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(this.heap[l]!, this.heap[m]!)) m = l;
      if (r < n && this.less(this.heap[r]!, this.heap[m]!)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
