import * as path from 'node:path';
import * as os from 'node:os';
import type { EtcdTarget } from '@strata/lib/ha';

export interface MasterConfig {
  /** Address to bind (gRPC and HTTP share one port, like Mesos's 5050). */
  host: string;
  port: number;
  /** Name advertised to agents and frameworks; defaults to the machine's hostname. */
  hostname: string;
  /** Where the file-backed state store keeps admitted agents and framework ids. */
  workDir: string;
  /** Offers not answered within this are rescinded (Mesos: --offer_timeout, unset by default; Strata bounds hoarding). */
  offerTimeoutMs: number;
  /** Allocation runs on every event that frees or adds resources, and at least this often (Mesos: 1 s). */
  allocationIntervalMs: number;
  /** HEARTBEAT events to frameworks and pings to agents (Mesos: 15 s). */
  heartbeatIntervalMs: number;
  /**
   * The master pings each agent this often, and an agent silent for maxMissedPings intervals is
   * unreachable. Mesos waits 15 s x 5 = 75 s, sized for ZooKeeper sessions and huge clusters;
   * Strata's default of 5 s x 3 = 15 s still leaves an agent restart (recovery takes well under
   * 2 s) a wide margin, and finds a dead machine five times sooner.
   */
  agentPingIntervalMs: number;
  maxMissedPings: number;
  /** After a master restart, admitted agents that have not reregistered within this are unreachable (Mesos: 10 min). */
  agentReregisterTimeoutMs: number;
  /**
   * Frameworks known only from agents' reports after a master restart keep their tasks at least
   * this long even if their failover_timeout is shorter: a master restart must not kill tasks.
   */
  recoveredFrameworkGraceMs: number;
  /** refuse_seconds applied when a decline or accept names none (Mesos: 5 s). */
  defaultRefuseSeconds: number;
  /** 'hierarchical' (weighted roles, quota, reservations; the default) or 'drf' (frameworks only, roles ignored). */
  allocator: 'drf' | 'hierarchical';
  /**
   * Offers a framework may hold at once (0: no cap, as Mesos's allocator). A framework uses offers
   * at its own pace and is sent more as it answers, so a cap costs it nothing but keeps 20
   * frameworks on a 50,000-agent cluster from being sent 20,000 offers they mostly decline: the
   * scale bench's fill went from ~25,000 offers (1,000 each) to ~6,000 for 5,000 used, and from
   * ~4,000 to ~5,600 placements/s. Mesos's master source carries the same idea as a constant
   * (MAX_OFFERS_PER_FRAMEWORK = 50). Honoured by the hierarchical allocator.
   */
  maxOffersPerFramework: number;
  /** Mesos's --min_allocatable_resources: a free slice is offered only if it holds one of these (`|`-separated). */
  minAllocatableResources: string;
  /**
   * High availability: the registry lives in etcd and this master leads only while it holds the
   * election's lease (`--etcd`, `--cluster-name`). Unset: one master, file-backed registry.
   */
  etcd?: EtcdTarget;
  /** The leadership lease (Mesos's ZooKeeper session timeout): a dead leader is replaced about this long after it stops renewing. */
  leaseTtlSeconds: number;
  /** Completed tasks kept per framework for /master/state (Mesos: --max_completed_tasks_per_framework 1000). */
  maxCompletedTasksPerFramework: number;
}

export function defaultMasterConfig(overrides: Partial<MasterConfig> = {}): MasterConfig {
  return {
    host: '0.0.0.0',
    port: 5050,
    hostname: os.hostname(),
    workDir: path.join(os.tmpdir(), 'strata', 'master'),
    offerTimeoutMs: 30_000,
    allocationIntervalMs: 1_000,
    heartbeatIntervalMs: 15_000,
    defaultRefuseSeconds: 5,
    agentPingIntervalMs: 5_000,
    maxMissedPings: 3,
    agentReregisterTimeoutMs: 600_000,
    recoveredFrameworkGraceMs: 120_000,
    maxCompletedTasksPerFramework: 1_000,
    leaseTtlSeconds: 2,
    allocator: 'hierarchical',
    maxOffersPerFramework: 100,
    minAllocatableResources: 'cpus:0.01|mem:32',
    ...overrides,
  };
}
