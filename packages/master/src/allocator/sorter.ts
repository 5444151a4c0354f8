import { IndexedHeap } from './indexed-heap';

/** Something a sorter orders: its share is kept current by its owner, who calls update() when it moves. */
export interface SortedClient {
  readonly name: string;
  share: number;
}

/**
 * Mesos's Sorter split: the allocator decides what to give, a sorter decides in which order
 * clients (roles, or frameworks within a role) are asked. Order is by `compare`, lowest first;
 * a client whose share changed is re-placed by update(). first() finds the first client a
 * predicate accepts and leaves the order as it was.
 */
export interface Sorter<C extends SortedClient> {
  readonly size: number;
  add(c: C): void;
  update(c: C): void;
  first(accept: (c: C) => boolean): C | undefined;
  /** Members in sorted order (a copy). */
  sorted(): C[];
  /** Members in no particular order, without sorting or copying. */
  members(): readonly C[];
}

/** Lowest share first, then by name: DRF's order, deterministic on ties. */
export const byShare = (a: SortedClient, b: SortedClient): number => a.share - b.share || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * A heap: O(log n) re-placement, first() pops only what it passes over. For frameworks within
 * a role, where there can be hundreds and the lowest share almost always takes the offer.
 */
export class HeapSorter<C extends SortedClient> implements Sorter<C> {
  private readonly heap: IndexedHeap<C>;

  constructor(private readonly compare: (a: C, b: C) => number = byShare) {
    this.heap = new IndexedHeap<C>((a, b) => compare(a, b) < 0);
  }

  get size(): number {
    return this.heap.size;
  }

  add(c: C): void {
    this.heap.push(c);
  }

  update(c: C): void {
    this.heap.update(c);
  }

  first(accept: (c: C) => boolean): C | undefined {
    // The common case: the lowest share can take it; no heap surgery needed.
    const top = this.heap.peek();
    if (!top || accept(top)) return top;
    const aside: C[] = [];
    let found: C | undefined;
    while (this.heap.size) {
      const c = this.heap.pop()!;
      aside.push(c);
      if (c !== top && accept(c)) {
        found = c;
        break;
      }
    }
    for (const c of aside) this.heap.push(c);
    return found;
  }

  sorted(): C[] {
    return [...this.heap.values()].sort(this.compare);
  }

  members(): readonly C[] {
    return this.heap.values();
  }
}

/**
 * A sorted array: re-placement walks a client right from where it was (shares only grow in a
 * pass). For roles, which are few and are walked in order rather than asked for the lowest.
 */
export class ListSorter<C extends SortedClient> implements Sorter<C> {
  private readonly list: C[] = [];

  constructor(private readonly compare: (a: C, b: C) => number = byShare) {}

  get size(): number {
    return this.list.length;
  }

  add(c: C): void {
    let i = this.list.length;
    this.list.push(c);
    while (i > 0 && this.compare(this.list[i - 1]!, c) > 0) {
      this.list[i] = this.list[i - 1]!;
      i--;
    }
    this.list[i] = c;
  }

  update(c: C): void {
    const i = this.list.indexOf(c);
    if (i < 0) return;
    this.list.splice(i, 1);
    this.add(c);
  }

  first(accept: (c: C) => boolean): C | undefined {
    return this.list.find(accept);
  }

  sorted(): C[] {
    return [...this.list];
  }

  members(): readonly C[] {
    return this.list;
  }

  /** The live order, for a walk that may update() the client it is at and then stop. */
  inOrder(): readonly C[] {
    return this.list;
  }
}
