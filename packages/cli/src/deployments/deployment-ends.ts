export interface DeploymentEnd {
  ok: boolean;
  why: string;
}

/**
 * How deployments ended, as the event stream reported them, and waits for one to be reported.
 * Apart from the stream so that its timing rules are tested without a server.
 */
export class DeploymentEnds {
  private readonly ends = new Map<string, DeploymentEnd>();
  private readonly waiters = new Set<() => void>();

  record(id: string, end: DeploymentEnd): void {
    this.ends.set(id, end);
    this.waiters.forEach((w) => w());
  }

  get(id: string): DeploymentEnd | undefined {
    return this.ends.get(id);
  }

  /** The end of `id` as soon as it is reported, or undefined after `ms`. */
  within(id: string, ms: number): Promise<DeploymentEnd | undefined> {
    return new Promise((resolve) => {
      if (this.ends.has(id)) return resolve(this.ends.get(id));
      const settle = () => {
        clearTimeout(t);
        this.waiters.delete(onEnd);
        resolve(this.ends.get(id));
      };
      // The timer settles unconditionally: a Node timer may fire a millisecond before Date.now()
      // says it is due, and a check against the clock there once left a watch waiting for ever.
      const onEnd = () => {
        if (this.ends.has(id)) settle();
      };
      const t = setTimeout(settle, ms);
      this.waiters.add(onEnd);
    });
  }

  /** How many waits are pending (none once each has settled). */
  get waiting(): number {
    return this.waiters.size;
  }
}
