import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { freePort } from '@strata/lib';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { waitFor, tmpDir } from '@strata/lib/testing';
import type { Offer__Output } from '@strata/proto';
import { SchedulerDriver, offerFilters, offerResources, taskInfo } from '@strata/sdk';
import { BINS, ServiceProcess } from '../processes';
import { round, summary } from './stats';

export const EMULATOR = path.resolve(BINS.master, '..', '..', '..', 'emulator', 'bin', 'strata-emulator.js');
const DURATION_LABEL = 'strata.emulator/duration_ms';
const AGENT_RESOURCES = 'cpus:8;mem:16384;disk:102400;ports:[31000-32000]';

export interface LoadPhase {
  name: string;
  frameworks: number;
  /** Tasks each framework keeps in flight, launching more as its tasks finish (Infinity: all it is offered). */
  tasksPerFramework: number;
  taskMs: number;
  warmupMs: number;
  /** Measure for this long, or until `untilPlaced` tasks are running. */
  measureMs: number;
  untilPlaced?: number;
  /**
   * Each framework launches its `tasksPerFramework` once, then needs nothing more: it SUPPRESSes
   * and declines what it holds, as Marathon does when its launch queue is empty. (Otherwise it
   * holds offers, for the tasks it will launch as others end.)
   */
  once?: boolean;
  /** Runs of the paper's overhead probe to make during the phase (see probeRuns). */
  probes?: number;
}

const rssMb = (pid: number) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : 0;
};

/** CPU time (user + system) a process has used, in seconds. */
const cpuS = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
};

/**
 * The master's metrics: the sum of every sample of `strata_master_<name>` whose labels include
 * `label` (all samples when none is given).
 */
export async function masterMetrics(address: string): Promise<(name: string, label?: string) => number> {
  const text = await (await fetch(`http://${address}/metrics`)).text();
  return (name, label) => {
    let sum = 0;
    for (const m of text.matchAll(new RegExp(`^strata_master_${name}(?:\\{([^}]*)\\})? ([\\d.e+-]+)$`, 'gm'))) {
      if (!label || (m[1] ?? '').includes(label)) sum += Number(m[2]);
    }
    return sum;
  };
}

export const connectedAgents = async (address: string) => (await masterMetrics(address))('agents', 'state="connected"');
export const activeTasks = async (address: string) => (await masterMetrics(address))('tasks');

/**
 * The paper's own measure, taken while the load runs: a fresh framework registers, waits for an
 * offer, launches one 1 s task and sees it finish; its overhead is the time beyond the task's 1 s
 * (registering, the offer, accepting, launching, the two updates). Runs one after another until
 * `count` are done or the phase ends; returns each run's overhead in ms.
 */
async function probeRuns(address: string, count: number, endsAt: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count && performance.now() < endsAt; i++) {
    const d = new SchedulerDriver({ master: address, framework: { name: `probe-${i}`, user: 'root', roles: ['*'] } });
    const started = performance.now();
    let launched = false;
    const done = new Promise<number>((resolve, reject) => {
      d.on('offers', (offers) => {
        // One DECLINE for all the offers it does not use, as a framework should (not one call each).
        const unused: string[] = [];
        for (const o of offers) {
          if (launched || (offerResources(o).scalars.cpus ?? 0) < 1) {
            unused.push(o.id!.value);
            continue;
          }
          launched = true;
          d.launch([o.id!.value], [{ ...taskInfo(o, { id: `probe-${i}`, command: 'true', cpus: 1, mem: 128 }), labels: { labels: [{ key: DURATION_LABEL, value: '1000' }] } }]);
        }
        // It needs nothing more: SUPPRESS, as a well-behaved framework does, or every free agent
        // would be offered to it in turn (a decline only filters the agents it names).
        if (launched) d.suppress();
        if (unused.length) d.decline(unused, { refuseSeconds: 60 });
      });
      d.on('update', (st) => {
        if (st.state === 'TASK_FINISHED') resolve(performance.now() - started - 1000);
        else if (st.state !== 'TASK_RUNNING') reject(new Error(`probe task ${st.state}: ${st.message}`));
      });
    });
    try {
      await d.subscribe(30_000);
      out.push(await done);
    } finally {
      d.teardown();
      d.close();
    }
  }
  return out;
}

/** The master's counters a phase reports the growth of. */
async function masterCounters(address: string): Promise<Record<string, number>> {
  const metric = await masterMetrics(address);
  const names = ['tasks_launched_total', 'offers_sent_total', 'offers_declined_total', 'offers_rescinded_total', 'allocation_seconds_count', 'allocation_seconds_sum'];
  return Object.fromEntries(names.map((n) => [n, metric(n)]));
}

/**
 * Frameworks that keep launching 1-cpu tasks into what they are offered. Per task it measures
 * accept -> TASK_RUNNING at the framework: the kernel's launch overhead, since an emulated task
 * starts in no time. Ends with TEARDOWN, which frees the cluster for the next phase.
 */
async function runPhase(address: string, masterPid: number, emulatorPids: number[], p: LoadPhase) {
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  // BENCH_SCALE_SAMPLES=<dir>: each phase's (time, overhead) samples go to <dir>/<agents>-<phase>.json, to see when outliers happen.
  const samples: [number, number][] | undefined = process.env.BENCH_SCALE_SAMPLES ? [] : undefined;
  let measuring = false;
  let placed = 0;
  let placedTotal = 0;
  let running = 0;
  let finished = 0;
  let failed = 0;
  let seq = 0;
  const drivers: SchedulerDriver[] = [];
  for (let f = 0; f < p.frameworks; f++) {
    // Its tasks need a cpu and 128 MB: it says so (offer_filters), and is not offered the memory
    // left beside fully used cpus, which it could only decline.
    const d = new SchedulerDriver({ master: address, framework: { name: `${p.name}-${f}`, user: 'root', roles: ['*'], offerFilters: offerFilters({ '*': [{ cpus: 1, mem: 128 }] }) } });
    let inFlight = 0;
    // Offers it has no room for are held, not declined: a capped framework that declined would have
    // every agent re-offered to it in turn (an offer/decline storm of agents x frameworks), which
    // measures the framework, not the kernel. Held offers are used as tasks end; the master's offer
    // timeout (30 s) takes back what stays unused, as Mesos's --offer_timeout does.
    const held = new Map<string, Offer__Output>();
    let leftovers: string[] = [];
    let launchedAll = false;
    const launchOn = (offer: Offer__Output): boolean => {
      const r = offerResources(offer);
      const cpus = Math.floor((r.scalars.cpus ?? 0) + 1e-9);
      const budget = p.untilPlaced === undefined ? Infinity : p.untilPlaced - placedTotal;
      const fit = Math.max(0, Math.min(p.tasksPerFramework - inFlight, budget, cpus, Math.floor((r.scalars.mem ?? 0) / 128)));
      if (fit === 0) {
        // Leftovers no task fits in (memory without cpus) go back, not to be seen again soon; so
        // does everything once a one-off framework has launched all it wanted.
        if (cpus === 0 || launchedAll) leftovers.push(offer.id!.value);
        return cpus === 0 || launchedAll;
      }
      const now = performance.now();
      const tasks = [];
      for (let i = 0; i < fit; i++) {
        const id = `${f}-${seq++}`;
        sentAt.set(id, now);
        tasks.push(taskInfo(offer, { id, command: 'true', cpus: 1, mem: 128, labels: { [DURATION_LABEL]: String(p.taskMs) } }));
      }
      inFlight += fit;
      placedTotal += fit;
      if (measuring) placed += fit;
      d.launch([offer.id!.value], tasks, { refuseSeconds: 1 });
      if (p.once && inFlight >= p.tasksPerFramework) {
        launchedAll = true;
        d.suppress();
        leftovers.push(...held.keys());
        held.clear();
      }
      return true;
    };
    const useHeld = () => {
      for (const [id, offer] of held) {
        if (inFlight >= p.tasksPerFramework) return;
        held.delete(id);
        launchOn(offer);
      }
      if (leftovers.length) d.decline(leftovers, { refuseSeconds: 60 });
      leftovers = [];
    };
    d.on('offers', (offers) => {
      for (const offer of offers) if (!launchOn(offer)) held.set(offer.id!.value, offer);
      if (leftovers.length) d.decline(leftovers, { refuseSeconds: 60 });
      leftovers = [];
    });
    d.on('rescind', (id) => held.delete(id));
    d.on('update', (s) => {
      const id = s.taskId!.value;
      if (s.state === 'TASK_RUNNING') {
        const t = sentAt.get(id);
        sentAt.delete(id);
        if (t !== undefined && measuring) {
          latencies.push(performance.now() - t);
          if (samples) samples.push([Math.round(performance.now()), Math.round(performance.now() - t)]);
          running++;
        }
        return;
      }
      inFlight--;
      if (s.state === 'TASK_FINISHED') {
        if (measuring) finished++;
      } else if (s.state !== 'TASK_KILLED') failed++;
      useHeld();
    });
    drivers.push(d);
  }
  try {
    let counters0: Record<string, number> = {};
    let t0 = 0;
    // Where the machine's CPU went during the phase: the master, the emulated agents, and this
    // process (the frameworks). Less noisy than a rate on a shared machine, and it says who to speed up.
    const cpuNow = () => ({ master: cpuS(masterPid), emulators: emulatorPids.reduce((a, pid) => a + cpuS(pid), 0), frameworks: process.cpuUsage() });
    let cpu0 = cpuNow();
    const begin = async () => {
      counters0 = await masterCounters(address);
      cpu0 = cpuNow();
      t0 = performance.now();
      measuring = true;
    };
    // Without a warmup (filling the cluster) the clock starts before the frameworks subscribe.
    if (p.warmupMs === 0) await begin();
    await Promise.all(drivers.map((d) => d.subscribe(60_000)));
    if (p.warmupMs > 0) {
      await new Promise((r) => setTimeout(r, p.warmupMs));
      await begin();
    }
    let rssPeak = rssMb(masterPid);
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMb(masterPid))), 500);
    const probes = p.probes ? probeRuns(address, p.probes, t0 + p.measureMs) : Promise.resolve([]);
    // Filling: when the master had placed them all (ACCEPTs validated, tasks recorded and sent to
    // agents), which comes before the frameworks have seen every TASK_RUNNING.
    let allPlacedS: number | undefined;
    const placedWatch = p.untilPlaced === undefined ? undefined : setInterval(async () => {
      if (allPlacedS !== undefined) return;
      const launched = (await masterMetrics(address))('tasks_launched_total') - counters0['tasks_launched_total']!;
      if (launched >= p.untilPlaced! && allPlacedS === undefined) allPlacedS = (performance.now() - t0) / 1000;
    }, 250);
    await waitFor(() => (p.untilPlaced !== undefined && running >= p.untilPlaced) || performance.now() - t0 >= p.measureMs, { timeoutMs: p.measureMs + 1_000, intervalMs: 20 });
    measuring = false;
    const probeExtra = await probes;
    if (samples) writeFileSync(path.join(process.env.BENCH_SCALE_SAMPLES!, `${p.name}-${Date.now()}.json`), JSON.stringify(samples));
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    clearInterval(placedWatch);
    // Placed within the last poll: the end is the honest bound.
    if (p.untilPlaced !== undefined && allPlacedS === undefined) allPlacedS = seconds;
    const cpu1 = cpuNow();
    const counters1 = await masterCounters(address);
    const delta = (k: string) => counters1[k]! - counters0[k]!;
    const launchedByMaster = delta('tasks_launched_total');
    const frameworkCpu = process.cpuUsage(cpu0.frameworks);
    const cpuSeconds = { master: cpu1.master - cpu0.master, emulators: cpu1.emulators - cpu0.emulators, frameworks: (frameworkCpu.user + frameworkCpu.system) / 1e6 };
    return {
      phase: p.name,
      frameworks: p.frameworks,
      tasks_in_flight_cap: Number.isFinite(p.tasksPerFramework) ? p.frameworks * p.tasksPerFramework : 'all offered',
      task_ms: p.taskMs,
      seconds: round(seconds, 1),
      launch_overhead_ms: summary(latencies),
      // Tasks the master placed (ACCEPT validated, recorded, sent to the agent) per second, and the
      // TASK_RUNNING the frameworks saw per second: the kernel's placement rate, and the whole loop's.
      placements_per_s: Math.round(launchedByMaster / seconds),
      framework_launches_per_s: Math.round(placed / seconds),
      ...(allPlacedS !== undefined ? { all_placed_s: round(allPlacedS, 2), placements_per_s_until_all_placed: Math.round(p.untilPlaced! / allPlacedS) } : {}),
      running_per_s: Math.round(running / seconds),
      finished_per_s: Math.round(finished / seconds),
      offers_per_s: Math.round(delta('offers_sent_total') / seconds),
      declined_offers_per_s: Math.round(delta('offers_declined_total') / seconds),
      rescinded_offers: delta('offers_rescinded_total'),
      allocation_passes_per_s: Math.round(delta('allocation_seconds_count') / seconds),
      allocation_pass_mean_ms: round((1000 * delta('allocation_seconds_sum')) / Math.max(1, delta('allocation_seconds_count')), 3),
      failed_tasks: failed,
      // How much the frameworks' streams batched: events per message received, calls per message sent.
      framework_stream: (() => {
        const t = drivers.map((d) => d.stats()).reduce((a, s) => ({ messagesIn: a.messagesIn + s.messagesIn, eventsIn: a.eventsIn + s.eventsIn, messagesOut: a.messagesOut + s.messagesOut, callsOut: a.callsOut + s.callsOut }));
        return { events_per_message: round(t.eventsIn / Math.max(1, t.messagesIn), 2), calls_per_message: round(t.callsOut / Math.max(1, t.messagesOut), 2) };
      })(),
      cpu_s: Object.fromEntries(Object.entries(cpuSeconds).map(([k, v]) => [k, round(v, 2)])),
      // CPU microseconds each placement cost, per process: the figure to compare between versions.
      cpu_us_per_placement: Object.fromEntries(Object.entries(cpuSeconds).map(([k, v]) => [k, Math.round((1e6 * v) / Math.max(1, launchedByMaster))])),
      master_rss_peak_mb: rssPeak,
      ...(p.probes ? { paper_overhead_ms: { runs: probeExtra.length, mean: round(probeExtra.reduce((a, b) => a + b, 0) / Math.max(1, probeExtra.length), 1), max: round(Math.max(0, ...probeExtra), 1) } } : {}),
    };
  } finally {
    for (const d of drivers) d.teardown();
    await new Promise((r) => setTimeout(r, 200)); // let the TEARDOWN calls leave before the streams close
    for (const d of drivers) d.close();
  }
}

/**
 * The Mesos paper's scalability experiment through the real master: `agents` emulated agents
 * (real gRPC agent channel, no processes, spread over emulator processes) and the load phases in
 * turn. Reports registration time, each phase's figures and the master's RSS.
 */
export async function scaleRun(agents: number, phases: LoadPhase[], agentsPerEmulator = 25_000) {
  const dir = tmpDir('strata-scale-');
  const port = await freePort();
  // BENCH_MASTER_ARGS: extra master flags, e.g. `--max-offers-per-framework 0` (no cap, as Mesos).
  const masterArgs = ['--ip', '127.0.0.1', '--port', String(port), '--work-dir', dir.path, '--allocator', 'hierarchical', '--agent-ping-timeout', '15', ...(process.env.BENCH_MASTER_ARGS ?? '').split(' ').filter(Boolean)];
  const master = startService('master', BINS.master, masterArgs, process.env.BENCH_MASTER_NODE_ARGS);
  const emulators: ServiceProcess[] = [];
  try {
    const address = `127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`http://${address}/master/health`)).ok, { timeoutMs: 15_000, what: 'master health' });
    const started = performance.now();
    for (let i = 0, left = agents; left > 0; i++, left -= agentsPerEmulator) {
      const n = Math.min(agentsPerEmulator, left);
      emulators.push(startService(`emulator-${i}`, EMULATOR, ['--master', address, '--agents', String(n), '--host-prefix', `emu${i}`, '--resources', AGENT_RESOURCES], `--expose-gc ${process.env.BENCH_EMULATOR_NODE_ARGS ?? ''}`));
    }
    await waitFor(async () => (await connectedAgents(address)) === agents, { timeoutMs: 900_000, intervalMs: 500, what: `${agents} agents connected` });
    const registerS = round((performance.now() - started) / 1000, 1);
    const rssIdle = rssMb(master.pid);
    const results = [];
    for (const p of phases) {
      results.push(await runPhase(address, master.pid, emulators.map((e) => e.pid), p));
      // The torn-down frameworks' tasks are killed; the next phase starts on an idle cluster.
      await waitFor(async () => (await activeTasks(address)) === 0, { timeoutMs: 120_000, intervalMs: 200, what: 'no tasks left' });
    }
    return { agents, agent_resources: AGENT_RESOURCES, register_all_agents_s: registerS, master_rss_mb_after_registration: rssIdle, phases: results };
  } finally {
    await Promise.all(emulators.map((e) => e.stop()));
    await master.stop();
    rmSync(dir.path, { recursive: true, force: true });
  }
}

/**
 * A service at log level warn. `nodeArgs` (BENCH_MASTER_NODE_ARGS, BENCH_EMULATOR_NODE_ARGS): node
 * flags for it, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` for a V8 profile when it stops.
 */
export function startService(name: string, bin: string, args: string[], nodeArgs = ''): ServiceProcess {
  const flags = nodeArgs.split(' ').filter(Boolean);
  // ServiceProcess runs `node <first> <rest...>`: node flags go before the script.
  return flags.length
    ? ServiceProcess.start(name, flags[0]!, [...flags.slice(1), bin, ...args], { STRATA_LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn' })
    : ServiceProcess.start(name, bin, args, { STRATA_LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn' });
}


/** Standard phases: a moderate load (the overhead the paper plots), churn at saturation, and filling the cluster with long tasks. */
export function standardPhases(opts: { measureMs: number; fillTasks: number }): LoadPhase[] {
  return [
    // The warmup lets the subscription burst pass (every framework offered up to 1,000 agents at
    // once, for a few seconds at 20,000+ agents): what is measured is the steady state.
    { name: 'moderate', frameworks: 20, tasksPerFramework: 10, taskMs: 1_000, warmupMs: 10_000, measureMs: opts.measureMs, probes: Number(process.env.BENCH_SCALE_PROBES ?? 5) },
    { name: 'churn', frameworks: 20, tasksPerFramework: 500, taskMs: 1_000, warmupMs: 10_000, measureMs: opts.measureMs },
    // Twenty frameworks with a share of the fill each, launched as fast as they are offered room.
    { name: 'fill', frameworks: 20, tasksPerFramework: Math.ceil(opts.fillTasks / 20), once: true, taskMs: 3_600_000, warmupMs: 0, measureMs: 120_000, untilPlaced: opts.fillTasks },
  ];
}

export async function scaleBench(agentCounts: number[], opts: { measureMs: number; fillTasks: number; phases?: string[] }) {
  const out = [];
  const only = opts.phases;
  const phases = standardPhases(opts).filter((p) => !only || only.includes(p.name));
  for (const agents of agentCounts) out.push(await scaleRun(agents, phases));
  return out;
}
