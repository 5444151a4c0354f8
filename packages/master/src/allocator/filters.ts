import { res, type Resources } from '@strata/lib';

interface Filter {
  resources: Resources;
  expiresAt: number;
}

/**
 * Decline filters, keyed by (framework, agent): for refuse_seconds the framework is not offered
 * resources on that agent that fit inside what it declined. More free resources on the agent
 * (a task ended) pass the filter, as in Mesos's RefusedOfferFilter.
 */
export class OfferFilters {
  private readonly byFramework = new Map<string, Map<string, Filter[]>>();

  add(frameworkId: string, agentId: string, resources: Resources, refuseMs: number, now: number): void {
    if (refuseMs <= 0) return;
    let agents = this.byFramework.get(frameworkId);
    if (!agents) this.byFramework.set(frameworkId, (agents = new Map()));
    const list = agents.get(agentId) ?? [];
    list.push({ resources, expiresAt: now + refuseMs });
    agents.set(agentId, list);
  }

  isFiltered(frameworkId: string, agentId: string, candidate: Resources, now: number): boolean {
    const agents = this.byFramework.get(frameworkId);
    const list = agents?.get(agentId);
    if (!agents || !list) return false;
    const live = list.filter((f) => f.expiresAt > now);
    if (live.length === 0) agents.delete(agentId);
    else if (live.length !== list.length) agents.set(agentId, live);
    return live.some((f) => res.contains(f.resources, candidate));
  }

  /** Earliest time a filter of this framework expires, to schedule the next allocation. */
  nextExpiry(): number | undefined {
    let next: number | undefined;
    for (const agents of this.byFramework.values())
      for (const list of agents.values()) for (const f of list) if (next === undefined || f.expiresAt < next) next = f.expiresAt;
    return next;
  }

  clearFramework(frameworkId: string): void {
    this.byFramework.delete(frameworkId);
  }

  clearAgent(agentId: string): void {
    for (const agents of this.byFramework.values()) agents.delete(agentId);
  }
}
