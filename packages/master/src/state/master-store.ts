import type { Logger, StateStore } from '@strata/lib';
import type { AgentInfo__Output, FrameworkInfo__Output } from '@strata/proto';
import type { PersistedReservations } from '../registry/dynamic-reservations';
import type { SecretRecord } from '../secrets/secret-book';

/** An admitted agent as the master stores it (Mesos's registry entry): never its tasks, which agents bring back. */
export interface PersistedAgent {
  info: AgentInfo__Output;
  registeredAt: number;
  unreachableAt?: number;
}

export interface PersistedFramework {
  info: FrameworkInfo__Output;
  registeredAt: number;
}

/** What a master recovers from its store before it listens. */
export interface RecoveredState {
  agents: PersistedAgent[];
  frameworkIds: string[];
  reservations: { agentId: string; record: PersistedReservations }[];
  secrets: { path: string; record: SecretRecord }[];
}

const AGENTS = 'agents/';
const FRAMEWORKS = 'frameworks/';
const RESERVATIONS = 'reservations/';
const SECRETS = 'secrets/';

/**
 * The master's registry in its state store: the only place that knows the keys. Writes that
 * gate an answer (admission, SUBSCRIBE, UPDATE_FRAMEWORK) are awaited by the caller; the rest
 * (unreachable marks, removals, reservations) run in the background and a failure is logged,
 * never an unhandled rejection. High availability replaces the store under this, not the callers.
 */
export class MasterStore {
  constructor(
    private readonly store: StateStore,
    private readonly log: Logger,
  ) {}

  async recover(): Promise<RecoveredState> {
    const agents = (await this.store.list<PersistedAgent>(AGENTS)).map((e) => e.value).filter((a) => !!a.info.id?.value);
    const frameworkIds = (await this.store.list<PersistedFramework>(FRAMEWORKS)).map((e) => e.key.slice(FRAMEWORKS.length));
    const reservations = (await this.store.list<PersistedReservations>(RESERVATIONS)).map((e) => ({ agentId: e.key.slice(RESERVATIONS.length), record: e.value }));
    const secrets = (await this.store.list<SecretRecord>(SECRETS)).map((e) => ({ path: e.key.slice(SECRETS.length), record: e.value }));
    return { agents, frameworkIds, reservations, secrets };
  }

  async putAgent(agentId: string, record: PersistedAgent): Promise<void> {
    await this.store.put(AGENTS + agentId, record);
  }

  async putFramework(frameworkId: string, record: PersistedFramework): Promise<void> {
    await this.store.put(FRAMEWORKS + frameworkId, record);
  }

  markUnreachable(agentId: string, record: PersistedAgent): void {
    this.background(this.store.put(AGENTS + agentId, record), { agentId }, 'cannot record unreachable agent');
  }

  forgetFramework(frameworkId: string): void {
    this.background(this.store.delete(FRAMEWORKS + frameworkId), { frameworkId }, 'cannot forget framework');
  }

  /** A secret: awaited, so the API answers only once it is stored (and a failed write is the API's error). */
  async putSecret(path: string, record: SecretRecord): Promise<void> {
    await this.store.put(SECRETS + path, record);
  }

  async deleteSecret(path: string): Promise<void> {
    await this.store.delete(SECRETS + path);
  }

  /** An agent's dynamic reservations; an empty record deletes the key. */
  putReservations(agentId: string, record: PersistedReservations): void {
    const key = RESERVATIONS + agentId;
    const write = Object.keys(record).length ? this.store.put(key, record) : this.store.delete(key);
    this.background(write, { agentId }, 'cannot store dynamic reservations');
  }

  private background(write: Promise<unknown>, context: Record<string, string>, message: string): void {
    write.catch((err: unknown) => this.log.error({ err, ...context }, message));
  }
}
