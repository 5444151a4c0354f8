import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { taskInfo } from '@strata/sdk';
import { LocalCluster } from '../cluster';
import { TestFramework } from '../test-framework';
import { round, summary } from './stats';

function rawSpawn(): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const p = spawn('/bin/sh', ['-c', 'true'], { stdio: 'ignore' });
    p.once('error', reject);
    p.once('exit', () => resolve(performance.now() - t0));
  });
}

/**
 * End-to-end launch latency of a `true` task: ACCEPT sent -> TASK_FINISHED seen by the framework,
 * through a real master and agent; beside it, in the same run and interleaved so both see the
 * same machine noise, a raw child_process.spawn of the same command (`/bin/sh -c true`).
 */
export async function launchLatency(iterations: number) {
  const cluster = await LocalCluster.start({ agents: 1, resources: 'cpus:8;mem:8192;disk:1024;ports:[31000-31100]', agentArgs: (process.env.BENCH_AGENT_ARGS ?? '').split(' ').filter(Boolean) });
  const f = await TestFramework.subscribe(cluster.masterAddress, { name: 'bench' });
  const strata: number[] = [];
  const raw: number[] = [];
  try {
    const warmup = 20;
    for (let i = 0; i < iterations + warmup; i++) {
      const offer = await f.nextOffer();
      const id = `bench-${i}`;
      const done = new Promise<number>((resolve) => {
        const onUpdate = (s: { taskId?: { value: string } | null; state: string }) => {
          if (s.taskId?.value === id && s.state === 'TASK_FINISHED') {
            f.driver.off('update', onUpdate);
            resolve(performance.now());
          }
        };
        f.driver.on('update', onUpdate);
      });
      const t0 = performance.now();
      f.driver.launch([offer.id!.value], [taskInfo(offer, { id, command: 'true', cpus: 0.01, mem: 1 })], { refuseSeconds: 0 });
      const t1 = await done;
      const r = await rawSpawn();
      if (i >= warmup) {
        strata.push(t1 - t0);
        raw.push(r);
      }
    }
  } finally {
    f.close();
    await cluster.stop();
  }
  const s = summary(strata);
  const b = summary(raw);
  return {
    what: 'accept sent -> TASK_FINISHED seen by the framework, `/bin/sh -c true`',
    strata_ms: s,
    raw_spawn_ms: b,
    ratio_p50: round(s.p50 / b.p50, 2),
    ratio_p99: round(s.p99 / b.p99, 2),
    overhead_p50_ms: round(s.p50 - b.p50),
    overhead_p99_ms: round(s.p99 - b.p99),
    goal: 'overhead_p50_ms < 5',
    goal_met: s.p50 - b.p50 < 5,
  };
}
