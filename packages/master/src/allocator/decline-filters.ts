import { MinHeap } from '@strata/lib/collections';
import * as res from '@strata/lib/resources';
import type { Resources } from '@strata/lib/resources';

interface Filter {
  until: number;
  resources: Resources;
}

/**
 * Decline filters (Mesos's RefusedOfferFilter): for refuse_seconds a framework is not offered
 * resources on an agent that fit inside what it declined there; more free resources (a task
 * ended) pass. A later decline on the same agent replaces the earlier filter. Indexed by agent
 * (the check in a pass) and by framework (REVIVE and removal cost that framework's filters,
 * not a walk over every agent); expiry comes off a heap, so a pass does not scan filters.
 */
export class DeclineFilters {
  private readonly byAgent = new Map<string, Map<string, Filter>>();
  private readonly byFramework = new Map<string, Set<string>>();
  private readonly expiry = new MinHeap<{ until: number; agentId: string; frameworkId: string }>((a, b) => a.until < b.until);
  private count = 0;

  /** Live filters; a pass skips every lookup when there are none. */
  get size(): number {
    return this.count;
  }

  add(frameworkId: string, agentId: string, resources: Resources, until: number): void {
    let fws = this.byAgent.get(agentId);
    if (!fws) this.byAgent.set(agentId, (fws = new Map()));
    if (!fws.has(frameworkId)) this.count++;
    fws.set(frameworkId, { until, resources });
    let agents = this.byFramework.get(frameworkId);
    if (!agents) this.byFramework.set(frameworkId, (agents = new Set()));
    agents.add(agentId);
    this.expiry.push({ until, agentId, frameworkId });
  }

  isFiltered(frameworkId: string, agentId: string, offered: Resources, now: number): boolean {
    if (this.count === 0) return false;
    const f = this.byAgent.get(agentId)?.get(frameworkId);
    return !!f && f.until > now && res.contains(f.resources, offered);
  }

  /** Drops filters that ran out by `now`; the agents they were on, which are worth another look. */
  expire(now: number): string[] {
    const freed: string[] = [];
    for (let top = this.expiry.peek(); top && top.until <= now; top = this.expiry.peek()) {
      this.expiry.pop();
      const f = this.byAgent.get(top.agentId)?.get(top.frameworkId);
      // A stale heap entry: the filter was replaced by a later one, or cleared.
      if (f && f.until <= now && this.remove(top.frameworkId, top.agentId)) freed.push(top.agentId);
    }
    return freed;
  }

  /** When the next filter runs out, if any. */
  nextExpiry(): number | undefined {
    for (let top = this.expiry.peek(); top; top = this.expiry.peek()) {
      const f = this.byAgent.get(top.agentId)?.get(top.frameworkId);
      if (f && f.until === top.until) return top.until;
      this.expiry.pop();
    }
    return undefined;
  }

  clearFramework(frameworkId: string): void {
    for (const agentId of [...(this.byFramework.get(frameworkId) ?? [])]) this.remove(frameworkId, agentId);
  }

  clearAgent(agentId: string): void {
    for (const frameworkId of [...(this.byAgent.get(agentId)?.keys() ?? [])]) this.remove(frameworkId, agentId);
  }

  private remove(frameworkId: string, agentId: string): boolean {
    const fws = this.byAgent.get(agentId);
    if (!fws?.delete(frameworkId)) return false;
    if (!fws.size) this.byAgent.delete(agentId);
    const agents = this.byFramework.get(frameworkId);
    agents?.delete(agentId);
    if (agents && !agents.size) this.byFramework.delete(frameworkId);
    this.count--;
    return true;
  }
}
