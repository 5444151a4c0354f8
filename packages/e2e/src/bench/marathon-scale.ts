import { performance } from 'node:perf_hooks';
import { waitFor } from '@strata/lib/testing';
import { LocalCluster } from '../cluster';
import { MarathonProcess } from '../marathon-process';
import { round, summary } from './stats';

/**
 * Marathon figures on the local cluster: scale one app 0 -> N sleeping instances (time to all
 * RUNNING, and to the deployment's end), a rolling upgrade of `rolling` instances, and the
 * latency of GET /v2/apps?embed=apps.tasks with `apps` apps defined.
 */
export async function marathonScale(opts: { instances: number; rolling: number; apps: number }) {
  const cluster = await LocalCluster.start({ agents: 2, resources: 'cpus:32;mem:65536;disk:1024;ports:[31000-32000]' });
  const m = await MarathonProcess.start(cluster);
  const out: Record<string, unknown> = {};
  const counts = async (id: string) => {
    const t = (await m.call('GET', `/v2/apps${id}/tasks`)).body.tasks as { state: string; version: string }[];
    return { running: t.filter((x) => x.state === 'TASK_RUNNING').length, total: t.length };
  };
  const deploying = async (id: string) => (await m.deployments()).some((d) => d.affectedApps.includes(id));
  try {
    await m.call('POST', '/v2/apps', { id: '/bench/scale', cmd: 'sleep 3600', cpus: 0.01, mem: 1, instances: 0, portDefinitions: [] });
    await waitFor(async () => !(await deploying('/bench/scale')), { what: 'the empty app' });
    const t0 = performance.now();
    await m.call('PUT', '/v2/apps/bench/scale', { instances: opts.instances });
    await waitFor(async () => (await counts('/bench/scale')).running === opts.instances, { timeoutMs: 300_000, intervalMs: 50, what: `${opts.instances} running` });
    const allRunning = performance.now() - t0;
    await waitFor(async () => !(await deploying('/bench/scale')), { timeoutMs: 60_000, intervalMs: 20, what: 'deployment end' });
    const deployed = performance.now() - t0;
    out.scale_up = { instances: opts.instances, all_running_ms: round(allRunning, 0), deployment_success_ms: round(deployed, 0), goal: 'all running within 10,000 ms', goal_met: allRunning < 10_000 };
    await m.call('PUT', '/v2/apps/bench/scale', { instances: 0 });
    await waitFor(async () => (await counts('/bench/scale')).total === 0 && !(await deploying('/bench/scale')), { timeoutMs: 120_000, what: 'scaled back to 0' });

    await m.call('POST', '/v2/apps', { id: '/bench/roll', cmd: 'sleep 3600', cpus: 0.01, mem: 1, instances: opts.rolling, portDefinitions: [], upgradeStrategy: { minimumHealthCapacity: 0.5, maximumOverCapacity: 0.2 } });
    await waitFor(async () => (await counts('/bench/roll')).running === opts.rolling && !(await deploying('/bench/roll')), { timeoutMs: 120_000, what: 'roll app up' });
    const r0 = performance.now();
    await m.call('PUT', '/v2/apps/bench/roll', { cmd: 'sleep 3601' });
    await waitFor(async () => !(await deploying('/bench/roll')), { timeoutMs: 300_000, intervalMs: 50, what: 'rolling upgrade' });
    out.rolling_upgrade = { instances: opts.rolling, minimumHealthCapacity: 0.5, maximumOverCapacity: 0.2, duration_ms: round(performance.now() - r0, 0) };
    await m.call('DELETE', '/v2/apps/bench/roll');

    // Many apps, none running (instances 0): this measures the API, not the cluster.
    for (let i = 0; i < opts.apps; i += 50) {
      await Promise.all(Array.from({ length: Math.min(50, opts.apps - i) }, (_, k) => m.call('POST', '/v2/apps', { id: `/bench/many/app-${i + k}`, cmd: 'sleep 1', cpus: 0.01, mem: 1, instances: 0, labels: { team: `t${(i + k) % 7}` } })));
    }
    const lat: number[] = [];
    for (let i = 0; i < 30; i++) {
      const s = performance.now();
      const r = await m.call('GET', '/v2/apps?embed=apps.tasks');
      lat.push(performance.now() - s);
      if (r.body.apps.length < opts.apps) throw new Error(`expected ${opts.apps} apps, got ${r.body.apps.length}`);
    }
    const l = summary(lat.slice(5));
    out.get_apps = { apps: opts.apps, embed: 'apps.tasks', latency_ms: l, goal: 'p50 under 100 ms', goal_met: l.p50 < 100 };
  } finally {
    await m.stop();
    await cluster.stop();
  }
  return out;
}
