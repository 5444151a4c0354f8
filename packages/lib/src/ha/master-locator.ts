import { EventEmitter } from 'node:events';
import type { Etcd3 } from 'etcd3';
import type { Logger } from '../log';
import { clusterKeys, parseMasterTarget, type MasterTarget } from './etcd-address';
import { connectEtcd } from './etcd-client';
import { LeaderWatch } from './leader-watch';

export interface MasterLocatorEvents {
  /** The leading master moved (or is unknown for now): drop what is open to the old one. */
  change: [address: string | undefined];
}

/**
 * How agents, frameworks and the CLI find the leading master from `--master`: through etcd
 * (`etcd://…/NAME`: the election's leader, followed as it changes, as Mesos's detectors follow
 * ZooKeeper), or from a list of masters tried in turn, where a standby's answer names the
 * leader (`notLeader(address, hint)`). A single `host:port` is a list of one.
 */
export class MasterLocator extends EventEmitter<MasterLocatorEvents> {
  private current?: string;
  private index = 0;
  private client?: Etcd3;
  private watch?: LeaderWatch;
  private started?: Promise<void>;

  constructor(
    readonly target: MasterTarget,
    private readonly log: Logger,
  ) {
    super();
    if (target.kind === 'list') this.current = target.addresses[0];
  }

  static parse(spec: string, log: Logger): MasterLocator {
    return new MasterLocator(parseMasterTarget(spec), log);
  }

  /** What to show in logs: the spec as given. */
  describe(): string {
    return this.target.kind === 'list' ? this.target.addresses.join(',') : `etcd://${this.target.etcd.endpoints.map((e) => e.replace(/^https?:\/\//, '')).join(',')}/${this.target.etcd.cluster}`;
  }

  /** The leading master as best known now. */
  get address(): string | undefined {
    return this.current;
  }

  private start(): Promise<void> {
    if (this.target.kind === 'list') return Promise.resolve();
    this.started ??= (async () => {
      const { etcd } = this.target as Extract<MasterTarget, { kind: 'etcd' }>;
      this.client = connectEtcd(etcd.endpoints);
      this.watch = new LeaderWatch(this.client, clusterKeys(etcd.cluster).election('master'), this.log);
      this.watch.on('change', (leader) => this.set(leader?.address));
      await this.watch.start();
    })().catch((err: unknown) => {
      this.started = undefined; // try again on the next call
      throw err;
    });
    return this.started;
  }

  private set(address: string | undefined): void {
    if (address === this.current) return;
    this.current = address;
    this.log.info({ master: address ?? null }, address ? 'leading master found' : 'no leading master known');
    this.emit('change', address);
  }

  /** Resolves with the leading master's address, waiting up to `timeoutMs` for one to be known. */
  async leader(timeoutMs = 10_000): Promise<string> {
    await this.start();
    if (this.current) return this.current;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('change', onChange);
        reject(new Error(`no leading master known through ${this.describe()} within ${timeoutMs} ms`));
      }, timeoutMs);
      const onChange = (a: string | undefined) => {
        if (!a) return;
        clearTimeout(timer);
        this.off('change', onChange);
        resolve(a);
      };
      this.on('change', onChange);
    });
  }

  /** The master at `address` says it does not lead; `hint` is whom it names, if anyone. */
  notLeader(address: string, hint?: string): void {
    if (this.target.kind === 'etcd') {
      this.watch?.refresh().catch(() => undefined);
      return;
    }
    if (address !== this.current) return;
    if (hint && hint !== address) this.set(hint);
    else this.unreachable(address);
  }

  /** `address` could not be reached: with a list, try the next master. */
  unreachable(address: string): void {
    if (this.target.kind === 'etcd') {
      this.watch?.refresh().catch(() => undefined);
      return;
    }
    if (address !== this.current || this.target.addresses.length < 2) return;
    this.index = (Math.max(0, this.target.addresses.indexOf(address)) + 1) % this.target.addresses.length;
    this.set(this.target.addresses[this.index]);
  }

  async stop(): Promise<void> {
    await this.watch?.stop();
    this.client?.close();
  }
}
