// `npm run bench`: every benchmark prints one JSON document; figures are compared with a baseline
// measured in the same process (ratios), because these machines are noisy.
import { launchLatency } from './launch-latency';
import { recoveryTimes } from './recovery';
import { dockerLatency } from './docker-latency';
import { marathonScale } from './marathon-scale';
import { chronosBench } from './chronos-bench';
import { allocatorBench } from './allocator-bench';
import { scaleBench } from './scale-bench';
import { haBench } from './ha-bench';
import { haRecovery } from './ha-recovery';
import { reregistrationBench } from './reregistration-bench';
import { uiBench } from './ui-bench';
import { securityBench } from './security-bench';

async function main(): Promise<void> {
  const only = process.argv[2];
  const results: Record<string, unknown> = { machine: { cpus: require('node:os').availableParallelism(), node: process.version }, at: new Date().toISOString() };
  if (!only || only === 'allocator') results.allocator = allocatorBench();
  if (!only || only === 'launch') results.launch_latency = await launchLatency(Number(process.env.BENCH_ITERATIONS ?? 300));
  if (!only || only === 'docker') results.docker_launch_latency = await dockerLatency(Number(process.env.BENCH_DOCKER_ITERATIONS ?? 50));
  if (!only || only === 'recovery') results.recovery = await recoveryTimes();
  if (!only || only === 'chronos') {
    // 1,000 jobs every 20 s (50 runs/s) is within what this 2-core machine launches and reaps; every 5 s (200 runs/s) is past it, and shows how lateness grows then.
    results.chronos = await chronosBench({ jobs: Number(process.env.BENCH_CHRONOS_JOBS ?? 1000), periodSeconds: Number(process.env.BENCH_CHRONOS_PERIOD ?? 20), runSeconds: 40, stored: Number(process.env.BENCH_CHRONOS_STORED ?? 50_000) });
  }
  if (!only || only === 'marathon') results.marathon = await marathonScale({ instances: Number(process.env.BENCH_MARATHON_INSTANCES ?? 1000), rolling: 200, apps: 1000 });
  if (!only || only === 'scale') {
    // The Mesos paper's experiment through the real master: 5,000 / 20,000 / 50,000 emulated agents.
    const agents = (process.env.BENCH_SCALE_AGENTS ?? '5000,20000,50000').split(',').map(Number);
    results.scale = await scaleBench(agents, { measureMs: Number(process.env.BENCH_SCALE_MEASURE_MS ?? 15_000), fillTasks: Number(process.env.BENCH_SCALE_FILL_TASKS ?? 40_000), phases: process.env.BENCH_SCALE_PHASES?.split(',') });
  }
  if (!only || only === 'ha') {
    results.ha = await haBench({ kills: Number(process.env.BENCH_HA_KILLS ?? 20), leaseTtl: Number(process.env.BENCH_HA_LEASE_TTL ?? 1), instances: Number(process.env.BENCH_HA_INSTANCES ?? 1000), launches: Number(process.env.BENCH_HA_LAUNCHES ?? 100) });
  }
  if (!only || only === 'reregistration') {
    // The master's own part of ha-recovery's storm, in-process: no gRPC, no etcd, no emulator sharing the cores.
    results.reregistration = await reregistrationBench({ agents: Number(process.env.BENCH_HA_AGENTS ?? 40_000), tasksPerAgent: Number(process.env.BENCH_HA_TASKS_PER_AGENT ?? 10) });
  }
  if (!only || only === 'ha-recovery') {
    results.ha_recovery = await haRecovery({ agents: Number(process.env.BENCH_HA_AGENTS ?? 40_000), tasksPerAgent: Number(process.env.BENCH_HA_TASKS_PER_AGENT ?? 10) });
  }
  if (!only || only === 'ui') {
    // DC/OS's UI at its stated load: 1,000 apps, 10,000 tasks (on emulated agents).
    results.ui = await uiBench({ apps: Number(process.env.BENCH_UI_APPS ?? 1000), perApp: Number(process.env.BENCH_UI_TASKS_PER_APP ?? 10) });
  }
  if (!only || only === 'security') {
    results.security = await securityBench({ launches: Number(process.env.BENCH_SECURITY_LAUNCHES ?? 200), gets: Number(process.env.BENCH_SECURITY_GETS ?? 300), apps: Number(process.env.BENCH_SECURITY_APPS ?? 200) });
  }
  process.stdout.write(JSON.stringify(results, null, 2) + '\n');
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
