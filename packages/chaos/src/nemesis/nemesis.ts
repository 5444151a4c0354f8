import type { ChaosCluster } from '../cluster/chaos-cluster';
import type { HostProcess } from '../hosts/host-process';
import type { History } from '../history/history';
import { killNamespaceProcesses } from '../hosts/host-network';
import type { PlannedFault } from './plan';

/**
 * Carries out a fault plan against a ChaosCluster, writing each fault and its heal to the
 * history. One fault at a time; `healAll` at the end undoes whatever is still in force.
 */
export class Nemesis {
  private stopped = false;

  constructor(
    private readonly cluster: ChaosCluster,
    private readonly history: History,
    private readonly sleep: (ms: number) => Promise<void>,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  async run(plan: readonly PlannedFault[]): Promise<void> {
    const t0 = Date.now();
    for (const f of plan) {
      if (this.stopped) return;
      const wait = t0 + f.atMs - Date.now();
      if (wait > 0) await this.sleep(wait);
      if (this.stopped) return;
      await this.apply(f);
    }
  }

  stop(): void {
    this.stopped = true;
  }

  private async apply(f: PlannedFault): Promise<void> {
    const c = this.cluster;
    switch (f.kind) {
      case 'kill': {
        const p = c.process(f.target!);
        return this.around(f, [p.name], `SIGKILL, restart after ${f.durationMs} ms`, () => p.kill('SIGKILL'), async () => p.start());
      }
      case 'kill-leader': {
        const p = await this.leaderOf(f.target!);
        if (!p) {
          this.history.fault(f.kind, [f.target!], 'no leader found: nothing killed').healedAt = Date.now();
          return;
        }
        return this.around(f, [p.name], `the ${f.target} leader, SIGKILL, restart after ${f.durationMs} ms`, () => p.kill('SIGKILL'), async () => p.start());
      }
      case 'pause': {
        const p = c.process(f.target!);
        return this.around(f, [p.name], `SIGSTOP for ${f.durationMs} ms`, async () => p.pause(), async () => p.resume());
      }
      case 'partition-isolate': {
        const others = c.hosts.map((h) => h.name).filter((h) => h !== f.target);
        return this.around(f, [f.target!], `${f.target} cut off from ${others.join(',')}`, () => c.net.partition([others]), () => c.net.heal());
      }
      case 'partition-halves':
      case 'partition-bridge':
        return this.around(f, f.groups!.flat(), f.groups!.map((g) => g.join(',')).join(' | '), () => c.net.partition(f.groups!), () => c.net.heal());
      case 'host-down': {
        const procs = c.onHost(f.target!);
        const netns = c.net.host(f.target!).netns;
        return this.around(f, [f.target!], `every process on ${f.target} (and its tasks) SIGKILLed, back after ${f.durationMs} ms`, async () => {
          await Promise.all(procs.map((p) => p.kill('SIGKILL')));
          killNamespaceProcesses(netns); // the tasks too: a host that loses power loses them
        }, async () => {
          for (const role of ['etcd', 'master', 'agent', 'marathon', 'chronos']) for (const p of procs.filter((x) => x.spec.role === role)) p.start();
        });
      }
    }
  }

  private async around(f: PlannedFault, targets: string[], detail: string, start: () => Promise<void>, heal: () => Promise<void>): Promise<void> {
    const e = this.history.fault(f.kind, targets, detail);
    this.log(`nemesis: ${f.kind} ${targets.join(',')}: ${detail}`);
    await start();
    await this.sleep(f.durationMs);
    await heal();
    this.history.healed(e);
    this.log(`nemesis: healed ${f.kind} ${targets.join(',')}`);
  }

  /** The process that leads `role` now, as the role's own API names it. */
  async leaderOf(role: string): Promise<HostProcess | undefined> {
    const c = this.cluster;
    const byAddress = (addr: string | undefined) => c.byRole(role).find((p) => addr && addr.split(':')[0] === p.spec.host.address);
    for (const p of c.byRole(role).filter((x) => x.running && !x.isPaused)) {
      const path = role === 'master' ? '/health' : role === 'marathon' ? '/v2/leader' : '/v1/scheduler/leader';
      try {
        const r = await fetch(c.base(p) + path, { signal: AbortSignal.timeout(2_000) });
        if (!r.ok) continue;
        const body = (await r.json()) as { leader?: string | null };
        const found = byAddress(body.leader ?? undefined);
        if (found) return found;
      } catch {
        // that one does not answer: ask another
      }
    }
    return undefined;
  }

  /** Undoes everything: the network joined, paused processes continued, dead ones started. */
  async healAll(): Promise<void> {
    await this.cluster.net.heal();
    for (const p of this.cluster.processes) {
      if (p.isPaused) p.resume();
      if (!p.running) p.start();
    }
  }
}
