import type { OutstandingOffer } from '../offers';
import { encodeOffer } from '../offers/offer-encoding';
import type { MasterCore } from '../master-context';

/**
 * The most offers one allocation pass makes. Mesos's allocator is an actor of its own and a long
 * pass does not hold up the master; here they share a thread, so a long pass is cut into pieces
 * (64: at 50,000 agents the paper's probe framework then took ~30 ms, against ~130 ms with 256).
 */
export const OFFERS_PER_PASS = 64;

/**
 * Runs the allocator and turns its proposals into offers sent to frameworks; takes offers back
 * (rescind, timeout, a framework or agent leaving). Everything that frees or adds resources
 * calls schedule(): a burst of such events is one pass.
 */
export class AllocationLoop {
  private pending = false;
  private nextOffer = 0;

  constructor(
    private readonly core: MasterCore,
    /** Where a coalesced pass runs: after the I/O already queued (setImmediate), so a pass never starves status updates. */
    private readonly defer: (fn: () => void) => void,
  ) {}

  schedule(): void {
    if (this.pending) return;
    this.pending = true;
    this.defer(() => {
      this.pending = false;
      this.allocate();
    });
  }

  /** The periodic pass: offers past the timeout are rescinded first. */
  tick(): void {
    const { offers, clock, config } = this.core;
    for (const o of offers.expire(clock.now(), config.offerTimeoutMs)) this.rescind(o);
    this.allocate();
  }

  /** Takes an offer back and tells its framework. */
  rescind(o: OutstandingOffer): void {
    const { allocator, metrics, frameworks } = this.core;
    allocator.recover(o.frameworkId, o.agentId, o.resources, undefined, o.role);
    metrics.offersRescinded.inc();
    frameworks.get(o.frameworkId)?.outbox?.send({ type: 'RESCIND', rescind: { offerId: { value: o.id } } });
    this.schedule();
  }

  rescindAgentOffers(agentId: string): void {
    for (const o of this.core.offers.removeForAgent(agentId)) this.rescind(o);
  }

  /** A framework's offers go back to the pool without a RESCIND (its stream is gone or replaced). */
  returnFrameworkOffers(frameworkId: string): void {
    for (const o of this.core.offers.removeForFramework(frameworkId)) this.core.allocator.recover(frameworkId, o.agentId, o.resources, undefined, o.role);
  }

  /** The agent's resources leave the allocator, its offers rescinded first. */
  removeAgent(agentId: string): void {
    this.rescindAgentOffers(agentId);
    this.core.allocator.removeAgent(agentId);
  }

  private allocate(): void {
    const { allocator, offers, metrics, clock, config, frameworks, agents, dynamic, id } = this.core;
    const end = metrics.allocationSeconds.startTimer();
    const now = clock.now();
    const cap = config.maxOffersPerFramework;
    const proposals = allocator.allocate(now, cap > 0 ? (fwId) => cap - offers.countForFramework(fwId) : undefined, OFFERS_PER_PASS);
    end();
    if (proposals.length === 0) return;
    // A cut pass goes on after the I/O that queued meanwhile, so a framework offered a thousand
    // agents does not stall everyone's status updates for a hundred ms.
    if (proposals.length >= OFFERS_PER_PASS) this.schedule();
    const byFramework = new Map<string, OutstandingOffer[]>();
    for (const p of proposals) {
      const o: OutstandingOffer = { id: `${id}-O${this.nextOffer++}`, frameworkId: p.frameworkId, agentId: p.agentId, role: p.role, resources: p.resources, reservation: p.reservation, createdAt: now };
      offers.add(o);
      const list = byFramework.get(p.frameworkId) ?? [];
      list.push(o);
      byFramework.set(p.frameworkId, list);
    }
    for (const [fwId, list] of byFramework) {
      metrics.offersSent.inc(list.length);
      frameworks.get(fwId)?.outbox?.send({ type: 'OFFERS', offers: { offers: list.map((o) => encodeOffer(o, agents.get(o.agentId), dynamic)) } });
    }
  }
}
