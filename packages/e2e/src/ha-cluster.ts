import * as path from 'node:path';
import { freePort } from '@strata/lib';
import { EtcdCluster } from '@strata/lib/ha';
import { tmpDir, waitFor } from '@strata/lib/testing';
import type { StateJson } from './cluster';
import { BINS, ServiceProcess } from './processes';

export interface HaClusterOptions {
  masters?: number;
  agents?: number;
  resources?: string;
  /**
   * Leadership lease, seconds (default 2, the services' default). It must outlast an etcd leader
   * election (losing the etcd member that leads costs ~0.5-1 s of failed renewals) and a busy
   * machine's event-loop stalls; 1 fails over faster but is deposed by those.
   */
  leaseTtl?: number;
  masterArgs?: string[];
  agentArgs?: string[];
}

interface MasterHealth {
  leading: boolean;
  leader: string | null;
}

/**
 * A highly available cluster of real processes: a three-member etcd, several masters electing a
 * leader through it, and agents that find the leader with `--master etcd://…/NAME`. Masters
 * keep their port across restarts, as a supervised master on a host does.
 */
export class HaCluster {
  etcd!: EtcdCluster;
  readonly masters: ServiceProcess[] = [];
  readonly masterPorts: number[] = [];
  readonly agents: ServiceProcess[] = [];
  readonly dir = tmpDir('strata-ha-');
  readonly name = `c${process.pid}`;
  private opts: HaClusterOptions = {};

  static async start(opts: HaClusterOptions = {}): Promise<HaCluster> {
    const c = new HaCluster();
    c.opts = opts;
    try {
      c.etcd = await EtcdCluster.start({ members: 3, dir: path.join(c.dir.path, 'etcd') });
      for (let i = 0; i < (opts.masters ?? 3); i++) {
        c.masterPorts.push(await freePort());
        await c.startMaster(i);
      }
      await c.leader();
      for (let i = 0; i < (opts.agents ?? 0); i++) await c.startAgent(i);
      await c.waitForActiveAgents(opts.agents ?? 0);
      return c;
    } catch (err) {
      await c.stop();
      throw err;
    }
  }

  /** `--master` for agents and frameworks. */
  get masterUrl(): string {
    return this.etcd.masterUrl(this.name);
  }

  /** What a framework process is given as --master (the etcd URL: it follows the leader). */
  get masterAddress(): string {
    return this.masterUrl;
  }

  /** `--etcd` and `--cluster-name` for a framework service that runs with high availability. */
  get haArgs(): string[] {
    return ['--etcd', this.etcd.endpoints.join(','), '--cluster-name', this.name, '--lease-ttl', String(this.opts.leaseTtl ?? 2)];
  }

  masterAt(i: number): string {
    return `127.0.0.1:${this.masterPorts[i]}`;
  }

  async startMaster(i: number): Promise<ServiceProcess> {
    const m = ServiceProcess.start(`master-${i}`, BINS.master, [
      '--ip', '127.0.0.1', '--port', String(this.masterPorts[i]), '--hostname', '127.0.0.1',
      '--work-dir', path.join(this.dir.path, `master-${i}`),
      '--etcd', this.etcd.endpoints.join(','), '--cluster-name', this.name, '--lease-ttl', String(this.opts.leaseTtl ?? 2),
      ...(this.opts.masterArgs ?? []),
    ]);
    this.masters[i] = m;
    await m.waitForLog('master listening');
    return m;
  }

  async startAgent(i: number): Promise<ServiceProcess> {
    const a = ServiceProcess.start(`agent-${i}`, BINS.agent, [
      '--master', this.masterUrl, '--ip', '127.0.0.1', '--port', '0', '--hostname', '127.0.0.1',
      '--work-dir', path.join(this.dir.path, `agent-${i}`), '--resources', this.opts.resources ?? 'cpus:4;mem:4096;disk:4096;ports:[31000-31100]',
      ...(this.opts.agentArgs ?? []),
    ]);
    this.agents[i] = a;
    await a.waitForLog(['agent registered', 'agent reregistered'], 20_000);
    return a;
  }

  /** What master i says about itself (undefined when it does not answer). */
  async health(i: number): Promise<MasterHealth | undefined> {
    if (this.masters[i]?.exit) return undefined;
    try {
      const r = await fetch(`http://${this.masterAt(i)}/health`, { signal: AbortSignal.timeout(1_000) });
      return (await r.json()) as MasterHealth;
    } catch {
      return undefined;
    }
  }

  /** Waits for exactly one master to say it leads (among `among`), and returns its index. */
  async leader(opts: { timeoutMs?: number; among?: number[]; intervalMs?: number } = {}): Promise<number> {
    const among = opts.among ?? this.masters.map((_, i) => i);
    return waitFor(async () => {
      const hs = await Promise.all(among.map((i) => this.health(i)));
      const leading = among.filter((_, k) => hs[k]?.leading);
      return leading.length === 1 ? leading[0]! + 1 : 0; // +1: index 0 is truthy this way
    }, { timeoutMs: opts.timeoutMs ?? 15_000, intervalMs: opts.intervalMs ?? 20, what: 'one leading master' }).then((i) => i - 1);
  }

  /** /master/state through master i (a standby redirects to the leader; fetch follows). */
  async state(i?: number): Promise<StateJson & { leader_info: { id: string; address: string }; masters: { id: string; address: string; leading: boolean }[] }> {
    const at = i ?? (await this.leader());
    const r = await fetch(`http://${this.masterAt(at)}/master/state`);
    if (!r.ok) throw new Error(`GET /master/state: ${r.status} ${await r.text()}`);
    return (await r.json()) as never;
  }

  async waitForActiveAgents(n: number, timeoutMs = 20_000): Promise<void> {
    if (!n) return;
    await waitFor(async () => (await this.state()).slaves.filter((s) => s.active).length >= n, { what: `${n} active agents`, timeoutMs });
  }

  async stop(): Promise<void> {
    await Promise.all(this.agents.map((a) => a?.stop('SIGUSR1')));
    await Promise.all(this.masters.map((m) => m?.stop('SIGTERM')));
    await this.etcd?.stop();
    this.dir.remove();
  }
}
