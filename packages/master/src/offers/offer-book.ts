import type { Resources } from '@strata/lib';

export interface OutstandingOffer {
  id: string;
  frameworkId: string;
  agentId: string;
  role: string;
  resources: Resources;
  createdAt: number;
}

/**
 * Offers the master has sent and not yet seen answered. Pure bookkeeping: the caller decides
 * what to do with offers that time out or whose agent or framework goes away.
 */
export class OfferBook {
  private readonly offers = new Map<string, OutstandingOffer>();

  add(offer: OutstandingOffer): void {
    this.offers.set(offer.id, offer);
  }

  get(id: string): OutstandingOffer | undefined {
    return this.offers.get(id);
  }

  remove(id: string): OutstandingOffer | undefined {
    const o = this.offers.get(id);
    this.offers.delete(id);
    return o;
  }

  /** Removes and returns offers older than `timeoutMs`. */
  expire(now: number, timeoutMs: number): OutstandingOffer[] {
    const out: OutstandingOffer[] = [];
    for (const o of this.offers.values()) if (now - o.createdAt >= timeoutMs) out.push(o);
    for (const o of out) this.offers.delete(o.id);
    return out;
  }

  removeWhere(pred: (o: OutstandingOffer) => boolean): OutstandingOffer[] {
    const out = [...this.offers.values()].filter(pred);
    for (const o of out) this.offers.delete(o.id);
    return out;
  }

  forFramework(frameworkId: string): OutstandingOffer[] {
    return [...this.offers.values()].filter((o) => o.frameworkId === frameworkId);
  }

  forAgent(agentId: string): OutstandingOffer[] {
    return [...this.offers.values()].filter((o) => o.agentId === agentId);
  }

  get size(): number {
    return this.offers.size;
  }
}
