import type { Resources } from '@strata/lib/resources';
import type { Timer } from '@strata/lib/time';
import type {
  AgentInfo__Output,
  Event,
  FrameworkInfo__Output,
  MasterMessage,
  TaskInfo__Output,
  TaskStatus,
  TaskStateName,
} from '@strata/proto';

/** Where the master writes to one connected peer; the gRPC adapters implement it over a stream. */
export interface Outbox<T> {
  send(msg: T): void;
  close(): void;
}

export interface AgentEntry {
  id: string;
  info: AgentInfo__Output;
  /** Everything the agent has: unreserved plus every role's static reservation. */
  total: Resources;
  unreserved: Resources;
  /** Static reservations per role (`cpus(web):2` on the agent), offered only to that role. */
  reserved: Map<string, Resources>;
  hostname: string;
  /** The agent's own HTTP port (sandbox files, metrics). */
  port: number;
  registeredAt: number;
  outbox?: Outbox<MasterMessage>;
  /** Admitted in the state store but not (re)connected since this master started. */
  recovered: boolean;
  /** Keys `${frameworkId}/${taskId}` of the agent's non-terminal tasks. */
  tasks: Set<string>;
  /** Last time anything arrived from the agent (heartbeat replies included). */
  lastSeen: number;
  /** Marked unreachable: silent too long. Its tasks are TASK_UNREACHABLE or TASK_LOST until it comes back. */
  unreachableAt?: number;
  /** Tasks given up on (TASK_LOST sent to non-partition-aware frameworks): killed if the agent comes back. */
  givenUp: Set<string>;
  /** Kills to send as soon as the agent's stream is up. */
  pendingKills: { frameworkId: string; taskId: string }[];
  version: string;
}

export interface TaskEntry {
  id: string;
  frameworkId: string;
  agentId: string;
  info: TaskInfo__Output;
  resources: Resources;
  state: TaskStateName;
  /** The latest status (without uuid) for reconciliation and /state. */
  latest: TaskStatus;
  /** The state changes, and health changes (`healthy` set) of a running task. */
  statuses: { state: TaskStateName; timestamp: number; healthy?: boolean }[];
}

export interface FrameworkEntry {
  id: string;
  info: FrameworkInfo__Output;
  registeredAt: number;
  outbox?: Outbox<Event>;
  partitionAware: boolean;
  tasks: Map<string, TaskEntry>;
  completed: TaskEntry[];
  failoverTimer?: Timer;
}

export const taskKey = (frameworkId: string, taskId: string) => `${frameworkId}/${taskId}`;

export function splitTaskKey(key: string): [frameworkId: string, taskId: string] {
  const i = key.indexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
}
