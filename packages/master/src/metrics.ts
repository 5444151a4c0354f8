import { Counter, Gauge, Histogram, type Registry } from '@strata/lib';

export interface MasterMetrics {
  offersSent: Counter;
  offersAccepted: Counter;
  offersDeclined: Counter;
  offersRescinded: Counter;
  tasksLaunched: Counter;
  statusUpdates: Counter<'state'>;
  allocationSeconds: Histogram;
}

export function createMasterMetrics(registry: Registry): MasterMetrics {
  const registers = [registry];
  return {
    offersSent: new Counter({ name: 'strata_master_offers_sent_total', help: 'Offers sent to frameworks', registers }),
    offersAccepted: new Counter({ name: 'strata_master_offers_accepted_total', help: 'Offers consumed by ACCEPT calls', registers }),
    offersDeclined: new Counter({ name: 'strata_master_offers_declined_total', help: 'Offers declined', registers }),
    offersRescinded: new Counter({ name: 'strata_master_offers_rescinded_total', help: 'Offers rescinded (timeout, agent gone)', registers }),
    tasksLaunched: new Counter({ name: 'strata_master_tasks_launched_total', help: 'Tasks sent to agents', registers }),
    statusUpdates: new Counter({ name: 'strata_master_status_updates_total', help: 'Status updates received from agents', labelNames: ['state'], registers }),
    allocationSeconds: new Histogram({
      name: 'strata_master_allocation_seconds',
      help: 'Time of one allocation pass',
      buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1],
      registers,
    }),
  };
}

export interface LeadershipMetrics {
  elected: Gauge;
  leaderChanges: Counter;
  registryWriteSeconds: Histogram<'op'>;
}

/** Election and registry figures: whether this master leads, how often the leader changed, registry write latency. */
export function createLeadershipMetrics(registry: Registry): LeadershipMetrics {
  const registers = [registry];
  return {
    elected: new Gauge({ name: 'strata_master_elected', help: '1 while this master leads, else 0', registers }),
    leaderChanges: new Counter({ name: 'strata_master_leader_changes_total', help: 'Leader changes this master has seen', registers }),
    registryWriteSeconds: new Histogram({
      name: 'strata_master_registry_write_seconds',
      help: 'Latency of one registry write (agent admission, framework, reservations)',
      labelNames: ['op'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    }),
  };
}

/**
 * One read serves every gauge of a scrape: prom-client collects the gauges one after another in
 * the same turn of the event loop, and the value is forgotten before the next turn (a later scrape
 * never sees a stale one).
 */
function oncePerScrape<T>(read: () => T): () => T {
  let value: T | undefined;
  return () => {
    if (value === undefined) {
      value = read();
      setImmediate(() => (value = undefined));
    }
    return value;
  };
}

/** What the state gauges show: counts the master keeps as things change. */
export interface StateGaugeValues {
  agentsConnected: number;
  agentsDisconnected: number;
  frameworks: number;
  /** Live tasks per state. */
  tasks: Record<string, number>;
  offers: number;
}

/** Gauges read from the master's current state at scrape time. */
export function registerStateGauges(registry: Registry, readNow: () => StateGaugeValues): void {
  const registers = [registry];
  const read = oncePerScrape(readNow);
  new Gauge({
    name: 'strata_master_agents',
    help: 'Agents by connection state',
    labelNames: ['state'],
    registers,
    collect() {
      const s = read();
      this.set({ state: 'connected' }, s.agentsConnected);
      this.set({ state: 'disconnected' }, s.agentsDisconnected);
    },
  });
  new Gauge({ name: 'strata_master_frameworks', help: 'Subscribed frameworks', registers, collect() { this.set(read().frameworks); } });
  new Gauge({ name: 'strata_master_outstanding_offers', help: 'Offers sent and not yet answered', registers, collect() { this.set(read().offers); } });
  new Gauge({
    name: 'strata_master_tasks',
    help: 'Non-terminal tasks by state',
    labelNames: ['state'],
    registers,
    collect() {
      this.reset();
      for (const [state, n] of Object.entries(read().tasks)) this.set({ state }, n);
    },
  });
}

/** Per-role gauges read at scrape time: weighted dominant share, weight, and what the role holds. */
export function registerRoleGauges(registry: Registry, readNow: () => { role: string; weight: number; share: number; allocated: { scalars: Readonly<Record<string, number>> } }[]): void {
  const registers = [registry];
  const read = oncePerScrape(readNow);
  new Gauge({ name: 'strata_master_role_share', help: 'Weighted dominant share of each role', labelNames: ['role'], registers, collect() { this.reset(); for (const r of read()) this.set({ role: r.role }, r.share); } });
  new Gauge({ name: 'strata_master_role_weight', help: 'Weight of each role', labelNames: ['role'], registers, collect() { this.reset(); for (const r of read()) this.set({ role: r.role }, r.weight); } });
  new Gauge({
    name: 'strata_master_role_allocated',
    help: 'Resources each role holds (offered or in use)',
    labelNames: ['role', 'resource'],
    registers,
    collect() {
      this.reset();
      for (const r of read()) for (const [resource, v] of Object.entries(r.allocated.scalars)) this.set({ role: r.role, resource }, v);
    },
  });
}
