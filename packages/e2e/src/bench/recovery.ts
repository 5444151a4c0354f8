import { performance } from 'node:perf_hooks';
import { waitFor } from '@strata/lib/testing';
import { taskInfo } from '@strata/sdk';
import { LocalCluster } from '../cluster';
import { TestFramework } from '../test-framework';
import { round } from './stats';

/**
 * Failure-detection and failover times with default master settings:
 * - SIGKILL of an agent -> TASK_UNREACHABLE seen by a partition-aware framework;
 * - SIGKILL + restart of the master -> every agent reregistered, and the framework resubscribed.
 */
export async function recoveryTimes(agents = 5) {
  const out: Record<string, unknown> = {};
  {
    const cluster = await LocalCluster.start({ agents: 1 });
    const f = await TestFramework.subscribe(cluster.masterAddress, { failoverTimeout: 600, capabilities: [{ type: 'PARTITION_AWARE' }] });
    try {
      const o = await f.nextOffer();
      f.driver.launch([o.id!.value], [taskInfo(o, { id: 'victim', command: 'sleep 600', cpus: 0.1, mem: 32 })]);
      await f.waitForState('victim', 'TASK_RUNNING');
      const t0 = performance.now();
      await cluster.agents[0]!.stop('SIGKILL');
      await f.waitForState('victim', 'TASK_UNREACHABLE', 60_000);
      out.agent_sigkill_to_task_unreachable_ms = round(performance.now() - t0, 0);
      out.agent_ping_defaults = '5 s interval x 3 missed pings';
      await cluster.restartAgent(0); // so stop() can kill the task
    } finally {
      f.close();
      await cluster.stop();
    }
  }
  {
    const cluster = await LocalCluster.start({ agents, resources: 'cpus:2;mem:1024;ports:[31000-31100]' });
    const f = await TestFramework.subscribe(cluster.masterAddress, { failoverTimeout: 600 });
    try {
      for (let i = 0; i < agents; i++) {
        const o = await f.nextOffer();
        f.driver.launch([o.id!.value], Array.from({ length: 4 }, (_, n) => taskInfo(o, { id: `r-${i}-${n}`, command: 'sleep 600', cpus: 0.1, mem: 16 })));
      }
      await waitFor(() => f.updates.filter((u) => u.status.state === 'TASK_RUNNING').length >= agents * 4, { what: 'tasks running' });
      let resubscribedAt = 0;
      f.driver.on('subscribed', () => (resubscribedAt ||= performance.now()));
      await cluster.master.stop('SIGKILL');
      const t0 = performance.now();
      await cluster.restartMaster();
      const listening = performance.now();
      await waitFor(async () => (await cluster.state()).slaves.filter((s) => s.active).length === agents, { intervalMs: 5, what: 'agents back' });
      const allBack = performance.now();
      await waitFor(() => resubscribedAt, { what: 'framework back' });
      out.master_restart = {
        agents,
        tasks: agents * 4,
        process_start_to_listening_ms: round(listening - t0, 0),
        process_start_to_all_agents_reregistered_ms: round(allBack - t0, 0),
        listening_to_all_agents_reregistered_ms: round(allBack - listening, 0),
        process_start_to_framework_resubscribed_ms: round(resubscribedAt - t0, 0),
      };
    } finally {
      f.close();
      await cluster.stop();
    }
  }
  return out;
}
