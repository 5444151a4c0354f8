import { EventEmitter } from 'node:events';
import type { Etcd3, Watcher } from 'etcd3';
import type { Logger } from '../log';
import type { LeaderInfo } from './leadership';

/** How often a LeaderWatch rereads the leader whatever its watch says; a lease's TTL (2 s) is the scale of a leader change. */
export const LEADER_REREAD_MS = 2_000;

export interface LeaderWatchEvents {
  /** The leader changed; undefined while nobody leads. */
  change: [leader: LeaderInfo | undefined];
}

/** Reads the current leader of an election: the value of the key with the lowest create revision. */
export async function currentLeader(client: Etcd3, election: string): Promise<LeaderInfo | undefined> {
  const res = await client.getAll().prefix(election).sort('Create', 'Ascend').limit(1).strings();
  const value = Object.values(res)[0];
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value) as LeaderInfo;
  } catch {
    return undefined; // not one of ours
  }
}

/**
 * Follows an election from outside it (agents, frameworks, the CLI, standbys): `leader` is the
 * current one, `change` fires on each change. It watches the prefix and rereads the first key
 * on every event and on every reconnect, so a change missed while etcd was away is caught up;
 * and every `rereadMs` besides: a watch whose member was cut off by a partition can stay
 * silent after it heals (the chaos run saw every process follow a leader that no longer led
 * for two minutes), and a linearizable read goes through a quorum.
 */
export class LeaderWatch extends EventEmitter<LeaderWatchEvents> {
  leader?: LeaderInfo;
  private watcher?: Watcher;
  private stopped = false;
  private reading = Promise.resolve();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly client: Etcd3,
    private readonly election: string,
    private readonly log: Logger,
    private readonly rereadMs = LEADER_REREAD_MS,
  ) {
    super();
  }

  /** Starts watching and resolves once the first read is done (leader may still be undefined). */
  async start(): Promise<void> {
    this.watcher = await this.client.watch().prefix(this.election).create();
    const reread = () => this.refresh();
    this.watcher.on('put', reread);
    this.watcher.on('delete', reread);
    this.watcher.on('connected', reread);
    this.watcher.on('error', (err) => this.log.warn({ err: err.message, election: this.election }, 'leader watch error'));
    await this.refresh();
    if (!this.stopped) {
      this.timer = setInterval(reread, this.rereadMs);
      this.timer.unref();
    }
  }

  /** Rereads the leader now (also what a caller does when a leader it was told about turns out not to be one). */
  refresh(): Promise<void> {
    this.reading = this.reading.then(async () => {
      if (this.stopped) return;
      try {
        const next = await currentLeader(this.client, this.election);
        if (this.stopped || JSON.stringify(next) === JSON.stringify(this.leader)) return;
        this.leader = next;
        this.emit('change', next);
      } catch (err) {
        this.log.warn({ err: (err as Error).message, election: this.election }, 'cannot read the leader');
      }
    });
    return this.reading;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.watcher?.cancel().catch(() => undefined);
  }
}

/** Every candidate of an election, leader first (the order they would lead in). */
export async function candidates(client: Etcd3, election: string): Promise<LeaderInfo[]> {
  const res = await client.getAll().prefix(election).sort('Create', 'Ascend').strings();
  const out: LeaderInfo[] = [];
  for (const v of Object.values(res)) {
    try {
      out.push(JSON.parse(v) as LeaderInfo);
    } catch {
      // not one of ours
    }
  }
  return out;
}
