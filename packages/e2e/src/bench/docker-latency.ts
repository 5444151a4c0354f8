import { performance } from 'node:perf_hooks';
import Docker from 'dockerode';
import { taskInfo } from '@strata/sdk';
import { waitFor } from '@strata/lib/testing';
import { LocalCluster } from '../cluster';
import { TestFramework } from '../test-framework';
import { ensureTestImage, TEST_IMAGE } from '../docker-images';
import { round, summary } from './stats';

/**
 * Launch latency of a DOCKER task (ACCEPT sent -> TASK_RUNNING seen by the framework) beside a raw
 * dockerode create + start of the same image with the same limits, interleaved in one run.
 */
export async function dockerLatency(iterations: number) {
  const docker = new Docker();
  await ensureTestImage(docker);
  const cluster = await LocalCluster.start({ agents: 1, resources: 'cpus:8;mem:8192;disk:1024;ports:[31000-31100]' });
  const f = await TestFramework.subscribe(cluster.masterAddress, { name: 'bench-docker' });
  const strata: number[] = [];
  const raw: number[] = [];
  try {
    const warmup = 5;
    for (let i = 0; i < iterations + warmup; i++) {
      const offer = await f.nextOffer();
      const id = `dbench-${i}`;
      const t0 = performance.now();
      f.driver.launch([offer.id!.value], [taskInfo(offer, { id, command: 'sleep 60', cpus: 0.1, mem: 32, container: { type: 'DOCKER', docker: { image: TEST_IMAGE, network: 'HOST' } } })], { refuseSeconds: 0 });
      await f.waitForState(id, 'TASK_RUNNING', 30_000);
      const t1 = performance.now();
      f.driver.kill(id, offer.agentId!.value, 0);
      await f.waitForState(id, 'TASK_KILLED', 30_000);
      // Same conditions for both: the baseline removes its container before the next start, so wait for ours to go too.
      await waitFor(async () => (await docker.listContainers({ all: true, filters: { label: [`strata.task_id=${id}`] } })).length === 0, { what: 'container removed' });

      const r0 = performance.now();
      const c = await docker.createContainer({ Image: TEST_IMAGE, Cmd: ['/bin/sh', '-c', 'sleep 60'], HostConfig: { NetworkMode: 'host', CpuShares: 102, Memory: 32 << 20, MemorySwap: 32 << 20 } });
      await c.start();
      const r1 = performance.now();
      await c.remove({ force: true });
      if (i >= warmup) {
        strata.push(t1 - t0);
        raw.push(r1 - r0);
      }
    }
  } finally {
    f.close();
    await cluster.stop();
  }
  const s = summary(strata);
  const b = summary(raw);
  return {
    what: 'DOCKER task: accept sent -> TASK_RUNNING seen by the framework, vs dockerode create+start',
    strata_ms: s,
    raw_dockerode_ms: b,
    ratio_p50: round(s.p50 / b.p50, 3),
    ratio_p99: round(s.p99 / b.p99, 3),
    goal: 'ratio_p50 <= 1.15',
    goal_met: s.p50 / b.p50 <= 1.15,
  };
}
