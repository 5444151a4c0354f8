import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import { CommandError, sh, shSyncQuiet } from './sh';

/** One "host": a network namespace with its own address on the run's bridge. */
export interface Host {
  name: string;
  /** The namespace (`ip netns exec <netns> …`). */
  netns: string;
  address: string;
}

export interface HostNetworkOptions {
  hosts: number;
  /** Prefix of every name this run creates (namespaces, links): a sweep finds leftovers by it. */
  prefix?: string;
}

const PREFIX = 'stc';
const CHAIN = 'STRATA-CHAOS';

/**
 * The hosts of a chaos run: network namespaces joined by veth pairs to one bridge in the root
 * namespace, which holds the harness's own address (.254) so the harness reaches every host.
 * Partitions are iptables DROP rules in each namespace's own chain (the harness is never cut
 * off). Traffic goes only to the addresses made here. Everything made is removed by `destroy`;
 * names carry the creating process id, so `sweep` removes what a killed run left behind.
 */
export class HostNetwork {
  readonly hosts: Host[] = [];
  readonly bridge: string;
  readonly subnet: string;
  private forwardRule?: string[];
  private destroyed = false;
  private readonly onExit = () => this.destroySync();

  private constructor(readonly id: string, subnetIndex: number) {
    this.bridge = `${id}br`;
    this.subnet = `10.213.${subnetIndex}`;
  }

  get harnessAddress(): string {
    return `${this.subnet}.254`;
  }

  static async create(opts: HostNetworkOptions): Promise<HostNetwork> {
    await HostNetwork.requireSupport();
    await HostNetwork.sweep();
    const id = `${opts.prefix ?? PREFIX}${process.pid}`;
    const net = new HostNetwork(id, await freeSubnet());
    process.once('exit', net.onExit);
    try {
      await net.build(opts.hosts);
    } catch (err) {
      await net.destroy();
      throw err;
    }
    return net;
  }

  /** Namespaces need root and iproute2 (and iptables for partitions): say so plainly, never skip. */
  static async requireSupport(): Promise<void> {
    const probe = `${PREFIX}probe${process.pid}`;
    try {
      await sh('ip', ['netns', 'add', probe]);
      await sh('ip', ['netns', 'exec', probe, 'iptables', '-S']);
    } catch (err) {
      const why = err instanceof CommandError ? err.stderr.trim() : (err as Error).message;
      throw new Error(`a chaos run needs network namespaces (root, iproute2 and iptables: bash tools/install-system-deps.sh); they are not available here: ${why}`);
    } finally {
      shSyncQuiet('ip', ['netns', 'del', probe]);
    }
  }

  /** Removes namespaces and links left by runs whose process is gone (a crash, a SIGKILL). */
  static async sweep(prefix = PREFIX): Promise<string[]> {
    const removed: string[] = [];
    const dead = (name: string) => {
      const m = new RegExp(`^${prefix}(\\d+)`).exec(name);
      if (!m) return false;
      const pid = Number(m[1]);
      if (pid === process.pid) return false;
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    };
    const namespaces = (await sh('ip', ['netns', 'list']).catch(() => '')).split('\n').map((l) => l.split(' ')[0]!).filter(Boolean);
    for (const ns of namespaces.filter(dead)) {
      killNamespaceProcesses(ns);
      shSyncQuiet('ip', ['netns', 'del', ns]);
      removed.push(ns);
    }
    const links = (await sh('ip', ['-o', 'link', 'show']).catch(() => '')).split('\n').map((l) => l.split(':')[1]?.trim().split('@')[0] ?? '').filter(Boolean);
    for (const link of links.filter(dead)) {
      if (link.endsWith('br')) removeForwardRule(link);
      shSyncQuiet('ip', ['link', 'del', link]);
      removed.push(link);
    }
    return removed;
  }

  private async build(n: number): Promise<void> {
    await sh('ip', ['link', 'add', this.bridge, 'type', 'bridge']);
    await sh('ip', ['addr', 'add', `${this.harnessAddress}/24`, 'dev', this.bridge]);
    await sh('ip', ['link', 'set', this.bridge, 'up']);
    // With br_netfilter loaded (Docker's), bridged frames cross the FORWARD chain, whose policy
    // Docker sets to DROP: let this bridge's own traffic through.
    this.forwardRule = ['FORWARD', '-i', this.bridge, '-o', this.bridge, '-j', 'ACCEPT'];
    await sh('iptables', ['-I', ...this.forwardRule]);
    for (let i = 1; i <= n; i++) {
      const host: Host = { name: `h${i}`, netns: `${this.id}-h${i}`, address: `${this.subnet}.${i}` };
      const veth = `${this.id}v${i}`;
      await sh('ip', ['netns', 'add', host.netns]);
      this.hosts.push(host);
      await sh('ip', ['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', host.netns]);
      await sh('ip', ['link', 'set', veth, 'master', this.bridge, 'up']);
      const inNs = (...args: string[]) => sh('ip', ['netns', 'exec', host.netns, ...args]);
      await inNs('ip', 'addr', 'add', `${host.address}/24`, 'dev', 'eth0');
      await inNs('ip', 'link', 'set', 'eth0', 'up');
      await inNs('ip', 'link', 'set', 'lo', 'up');
      await inNs('iptables', '-N', CHAIN);
      await inNs('iptables', '-A', 'INPUT', '-j', CHAIN);
    }
  }

  host(name: string): Host {
    const h = this.hosts.find((x) => x.name === name);
    if (!h) throw new Error(`no host '${name}' (hosts: ${this.hosts.map((x) => x.name).join(', ')})`);
    return h;
  }

  /**
   * Cuts the network into components: each host receives only from hosts that share a group
   * with it (a host in two groups is the bridge of a bridge partition). Hosts in no group are
   * isolated. Replaces any partition in place.
   */
  async partition(groups: string[][]): Promise<void> {
    for (const h of this.hosts) {
      const peers = new Set(groups.filter((g) => g.includes(h.name)).flat());
      const cut = this.hosts.filter((o) => o !== h && !peers.has(o.name));
      await sh('ip', ['netns', 'exec', h.netns, 'iptables', '-F', CHAIN]);
      for (const o of cut) await sh('ip', ['netns', 'exec', h.netns, 'iptables', '-A', CHAIN, '-s', o.address, '-j', 'DROP']);
    }
  }

  async heal(): Promise<void> {
    for (const h of this.hosts) await sh('ip', ['netns', 'exec', h.netns, 'iptables', '-F', CHAIN]);
  }

  /** The DROP rules now in force, per host (for tests and the report). */
  async rules(): Promise<Record<string, string[]>> {
    const out: Record<string, string[]> = {};
    for (const h of this.hosts) {
      const text = await sh('ip', ['netns', 'exec', h.netns, 'iptables', '-S', CHAIN]);
      out[h.name] = text.split('\n').filter((l) => l.includes('-j DROP')).map((l) => /-s (\S+?)(\/32)? /.exec(l)?.[1] ?? l);
    }
    return out;
  }

  /** Removes every namespace, link and rule this network made; processes still in a namespace are killed first. */
  async destroy(): Promise<void> {
    this.destroySync();
  }

  private destroySync(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    process.removeListener('exit', this.onExit);
    for (const h of this.hosts) {
      killNamespaceProcesses(h.netns);
      shSyncQuiet('ip', ['netns', 'del', h.netns]); // its end of the veth goes with it, and so the pair
    }
    for (let i = 1; i <= this.hosts.length; i++) shSyncQuiet('ip', ['link', 'del', `${this.id}v${i}`]);
    if (this.forwardRule) shSyncQuiet('iptables', ['-D', ...this.forwardRule]);
    shSyncQuiet('ip', ['link', 'del', this.bridge]);
  }
}

/** SIGKILLs every process whose network namespace is `netns` (a namespace is not freed while one holds it). */
export function killNamespaceProcesses(netns: string): void {
  const r = spawnSync('ip', ['netns', 'pids', netns], { encoding: 'utf8' });
  const pids = (r.stdout ?? '').split(/\s+/).filter(Boolean);
  for (const pid of pids) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

function removeForwardRule(bridge: string): void {
  shSyncQuiet('iptables', ['-D', 'FORWARD', '-i', bridge, '-o', bridge, '-j', 'ACCEPT']);
}

/** A /24 under 10.213.0.0/16 that no interface here uses yet (two runs at once get two). */
async function freeSubnet(): Promise<number> {
  const used = new Set<number>();
  for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) {
    const m = /^10\.213\.(\d+)\./.exec(a.address);
    if (m) used.add(Number(m[1]));
  }
  const start = process.pid % 250;
  for (let k = 0; k < 250; k++) {
    const i = ((start + k) % 250) + 1;
    if (!used.has(i)) return i;
  }
  throw new Error('no free subnet under 10.213.0.0/16 for the chaos hosts');
}
