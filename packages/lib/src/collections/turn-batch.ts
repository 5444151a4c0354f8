/**
 * Items added during one turn of the event loop, delivered together at its end (one
 * setImmediate for every batch with something queued, however many there are).
 */
export class TurnBatch<T> {
  private items: T[] = [];

  constructor(private readonly deliver: (items: T[]) => void) {}

  get size(): number {
    return this.items.length;
  }

  add(item: T): void {
    this.items.push(item);
    if (this.items.length === 1) scheduleFlush(this);
  }

  /** Delivers what is queued now: before something that must not overtake it. */
  flush(): void {
    pending.delete(this);
    if (this.items.length === 0) return;
    const items = this.items;
    this.items = [];
    this.deliver(items);
  }
}

/** What a pending batch is to the end-of-turn flush. */
interface Flushable {
  flush(): void;
}

const pending = new Set<Flushable>();
let scheduled = false;

function scheduleFlush(batch: Flushable): void {
  pending.add(batch);
  if (scheduled) return;
  scheduled = true;
  setImmediate(flushAll);
}

function flushAll(): void {
  scheduled = false;
  // Batches filled while delivering (a delivery that sends more) are visited in this same pass.
  for (const b of pending) b.flush();
}

/** Which messages batch (`pick` gives the item, or undefined), and the one message a batch becomes. */
export interface BatchKind<M, I> {
  pick(m: M): I | undefined;
  many(items: I[]): M;
}

/** A send function that batches; `flush()` sends what is queued now (before closing, say). */
export interface CoalescingSender<M> {
  (m: M): void;
  flush(): void;
}

/**
 * A sender whose messages of one kind, sent in the same turn, leave as one message (`many`); a
 * lone one leaves as itself. Anything else sent first flushes what is queued, so order is kept.
 */
export function coalescingSender<M, I>(send: (m: M) => void, kind: BatchKind<M, I>): CoalescingSender<M> {
  const batch = new TurnBatch<{ item: I; msg: M }>((queued) => {
    if (queued.length === 1) send(queued[0]!.msg);
    else send(kind.many(queued.map((q) => q.item)));
  });
  const sender = (m: M) => {
    const item = kind.pick(m);
    if (item !== undefined) return batch.add({ item, msg: m });
    batch.flush();
    send(m);
  };
  return Object.assign(sender, { flush: () => batch.flush() });
}
