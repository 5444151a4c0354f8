import { StrataError } from '@strata/lib/errors';
import * as res from '@strata/lib/resources';
import type { Resources } from '@strata/lib/resources';
import type { AgentInfo__Output, MasterMessage } from '@strata/proto';
import { splitTaskKey, type AgentEntry, type FrameworkEntry, type Outbox } from '../registry';


/** An agent's advertised resources, split by static reservation. */
export interface AgentResources {
  total: Resources;
  unreserved: Resources;
  reserved: Map<string, Resources>;
}

export function agentResourcesOf(info: AgentInfo__Output): AgentResources {
  const split = res.splitByRole(info.resources);
  return { total: res.totalOf(split), ...split };
}

/** The same, as the 400 an agent with resources that do not parse is answered. */
export function validAgentResources(info: AgentInfo__Output): AgentResources {
  try {
    return agentResourcesOf(info);
  } catch (err) {
    throw new StrataError('INVALID_AGENT', `agent resources are invalid: ${(err as Error).message}`, { status: 400, cause: err });
  }
}

/**
 * The agents this master has admitted, connected or not, and how many are connected (kept as
 * outboxes come and go, so a metrics scrape does not walk 50,000 agents).
 */
export class AgentRegistry {
  private readonly agents = new Map<string, AgentEntry>();
  private connected = 0;

  constructor(private readonly version: string) {}

  get(id: string): AgentEntry | undefined {
    return this.agents.get(id);
  }

  has(id: string): boolean {
    return this.agents.has(id);
  }

  values(): IterableIterator<AgentEntry> {
    return this.agents.values();
  }

  get size(): number {
    return this.agents.size;
  }

  get connectedCount(): number {
    return this.connected;
  }

  /** A new entry for an admitted agent; `recovered` when it comes from the store and has not reregistered yet. */
  admit(id: string, info: AgentInfo__Output, registeredAt: number, recovered: boolean, now: number): AgentEntry {
    let split: AgentResources = { total: res.EMPTY, unreserved: res.EMPTY, reserved: new Map() };
    try {
      split = agentResourcesOf(info);
    } catch {
      // validated on admission; a corrupt record just shows no resources until the agent reregisters
    }
    const entry: AgentEntry = {
      id,
      info,
      ...split,
      hostname: info.hostname,
      port: info.port,
      registeredAt,
      recovered,
      tasks: new Set(),
      lastSeen: now,
      givenUp: new Set(),
      pendingKills: [],
      version: this.version,
    };
    this.agents.set(id, entry);
    return entry;
  }

  setOutbox(agent: AgentEntry, outbox: Outbox<MasterMessage> | undefined): void {
    this.connected += (outbox ? 1 : 0) - (agent.outbox ? 1 : 0);
    agent.outbox = outbox;
  }

  /** What the agent's live tasks use, per framework. */
  usedByFramework(agent: AgentEntry, frameworks: (id: string) => FrameworkEntry | undefined): Map<string, Resources> {
    const used = new Map<string, Resources>();
    for (const key of agent.tasks) {
      const [fwId, taskId] = splitTaskKey(key);
      const t = frameworks(fwId)?.tasks.get(taskId);
      if (t) used.set(fwId, res.add(used.get(fwId) ?? res.EMPTY, t.resources));
    }
    return used;
  }
}
