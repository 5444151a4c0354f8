import { SchedulerDriver } from '@strata/sdk';
import { waitFor } from '@strata/lib/testing';
import type { TlsConfig } from '@strata/lib';
import type { FrameworkInfo, Offer__Output, TaskStatus__Output } from '@strata/proto';

/** A framework for tests: records every event with the time it arrived. */
export class TestFramework {
  readonly driver: SchedulerDriver;
  readonly offers: { at: number; offer: Offer__Output }[] = [];
  readonly updates: { at: number; status: TaskStatus__Output }[] = [];
  readonly errors: string[] = [];
  readonly rescinded: string[] = [];
  /** Why the stream dropped, each time it did (the driver resubscribes on its own). */
  readonly disconnects: string[] = [];
  /** When set, every offer is handed here instead of being kept. */
  onOffers?: (offers: Offer__Output[]) => void;

  /** `authorization`: sent when subscribing, for a master that authenticates; `tls`: the driver's (default: from the environment; null: plaintext). */
  constructor(master: string, framework: Partial<FrameworkInfo> = {}, authorization?: string, tls?: TlsConfig | null) {
    this.driver = new SchedulerDriver({ master, framework: { name: 'test', user: 'root', ...framework }, ...(authorization ? { authorization } : {}), ...(tls !== undefined ? { tls } : {}) });
    this.driver.on('offers', (offers) => {
      const at = Date.now();
      for (const offer of offers) this.offers.push({ at, offer });
      this.onOffers?.(offers);
    });
    this.driver.on('update', (status) => this.updates.push({ at: Date.now(), status }));
    this.driver.on('error', (m) => this.errors.push(m));
    this.driver.on('rescind', (id) => this.rescinded.push(id));
    this.driver.on('disconnected', (why) => this.disconnects.push(why));
  }

  static async subscribe(master: string, framework: Partial<FrameworkInfo> = {}, authorization?: string, tls?: TlsConfig | null): Promise<TestFramework> {
    const f = new TestFramework(master, framework, authorization, tls);
    await f.driver.subscribe();
    return f;
  }

  /** Offers received and not yet used, declined or rescinded by this test. */
  private used = new Set<string>();
  async nextOffer(pred: (o: Offer__Output) => boolean = () => true, timeoutMs = 10_000): Promise<Offer__Output> {
    const o = await waitFor(() => this.offers.find((x) => !this.used.has(x.offer.id!.value) && !this.rescinded.includes(x.offer.id!.value) && pred(x.offer)), { timeoutMs, what: 'an offer' });
    this.used.add(o.offer.id!.value);
    return o.offer;
  }

  states(taskId: string): string[] {
    return this.updates.filter((u) => u.status.taskId?.value === taskId).map((u) => u.status.state);
  }

  /** Resolves on the update itself (no polling delay): benchmarks time with it. */
  waitForState(taskId: string, state: string, timeoutMs = 15_000): Promise<TaskStatus__Output> {
    const seen = this.updates.find((x) => x.status.taskId?.value === taskId && x.status.state === state);
    if (seen) return Promise.resolve(seen.status);
    return new Promise((resolve, reject) => {
      const onUpdate = (s: TaskStatus__Output) => {
        if (s.taskId?.value !== taskId || s.state !== state) return;
        clearTimeout(timer);
        this.driver.off('update', onUpdate);
        resolve(s);
      };
      const timer = setTimeout(() => {
        this.driver.off('update', onUpdate);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${taskId} to be ${state} (seen: ${this.states(taskId).join(',')})`));
      }, timeoutMs);
      this.driver.on('update', onUpdate);
    });
  }

  close(): void {
    this.driver.close();
  }
}
