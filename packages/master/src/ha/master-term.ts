import type { Master } from '../master';
import type { Outbox } from '../registry';

/**
 * One term of leadership: the Master that acts in it. A Master is made fresh for each term
 * (recovered from the registry), and stopped when the term ends, which closes every agent and
 * framework stream it holds so they go and find the next leader. Outgoing messages pass
 * `gate`: once the lease may have expired (`acting()` false), not one more offer, launch or kill
 * leaves, even before the election has told this process it lost.
 */
export class MasterTerm {
  private over = false;

  constructor(
    readonly master: Master,
    private readonly acting: () => boolean,
  ) {}

  get ended(): boolean {
    return this.over || !this.acting();
  }

  gate<T>(outbox: Outbox<T>): Outbox<T> {
    return {
      send: (msg: T) => {
        if (!this.over && this.acting()) outbox.send(msg);
      },
      close: () => outbox.close(),
    };
  }

  end(): void {
    if (this.over) return;
    this.over = true;
    this.master.stop();
  }
}
