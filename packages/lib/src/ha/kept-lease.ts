import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Etcd3, Lease } from 'etcd3';

export interface KeptLeaseEvents {
  /** A renewal sent at `sentAt` (ms since the epoch) was answered: etcd keeps the lease `ttlSeconds` from when it got it. */
  renewed: [sentAt: number, ttlSeconds: number];
  /** The lease is gone (expired, revoked, or etcd said so). */
  lost: [message: string];
}

/** An etcd lease that keeps itself alive until revoked or lost. */
export interface KeptLease extends EventEmitter<KeptLeaseEvents> {
  /** Grants the lease; resolves with its id (decimal). */
  grant(): Promise<string>;
  /** Revokes it (best effort) and stops renewing; no event follows. */
  revoke(): Promise<void>;
  /** The last renewal answered, read now even if its event is still queued behind a busy loop. */
  lastRenewal?(): { sentAt: number; ttlSeconds: number } | undefined;
}

/** How a Leadership obtains its leases. */
export type LeaseFactory = (ttlSeconds: number) => KeptLease;

/** A lease kept alive by the etcd client on this thread: a busy event loop delays its renewals. */
export function threadLease(client: Etcd3): LeaseFactory {
  return (ttlSeconds) => new ThreadLease(client, ttlSeconds);
}

class ThreadLease extends EventEmitter<KeptLeaseEvents> implements KeptLease {
  private readonly lease: Lease;
  /** Renewal send times not yet answered, oldest first (the keepalive stream answers in order). */
  private readonly sent: number[] = [];

  constructor(client: Etcd3, ttlSeconds: number) {
    super();
    this.lease = client.lease(ttlSeconds);
    this.lease.on('keepaliveFired', () => this.sent.push(Date.now()));
    this.lease.on('keepaliveSucceeded', (res) => this.emit('renewed', this.sent.shift() ?? Date.now(), Number(res.TTL)));
    this.lease.on('lost', (err) => this.emit('lost', err.message));
  }

  grant(): Promise<string> {
    return this.lease.grant();
  }

  async revoke(): Promise<void> {
    this.removeAllListeners();
    this.lease.removeAllListeners();
    await this.lease.revoke().catch(() => this.lease.release());
  }
}

/** Messages between a WorkerLease and its worker. */
export type LeaseWorkerMessage =
  | { type: 'granted'; id: string }
  | { type: 'grant-failed'; message: string }
  | { type: 'renewed'; sentAt: number; ttlSeconds: number }
  | { type: 'lost'; message: string }
  | { type: 'revoked' };

/**
 * A lease kept alive from a worker thread with its own etcd client, as ZooKeeper's client keeps
 * a Mesos master's session from its own thread: a leader whose main loop is busy for longer than
 * the TTL (a large recovery, a long allocation pass) keeps its lease, while a paused or dead
 * process (SIGSTOP stops every thread) loses it as before. The main thread still stops acting
 * on its own when renewals stop arriving (Leadership's watchdog), so fencing is unchanged.
 */
export function workerLease(endpoints: string[]): LeaseFactory {
  return (ttlSeconds) => new WorkerLease(endpoints, ttlSeconds);
}

/** The compiled worker: beside this file in dist, or in dist when this runs from src (jest). */
function workerScript(): string {
  const here = path.join(__dirname, 'lease-worker.js');
  if (fs.existsSync(here)) return here;
  return path.resolve(__dirname, '..', '..', 'dist', 'ha', 'lease-worker.js');
}

class WorkerLease extends EventEmitter<KeptLeaseEvents> implements KeptLease {
  private worker?: Worker;
  private done = false;
  /** [sentAt of the last answered renewal, its TTL]: written by the worker, read here without waiting for its message. */
  private readonly shared = new BigInt64Array(new SharedArrayBuffer(16));

  constructor(private readonly endpoints: string[], private readonly ttlSeconds: number) {
    super();
  }

  grant(): Promise<string> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(workerScript(), { workerData: { endpoints: this.endpoints, ttlSeconds: this.ttlSeconds, shared: this.shared } });
      this.worker = worker;
      worker.unref();
      let granted = false;
      worker.on('message', (m: LeaseWorkerMessage) => {
        if (this.done) return;
        if (m.type === 'granted') {
          granted = true;
          resolve(m.id);
        } else if (m.type === 'grant-failed') reject(new Error(m.message));
        else if (m.type === 'renewed') this.emit('renewed', m.sentAt, m.ttlSeconds);
        else if (m.type === 'lost') this.emit('lost', m.message);
      });
      worker.on('error', (err) => (granted ? this.emit('lost', `lease worker failed: ${err.message}`) : reject(err)));
      worker.on('exit', (code) => {
        if (this.done) return;
        if (!granted) reject(new Error(`lease worker exited (${code}) before the lease was granted`));
        else this.emit('lost', `lease worker exited (${code})`);
      });
    });
  }

  lastRenewal(): { sentAt: number; ttlSeconds: number } | undefined {
    const sentAt = Number(Atomics.load(this.shared, 0));
    return sentAt ? { sentAt, ttlSeconds: Number(Atomics.load(this.shared, 1)) } : undefined;
  }

  async revoke(): Promise<void> {
    if (this.done) return;
    this.done = true;
    this.removeAllListeners();
    const worker = this.worker;
    if (!worker) return;
    // The worker revokes (so a standby takes over at once) and exits; if it cannot within a
    // request's time, it is terminated and the lease expires on its own.
    const exited = new Promise<void>((r) => worker.once('exit', () => r()));
    worker.postMessage('revoke');
    const t = setTimeout(() => worker.terminate().catch(() => undefined), 6_000);
    await exited;
    clearTimeout(t);
  }
}
