/** A timer a Clock started; `cancel` is idempotent. */
export interface Timer {
  cancel(): void;
}

/**
 * Time as an argument: pure modules take `now` in milliseconds; I/O shells take a Clock, which
 * also owns their timers, so a test with a ManualClock decides when they fire.
 */
export interface Clock {
  now(): number;
  /** Runs `fn` once after `ms` (capped at what a Node timer holds). `unref`: it does not keep the process alive. */
  after(ms: number, fn: () => void, opts?: { unref?: boolean }): Timer;
  /** Runs `fn` every `ms`. */
  every(ms: number, fn: () => void): Timer;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  after(ms, fn, opts) {
    const t = setTimeout(fn, Math.min(Math.max(0, ms), MAX_TIMER_MS));
    if (opts?.unref) t.unref();
    return { cancel: () => clearTimeout(t) };
  },
  every(ms, fn) {
    const t = setInterval(fn, ms);
    return { cancel: () => clearInterval(t) };
  },
};

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
  everyMs?: number;
  cancelled: boolean;
}

/** A clock tests move by hand: `advance` fires the timers that fall due, in time order. */
export class ManualClock implements Clock {
  private timers: Pending[] = [];
  private seq = 0;

  constructor(private current = 0) {}

  now(): number {
    return this.current;
  }

  after(ms: number, fn: () => void): Timer {
    return this.add({ at: this.current + Math.max(0, ms), seq: this.seq++, fn, cancelled: false });
  }

  every(ms: number, fn: () => void): Timer {
    return this.add({ at: this.current + ms, seq: this.seq++, fn, everyMs: Math.max(1, ms), cancelled: false });
  }

  private add(p: Pending): Timer {
    this.timers.push(p);
    return { cancel: () => (p.cancelled = true) };
  }

  /** Moves time on by `ms`, firing each due timer at its own time (an interval as often as it falls due). */
  advance(ms: number): number {
    const end = this.current + ms;
    for (;;) {
      this.timers = this.timers.filter((t) => !t.cancelled);
      const next = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      this.current = next.at;
      if (next.everyMs !== undefined) next.at += next.everyMs;
      else next.cancelled = true;
      next.fn();
    }
    this.current = end;
    return this.current;
  }

  set(ms: number): void {
    this.current = ms;
  }

  /** Timers not yet fired or cancelled. */
  get pending(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }
}
