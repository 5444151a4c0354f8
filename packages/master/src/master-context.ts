import type { Acls, Clock, Logger, Permissions } from '@strata/lib';
import type { MasterInfo } from '@strata/proto';
import type { Allocator } from './allocator/allocator-interface';
import type { AgentRegistry } from './agents/agent-registry';
import type { AllocationLoop } from './allocation/allocation-loop';
import type { MasterConfig } from './config';
import type { FrameworkMessages } from './frameworks/messages';
import type { FrameworkRegistry } from './frameworks/framework-registry';
import type { MasterMetrics } from './metrics';
import type { OfferBook } from './offers';
import type { DynamicReservations } from './registry/dynamic-reservations';
import type { SecretBook } from './secrets/secret-book';
import type { MasterStore } from './state/master-store';
import type { TaskBook } from './tasks/task-book';

/**
 * The master's state and its shared services, built once by Master and handed to every
 * handler module. Handlers own rules, not state: what they change lives here, so a new
 * concern (leadership, fencing) is one more field rather than a rewrite of the handlers.
 */
export interface MasterCore {
  readonly id: string;
  readonly startedAt: number;
  readonly config: MasterConfig;
  readonly clock: Clock;
  readonly log: Logger;
  readonly metrics: MasterMetrics;
  readonly store: MasterStore;
  readonly agents: AgentRegistry;
  readonly frameworks: FrameworkRegistry;
  readonly tasks: TaskBook;
  readonly allocator: Allocator;
  readonly offers: OfferBook;
  readonly dynamic: DynamicReservations;
  readonly messages: FrameworkMessages;
  /** DC/OS's secret store: resolved into launches, never answered. */
  readonly secrets: SecretBook;
  /** Mesos's --acls: who may register with which role, run as which user, reserve, set quota and weights, tear down. */
  readonly acls: Acls;
  /** --permissions: which principal may use which secret in a launch. */
  readonly permissions: Permissions;
  masterInfo(): MasterInfo;
}

export interface MasterContext extends MasterCore {
  readonly allocation: AllocationLoop;
}
