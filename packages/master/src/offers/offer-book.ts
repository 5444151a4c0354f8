import type { Resources } from '@strata/lib/resources';

export interface OutstandingOffer {
  id: string;
  frameworkId: string;
  agentId: string;
  role: string;
  resources: Resources;
  /** The role whose static reservation these resources are, if they are. */
  reservation?: string;
  createdAt: number;
}

/**
 * Offers the master has sent and not yet seen answered. Pure bookkeeping: the caller decides
 * what to do with offers that time out or whose agent or framework goes away. Indexed by agent
 * and by framework, so an agent or framework leaving costs its own offers, not all of them.
 */
export class OfferBook {
  /** In creation order (Map keeps insertion order), which lets expiry stop at the first young offer. */
  private readonly offers = new Map<string, OutstandingOffer>();
  private readonly byAgent = new Map<string, Set<OutstandingOffer>>();
  private readonly byFramework = new Map<string, Set<OutstandingOffer>>();

  add(offer: OutstandingOffer): void {
    this.offers.set(offer.id, offer);
    index(this.byAgent, offer.agentId, offer);
    index(this.byFramework, offer.frameworkId, offer);
  }

  get(id: string): OutstandingOffer | undefined {
    return this.offers.get(id);
  }

  remove(id: string): OutstandingOffer | undefined {
    const o = this.offers.get(id);
    if (!o) return undefined;
    this.offers.delete(id);
    unindex(this.byAgent, o.agentId, o);
    unindex(this.byFramework, o.frameworkId, o);
    return o;
  }

  /** Removes and returns offers older than `timeoutMs`. */
  expire(now: number, timeoutMs: number): OutstandingOffer[] {
    const out: OutstandingOffer[] = [];
    for (const o of this.offers.values()) {
      if (now - o.createdAt < timeoutMs) break;
      out.push(o);
    }
    for (const o of out) this.remove(o.id);
    return out;
  }

  removeForAgent(agentId: string): OutstandingOffer[] {
    return this.removeAll(this.byAgent.get(agentId));
  }

  removeForFramework(frameworkId: string): OutstandingOffer[] {
    return this.removeAll(this.byFramework.get(frameworkId));
  }

  forFramework(frameworkId: string): OutstandingOffer[] {
    return [...(this.byFramework.get(frameworkId) ?? [])];
  }

  countForFramework(frameworkId: string): number {
    return this.byFramework.get(frameworkId)?.size ?? 0;
  }

  forAgent(agentId: string): OutstandingOffer[] {
    return [...(this.byAgent.get(agentId) ?? [])];
  }

  get size(): number {
    return this.offers.size;
  }

  private removeAll(set: Set<OutstandingOffer> | undefined): OutstandingOffer[] {
    const out = [...(set ?? [])];
    for (const o of out) this.remove(o.id);
    return out;
  }
}

function index(m: Map<string, Set<OutstandingOffer>>, key: string, o: OutstandingOffer): void {
  let set = m.get(key);
  if (!set) m.set(key, (set = new Set()));
  set.add(o);
}

function unindex(m: Map<string, Set<OutstandingOffer>>, key: string, o: OutstandingOffer): void {
  const set = m.get(key);
  if (!set) return;
  set.delete(o);
  if (set.size === 0) m.delete(key);
}
