import { EventEmitter } from 'node:events';
import type { Etcd3 } from 'etcd3';
import { StrataError } from '../errors/strata-error';
import type { Logger } from '../log';
import { systemClock, type Clock, type Timer } from '../time';
import { backoffDelay } from '../backoff';
import { threadLease, type KeptLease, type LeaseFactory } from './kept-lease';

/** What a candidate proclaims under its election key: enough for others to find and name it. */
export interface LeaderInfo {
  id: string;
  /** host:port where it serves (for the master: gRPC and HTTP). */
  address: string;
  hostname?: string;
  /** Free-form extras (a Marathon's HTTP address, its version…). */
  [extra: string]: unknown;
}

export interface LeadershipOptions {
  client: Etcd3;
  /** The election's key prefix (clusterKeys(c).election(service)). */
  election: string;
  self: LeaderInfo;
  /** Lease TTL in whole seconds (etcd's unit; at least 1). */
  ttlSeconds: number;
  log: Logger;
  clock?: Clock;
  /** Where leases are kept alive (default: this thread's client; workerLease keeps them through a busy event loop). */
  leases?: LeaseFactory;
}

export interface LeadershipEvents {
  elected: [];
  /** No longer leader: the lease was lost, not renewed in time, or given up (resign, stop). */
  deposed: [reason: string];
}

/** The compare that fences a write: true only while this candidate's election key, created at `createRevision`, exists. */
export interface Fence {
  key: string;
  createRevision: string;
}

/**
 * One term of leadership, held by what it started (a master's registry, a framework's state and
 * driver). A candidate re-elected is in a new term: what the old term still had in flight (a
 * write queued behind a partition, a handler that awaited across the loss) must fail, not pass
 * under the new term's fence over the state the new term has loaded since.
 */
export interface LeaderTerm {
  /** True while this term lasts and its lease cannot have expired. */
  acting(): boolean;
  /** This term's compare, for a store write; NOT_LEADER once the term is over. */
  fence(): Fence;
}

type State = 'idle' | 'campaigning' | 'leader' | 'stopped';

const RETRY = { initialMs: 200, factor: 2, maxMs: 2_000 };

/**
 * Leader election on etcd (the recipe of etcd's Go `concurrency.Election`): each candidate puts
 * a key under the election prefix bound to its lease; the key with the lowest create revision
 * leads; the others wait for the key just before theirs to go. Being leader is bounded twice:
 * by etcd (the key vanishes when the lease expires, so `fence()` makes every registry write
 * fail once another may lead), and locally (`isLeader()` turns false as soon as the lease may
 * have expired, measured from when the last renewal that succeeded was sent, so a process that
 * was paused past its TTL stops acting before it hears anything). After losing, it campaigns
 * again with a fresh lease until stopped.
 */
export class Leadership extends EventEmitter<LeadershipEvents> {
  private state: State = 'idle';
  private lease?: KeptLease;
  private key?: string;
  private createRevision?: string;
  private validUntil = 0;
  private watchdog?: Timer;
  private attempt = 0;
  /** Resolved when the current term (or campaign) ends. */
  private endTerm?: (reason: string) => void;
  private readonly clock: Clock;
  private readonly ttlMs: number;
  private revoking: Promise<void> = Promise.resolve();

  constructor(private readonly opts: LeadershipOptions) {
    super();
    if (!Number.isInteger(opts.ttlSeconds) || opts.ttlSeconds < 1) throw new StrataError('INVALID_PARAM', `lease TTL must be a whole number of seconds >= 1, not ${opts.ttlSeconds}`);
    this.clock = opts.clock ?? systemClock;
    this.ttlMs = opts.ttlSeconds * 1000;
  }

  /** True while elected and the lease cannot yet have expired. */
  isLeader(): boolean {
    if (this.state !== 'leader') return false;
    this.catchUp();
    return this.clock.now() < this.validUntil;
  }

  /** A renewal a worker has had answered counts at once, even while its message waits behind our busy loop. */
  private catchUp(): void {
    const r = this.lease?.lastRenewal?.();
    if (r) this.extend(this.clock.now() - Math.max(0, Date.now() - r.sentAt), r.ttlSeconds);
  }

  /** For a store write: the compare that holds only while this term lasts; throws NOT_LEADER when not leading. */
  fence(): Fence {
    if (!this.isLeader() || !this.key || !this.createRevision) {
      throw new StrataError('NOT_LEADER', `${this.opts.self.id} is not the leader of ${this.opts.election}`, { context: { election: this.opts.election } });
    }
    return { key: this.key, createRevision: this.createRevision };
  }

  start(): void {
    if (this.state !== 'idle') return;
    this.loop().catch((err: unknown) => this.opts.log.error({ err, election: this.opts.election }, 'election loop failed'));
  }

  /** Gives up leadership (or the campaign) at once: the lease is revoked, so another takes over within a round trip. */
  async resign(reason = 'resigned'): Promise<void> {
    this.end(reason);
    await this.revoking;
  }

  /** Ends the campaign for good, revoking the lease so a standby takes over at once. */
  async stop(): Promise<void> {
    this.end('stopped');
    this.state = 'stopped';
    await this.revoking;
  }

  /** Read through a method: `end()` changes the state behind the compiler's back. */
  private isStopped(): boolean {
    return this.state === 'stopped';
  }

  private async loop(): Promise<void> {
    while (!this.isStopped()) {
      try {
        await this.term();
        this.attempt = 0;
      } catch (err) {
        if (this.isStopped()) break;
        this.opts.log.warn({ err: (err as Error).message, election: this.opts.election }, 'election attempt failed; retrying');
        this.end(`election failed: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, backoffDelay(RETRY, this.attempt++)));
      }
    }
  }

  /** One campaign with one lease: wait to lead, lead until the lease is lost, return. */
  private async term(): Promise<void> {
    const { client, election, self } = this.opts;
    this.state = 'campaigning';
    const ended = new Promise<string>((resolve) => (this.endTerm = resolve));
    const grantSent = this.clock.now();
    const lease = (this.opts.leases ?? threadLease(client))(this.opts.ttlSeconds);
    this.lease = lease;
    // Renewal times come as wall-clock ms (a worker's clock): measured against ours by their age.
    lease.on('renewed', (sentAt, ttl) => this.renewed(this.clock.now() - Math.max(0, Date.now() - sentAt), ttl));
    lease.on('lost', (message) => this.end(`lease lost: ${message}`));
    const id = await lease.grant();
    this.validUntil = grantSent + this.ttlMs;
    const key = election + id;
    const put = await client.if(key, 'Create', '==', 0).then(client.put(key).value(JSON.stringify(self)).lease(id)).commit();
    this.key = key;
    this.createRevision = put.header.revision;
    await this.waitForPredecessors(put.header.revision, ended);
    if (this.state !== 'campaigning' || this.lease !== lease) return void (await ended.catch(() => undefined));
    if (this.clock.now() >= this.validUntil) {
      this.end('lease expired while waiting to lead');
      return;
    }
    this.state = 'leader';
    this.armWatchdog();
    this.opts.log.info({ election, leader: self.id, ttlSeconds: this.opts.ttlSeconds }, 'elected leader');
    this.emit('elected');
    await ended;
  }

  /** Waits until no key under the election was created before ours (etcd's waitDeletes), or the term ends. */
  private async waitForPredecessors(revision: string, ended: Promise<string>): Promise<void> {
    const { client, election } = this.opts;
    while (this.state === 'campaigning') {
      const before = await client.getAll().prefix(election).maxCreateRevision(String(BigInt(revision) - 1n)).sort('Create', 'Descend').limit(1).keys();
      if (!before.length) return;
      const key = before[0]!;
      const watching = client.watch().key(key).create();
      const deleted = watching.then(
        (watcher) =>
          new Promise<void>((resolve, reject) => {
            watcher.on('delete', () => resolve());
            watcher.on('error', reject);
          }),
      );
      // The key is looked up once the watch is in place (it may have gone between the range and
      // the watch), then every TTL whatever the watch says: a watch on a member a partition cut
      // off can stay silent after the heal (or never be made), and the candidate next in line
      // would wait on it for ever while everyone else follows it as the leader.
      let timer: Timer | undefined;
      let waiting = true;
      const gone = new Promise<void>((resolve) => {
        const again = () => {
          timer?.cancel();
          if (waiting) timer = this.clock.after(this.ttlMs, look);
        };
        const look = () => {
          if (waiting) client.get(key).exists().then((exists) => (exists ? again() : resolve()), again);
        };
        again();
        watching.then(look, () => undefined);
      });
      try {
        await Promise.race([deleted, gone, ended]);
      } finally {
        waiting = false;
        timer?.cancel();
        // Cancelled before the next watch is made (etcd3 queues a watch behind a pending cancel), but not waited on for ever.
        let wait: Timer | undefined;
        await Promise.race([watching.then((w) => w.cancel()), new Promise<void>((resolve) => (wait = this.clock.after(this.ttlMs, resolve)))]).catch(() => undefined);
        wait?.cancel();
      }
    }
  }

  private renewed(sentAt: number, ttlSeconds: number): void {
    this.extend(sentAt, ttlSeconds);
    if (this.state === 'leader') this.armWatchdog();
  }

  private extend(sentAt: number, ttlSeconds: number): void {
    if (ttlSeconds <= 0) return; // the lease is gone: 'lost' follows
    // Etcd counts the TTL from when it got the renewal, which is after we sent it: sentAt + TTL
    // is never later than etcd's expiry. A small margin covers clock-rate drift between machines.
    this.validUntil = Math.max(this.validUntil, sentAt + ttlSeconds * 1000 - Math.min(250, ttlSeconds * 100));
  }

  /** The term now held (throws NOT_LEADER when not leading): its acting() and fence() never speak for a later term. */
  currentTerm(): LeaderTerm {
    const mine = this.fence();
    // Each term campaigns with a fresh lease, so its key names it.
    const acting = () => this.isLeader() && this.key === mine.key;
    return {
      acting,
      fence: () => {
        if (!acting()) throw new StrataError('NOT_LEADER', `${this.opts.self.id}'s term as leader of ${this.opts.election} (${mine.key}) has ended`, { context: { election: this.opts.election, key: mine.key } });
        return mine;
      },
    };
  }

  private armWatchdog(): void {
    this.watchdog?.cancel();
    this.watchdog = this.clock.after(Math.max(0, this.validUntil - this.clock.now()), () => this.checkExpiry());
  }

  /** The lease was not renewed in time (etcd unreachable, quorum lost, or this process paused): stop leading now. */
  private checkExpiry(): void {
    if (this.state !== 'leader') return;
    this.catchUp();
    if (this.clock.now() < this.validUntil) return this.armWatchdog(); // renewed while we were busy
    this.end(`lease not renewed within its ${this.opts.ttlSeconds} s TTL (etcd unreachable, quorum lost, or this process was paused)`);
  }

  private end(reason: string): void {
    const wasLeader = this.state === 'leader';
    this.watchdog?.cancel();
    this.watchdog = undefined;
    const lease = this.lease;
    this.lease = undefined;
    this.key = undefined;
    this.createRevision = undefined;
    this.validUntil = 0;
    // Our key must go so another can lead at once: revoke (best effort; it stops the renewals either way).
    if (lease) this.revoking = lease.revoke().catch(() => undefined);
    if (this.state !== 'stopped') this.state = 'idle';
    const endTerm = this.endTerm;
    this.endTerm = undefined;
    endTerm?.(reason);
    if (wasLeader) {
      this.opts.log.warn({ election: this.opts.election, leader: this.opts.self.id, reason }, 'no longer leader');
      this.emit('deposed', reason);
    }
  }
}
