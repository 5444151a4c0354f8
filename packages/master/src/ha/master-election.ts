import { type Logger } from '@strata/lib';
import { Leadership, LeaderWatch, type Etcd3, type LeaderInfo, type LeaderTerm, type LeaseFactory } from '@strata/lib/ha';
import type { LeadershipMetrics } from '../metrics';
import type { MasterSeat } from './master-seat';
import type { MasterTerm } from './master-term';

export interface MasterElectionOptions {
  client: Etcd3;
  election: string;
  seat: MasterSeat;
  ttlSeconds: number;
  /** Where the lease is kept alive (the master's: a worker thread, so a long pass over many agents does not cost it its lease). */
  leases?: LeaseFactory;
  log: Logger;
  metrics: LeadershipMetrics;
  /** Makes the term's master: recover the registry (through a store fenced by this term), start its timers. */
  newTerm(term: LeaderTerm): Promise<MasterTerm>;
}

/**
 * Runs this master's candidacy: a term begins when it is elected (a fresh Master recovered from
 * the registry) and ends the moment leadership is lost; between terms it is a standby that
 * names the leader it sees through a LeaderWatch. Mesos aborts a master that loses its
 * ZooKeeper session and relies on a supervisor; here the process stays and campaigns again.
 */
export class MasterElection {
  readonly leadership: Leadership;
  private readonly watch: LeaderWatch;
  private starting?: Promise<void>;

  constructor(private readonly opts: MasterElectionOptions) {
    const { client, election, seat, ttlSeconds, log, leases } = opts;
    this.leadership = new Leadership({ client, election, self: seat.self, ttlSeconds, log, leases });
    this.watch = new LeaderWatch(client, election, log);
    this.leadership.on('elected', () => (this.starting = this.begin()));
    this.leadership.on('deposed', (reason) => this.endTerm(reason));
    this.watch.on('change', (leader) => this.seen(leader));
  }

  async start(): Promise<void> {
    await this.watch.start();
    this.leadership.start();
  }

  private async begin(): Promise<void> {
    const { seat, log, metrics } = this.opts;
    try {
      const held = this.leadership.currentTerm();
      const term = await this.opts.newTerm(held);
      if (!held.acting()) return term.end(); // lost while recovering
      seat.term = term;
      seat.leader = seat.self;
      metrics.elected.set(1);
      log.info({ masterId: seat.self.id }, 'leading master: registry recovered, serving');
    } catch (err) {
      log.error({ err }, 'cannot take up leadership (registry recovery failed); resigning');
      await this.leadership.resign('registry recovery failed');
    }
  }

  private endTerm(reason: string): void {
    const { seat, log, metrics } = this.opts;
    const term = seat.term;
    seat.term = undefined;
    if (seat.leader?.id === seat.self.id) seat.leader = undefined;
    metrics.elected.set(0);
    term?.end();
    log.warn({ masterId: seat.self.id, reason }, 'no longer the leading master: standing by');
    this.watch.refresh().catch(() => undefined);
  }

  private seen(leader: LeaderInfo | undefined): void {
    const { seat, metrics, log } = this.opts;
    if (leader?.id !== seat.leader?.id) {
      if (leader) metrics.leaderChanges.inc();
      log.info({ leader: leader?.address ?? null, leaderId: leader?.id ?? null }, leader ? 'leader is now' : 'no leader elected');
    }
    seat.leader = leader;
  }

  /** Steps down for good (SIGTERM): the lease is revoked so a standby takes over at once. */
  async stop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    await this.leadership.stop();
    await this.watch.stop();
  }
}
