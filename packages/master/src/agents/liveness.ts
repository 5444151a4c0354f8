import type { AgentEntry } from '../registry';

export interface LivenessConfig {
  agentPingIntervalMs: number;
  maxMissedPings: number;
  agentReregisterTimeoutMs: number;
}

/** Pings are sent from a wheel that turns every tick, at most 100 ms, five or more ticks per interval. */
export function pingTickMs(pingIntervalMs: number): number {
  return Math.max(1, Math.min(100, pingIntervalMs / 5));
}

export interface LivenessVerdicts {
  ping: AgentEntry[];
  unreachable: { agent: AgentEntry; why: string }[];
}

/**
 * Which agents to ping and which to give up on, a slice at a time. Each turn looks at the next
 * slice of agents, so every agent is looked at once per interval and 50,000 agents cost a steady
 * trickle rather than one burst. An agent heard from in the last half interval (status updates,
 * pongs) is alive and is not pinged; one silent for maxMissedPings intervals (or not back in
 * time after a master restart) is unreachable. Pure: the caller sends and marks.
 */
export class PingWheel {
  private cursor?: Iterator<AgentEntry>;

  constructor(
    private readonly config: LivenessConfig,
    private readonly startedAt: number,
  ) {}

  turn(now: number, agents: { readonly size: number; values(): IterableIterator<AgentEntry> }): LivenessVerdicts {
    const out: LivenessVerdicts = { ping: [], unreachable: [] };
    const { agentPingIntervalMs: interval } = this.config;
    const limit = interval * this.config.maxMissedPings;
    const slice = Math.min(agents.size, Math.ceil((agents.size * pingTickMs(interval)) / interval));
    for (let i = 0; i < slice; i++) {
      let next = this.cursor?.next();
      if (!next || next.done) {
        // Map iterators are live: agents added since the last turn are in the next one.
        this.cursor = agents.values();
        next = this.cursor.next();
        if (next.done) break;
      }
      const a = next.value;
      if (a.unreachableAt !== undefined) continue;
      if (a.recovered) {
        if (now - this.startedAt > this.config.agentReregisterTimeoutMs) out.unreachable.push({ agent: a, why: 'did not reregister after the master restarted' });
        continue;
      }
      if (now - a.lastSeen > limit) out.unreachable.push({ agent: a, why: `no answer for ${now - a.lastSeen} ms` });
      else if (now - a.lastSeen >= interval / 2) out.ping.push(a);
    }
    return out;
  }
}
