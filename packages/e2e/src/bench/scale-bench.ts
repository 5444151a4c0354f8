import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { waitFor, tmpDir } from '@strata/lib/testing';
import { SchedulerDriver, offerResources, taskInfo } from '@strata/sdk';
import { BINS, ServiceProcess } from '../processes';
import { round, summary } from './stats';

const EMULATOR = path.resolve(BINS.master, '..', '..', '..', 'emulator', 'bin', 'strata-emulator.js');
const DURATION_LABEL = 'strata.emulator/duration_ms';

export interface ScaleBenchOptions {
  agents: number;
  frameworks: number;
  /** Tasks each framework keeps in flight: it launches more as its tasks finish. */
  tasksPerFramework: number;
  taskMs: number;
  warmupMs: number;
  measureMs: number;
  /** Agents per emulator process. */
  agentsPerEmulator?: number;
}

const rssMb = (pid: number) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : 0;
};

async function connectedAgents(address: string): Promise<number> {
  const text = await (await fetch(`http://${address}/metrics`)).text();
  const m = /strata_master_agents\{[^}]*state="connected"[^}]*\} (\d+)/.exec(text);
  return m ? Number(m[1]) : 0;
}

/**
 * The Mesos paper's scalability experiment through the real master: emulated agents (real gRPC
 * agent channel, no processes) and frameworks that keep launching short tasks. Measures, per
 * task, accept -> TASK_RUNNING at the framework (the kernel's launch overhead: the emulated task
 * starts in no time), placements per second, and the master's RSS.
 */
export async function scaleRun(o: ScaleBenchOptions) {
  const dir = tmpDir('strata-scale-');
  const masterArgs = ['--ip', '127.0.0.1', '--port', '0', '--work-dir', dir.path, '--allocator', 'hierarchical', '--agent-ping-timeout', '15'];
  // BENCH_MASTER_NODE_ARGS: node flags for the master, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (a V8 profile on stop).
  const nodeArgs = (process.env.BENCH_MASTER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const master = nodeArgs.length
    ? ServiceProcess.start('master', nodeArgs[0]!, [...nodeArgs.slice(1), BINS.master, ...masterArgs], { STRATA_LOG_LEVEL: 'info' })
    : ServiceProcess.start('master', BINS.master, masterArgs, { STRATA_LOG_LEVEL: 'info' });
  const emulators: ServiceProcess[] = [];
  const drivers: SchedulerDriver[] = [];
  try {
    const port = (await master.waitForLog('master listening')).port as number;
    const address = `127.0.0.1:${port}`;
    const started = performance.now();
    const per = o.agentsPerEmulator ?? 25_000;
    for (let i = 0, left = o.agents; left > 0; i++, left -= per) {
      const n = Math.min(per, left);
      const child = ServiceProcess.start(`emulator-${i}`, EMULATOR, ['--master', address, '--agents', String(n), '--host-prefix', `emu${i}`, '--resources', 'cpus:8;mem:16384;disk:102400;ports:[31000-32000]'], { STRATA_LOG_LEVEL: 'warn' });
      emulators.push(child);
    }
    await waitFor(async () => (await connectedAgents(address)) === o.agents, { timeoutMs: 600_000, intervalMs: 500, what: `${o.agents} agents connected` });
    const registerMs = performance.now() - started;
    const rssIdle = rssMb(master.pid);

    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    let measuring = false;
    let placed = 0;
    let finished = 0;
    let errors = 0;
    let seq = 0;
    for (let f = 0; f < o.frameworks; f++) {
      const d = new SchedulerDriver({ master: address, framework: { name: `scale-${f}`, user: 'root', roles: ['*'] } });
      let inFlight = 0;
      d.on('offers', (offers) => {
        for (const offer of offers) {
          const room = o.tasksPerFramework - inFlight;
          if (room <= 0) {
            d.decline([offer.id!.value], { refuseSeconds: 1 });
            continue;
          }
          const r = offerResources(offer);
          const fit = Math.min(room, Math.floor((r.scalars.cpus ?? 0) / 1), Math.floor((r.scalars.mem ?? 0) / 128));
          const tasks = [];
          const now = performance.now();
          for (let i = 0; i < fit; i++) {
            const id = `t${seq++}`;
            sentAt.set(id, now);
            tasks.push({ ...taskInfo(offer, { id, command: 'true', cpus: 1, mem: 128 }), labels: { labels: [{ key: DURATION_LABEL, value: String(o.taskMs) }] } });
          }
          inFlight += fit;
          if (measuring) placed += fit;
          if (tasks.length) d.launch([offer.id!.value], tasks, { refuseSeconds: 1 });
          else d.decline([offer.id!.value], { refuseSeconds: 1 });
        }
      });
      d.on('update', (s) => {
        const id = s.taskId!.value;
        if (s.state === 'TASK_RUNNING') {
          const t = sentAt.get(id);
          if (t !== undefined && measuring) latencies.push(performance.now() - t);
          sentAt.delete(id);
          return;
        }
        if (s.state === 'TASK_FINISHED') {
          inFlight--;
          if (measuring) finished++;
        } else {
          inFlight--;
          errors++;
        }
      });
      drivers.push(d);
    }
    await Promise.all(drivers.map((d) => d.subscribe(60_000)));
    await new Promise((r) => setTimeout(r, o.warmupMs));
    measuring = true;
    const t0 = performance.now();
    let rssPeak = rssMb(master.pid);
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMb(master.pid))), 500);
    await new Promise((r) => setTimeout(r, o.measureMs));
    measuring = false;
    clearInterval(sampler);
    const seconds = (performance.now() - t0) / 1000;
    return {
      agents: o.agents,
      frameworks: o.frameworks,
      tasks_in_flight: o.frameworks * o.tasksPerFramework,
      task_ms: o.taskMs,
      register_all_agents_s: round(registerMs / 1000, 1),
      launch_overhead_ms: summary(latencies),
      placements_per_s: Math.round(placed / seconds),
      finished_per_s: Math.round(finished / seconds),
      non_finished_tasks: errors,
      master_rss_mb: { idle_after_registration: rssIdle, peak_under_load: rssPeak },
    };
  } finally {
    for (const d of drivers) d.close();
    await Promise.all(emulators.map((e) => e.stop()));
    await master.stop();
    rmSync(dir.path, { recursive: true, force: true });
  }
}

export async function scaleBench(agentCounts: number[], base: Omit<ScaleBenchOptions, 'agents'>) {
  const out = [];
  for (const agents of agentCounts) out.push(await scaleRun({ ...base, agents }));
  return out;
}
