import type { Clock, Logger } from '@strata/lib';
import type { SchedulerDriver } from '@strata/sdk';
import type { MarathonConfig } from './config';
import type { Deployment } from './deployment/deployment';
import type { EventBus } from './events/event-bus';
import type { InstanceTracker } from './instances/instance-tracker';
import type { Delay } from './launch-queue/backoff';
import type { AgentView } from './launch-queue/offer-matcher';
import type { AppDefinition } from './model/app-definition';
import type { Repository } from './state/repository';

export interface LastTaskFailure {
  appId: string;
  host: string;
  message: string;
  state: string;
  taskId: string;
  timestamp: string;
  version: string;
  slaveId: string;
}

/** Marathon's /v2/queue offer statistics for one app. */
export interface QueueStats {
  processedOffersCount: number;
  unusedOffersCount: number;
  lastUnusedOfferAt?: string;
  lastUsedOfferAt?: string;
  rejectSummaryLastOffers: Record<string, number>;
  since: string;
}

export interface GroupRecord {
  id: string;
  dependencies: string[];
  version: string;
}

/** Everything Marathon holds in memory: what the API reads and the runners change. */
export interface MarathonState {
  readonly apps: Map<string, AppDefinition>;
  readonly instances: InstanceTracker;
  readonly deployments: Map<string, Deployment>;
  readonly delays: Map<string, Delay>;
  readonly lastTaskFailure: Map<string, LastTaskFailure>;
  readonly queueStats: Map<string, QueueStats>;
  /** Explicit groups (their dependencies, and empty groups); apps' groups otherwise follow from their ids. */
  readonly groups: Map<string, GroupRecord>;
  /** Agents seen in offers, for placement constraints. */
  readonly agents: Map<string, AgentView>;
  /** Apps being deleted, with their last definition: gone from the API and the store, their instances stopping. */
  readonly deleting: Map<string, AppDefinition>;
}

export interface MarathonDeps {
  repo: Repository;
  events: EventBus;
  clock: Clock;
  log: Logger;
  /** With several instances: false once this one's leadership may have ended (no call leaves then). */
  acting?: () => boolean;
}

/** What Marathon's runners share: config, state, I/O, and the few calls that cross between them. */
export interface MarathonContext {
  readonly config: MarathonConfig;
  readonly state: MarathonState;
  readonly deps: MarathonDeps;
  driver(): SchedulerDriver | undefined;
  /** Moves every app one step towards its definition (coalesced). */
  converge(): void;
  /** A write that follows a change already made: a failure is logged, never an unhandled rejection. */
  persist(what: string, write: Promise<unknown>): void;
  /** The time as a Marathon version string. */
  version(): string;
}
