import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { tmpDir, waitFor } from '@strata/lib/testing';
import { taskInfo, offerResources } from '@strata/sdk';
import { res } from '@strata/lib';
import type { Offer__Output } from '@strata/proto';
import { LocalCluster, TestFramework, pidsOfTask, taskLeader } from '../src';

jest.setTimeout(90_000);

/** Tasks that run until the test writes their exit code into a file: the test decides when each ends. */
const gates = tmpDir('strata-gates-');
afterAll(() => gates.remove());
const gated = (id: string) => `while [ ! -s ${gates.path}/${id} ]; do sleep 0.05; done; exit $(cat ${gates.path}/${id})`;
const release = (id: string, code: number) => writeFileSync(path.join(gates.path, id), String(code));

/** Launches as many `cmd(id)` tasks on one offer as it holds, up to `ids.length`. */
function launchAll(f: TestFramework, offer: Offer__Output, ids: string[], cmd: (id: string) => string): void {
  f.driver.launch([offer.id!.value], ids.map((id) => taskInfo(offer, { id, command: cmd(id), cpus: 0.01, mem: 1 })));
}

describe('kernel reliability with real processes killed for real', () => {
  it('keeps tasks running through an agent SIGKILL and reports their true ends after it restarts', async () => {
    const cluster = await LocalCluster.start({ agents: 1, resources: 'cpus:4;mem:4096;ports:[31000-31100]' });
    const f = await TestFramework.subscribe(cluster.masterAddress, { failoverTimeout: 300, checkpoint: true });
    try {
      const ids = Array.from({ length: 10 }, (_, i) => `keep-${i}`);
      launchAll(f, await f.nextOffer(), [...ids, 'ends-while-down'], gated);
      for (const id of [...ids, 'ends-while-down']) await f.waitForState(id, 'TASK_RUNNING');
      await waitFor(() => ids.every((id) => pidsOfTask(id).length >= 2), { what: 'task processes' });
      const pidsBefore = new Map(ids.map((id) => [id, taskLeader(id)]));

      await cluster.agents[0]!.stop('SIGKILL');
      release('ends-while-down', 7); // exits while no agent watches
      await waitFor(() => pidsOfTask('ends-while-down').length === 0, { what: 'the task to exit while the agent is down' });
      expect(ids.every((id) => pidsOfTask(id).length >= 2)).toBe(true);

      await cluster.restartAgent(0);
      const down = await f.waitForState('ends-while-down', 'TASK_FAILED');
      expect(down.exitCode).toBe(7);
      expect(down.message).toBe('Command exited with status 7');
      for (const id of ids) expect(taskLeader(id)).toEqual(pidsBefore.get(id)); // the same processes, not relaunched

      ids.forEach((id, i) => release(id, i % 2 === 0 ? 0 : 3));
      for (const [i, id] of ids.entries()) {
        const s = await f.waitForState(id, i % 2 === 0 ? 'TASK_FINISHED' : 'TASK_FAILED');
        if (i % 2) expect(s.exitCode).toBe(3);
        expect(f.states(id).filter((x) => x !== 'TASK_RUNNING')).toHaveLength(1); // one terminal state, reported once
      }
      const agentState = (await (await fetch(`http://127.0.0.1:${(cluster.agents[0]!.logs.find((l) => l.msg === 'agent listening') as { port: number }).port}/state`)).json()) as { recovered_tasks: number };
      expect(agentState.recovered_tasks).toBe(11);
    } finally {
      f.close();
      await cluster.stop();
    }
  });

  it('keeps every task through a master SIGKILL; agents and the framework come back on their own', async () => {
    const cluster = await LocalCluster.start({ agents: 2, resources: 'cpus:2;mem:2048;ports:[31000-31100]' });
    const f = await TestFramework.subscribe(cluster.masterAddress, { failoverTimeout: 300 });
    try {
      const ids: string[] = [];
      for (let n = 0; n < 2; n++) {
        const o = await f.nextOffer();
        const batch = Array.from({ length: 5 }, (_, i) => `m-${n}-${i}`);
        ids.push(...batch);
        launchAll(f, o, batch, gated);
      }
      for (const id of ids) await f.waitForState(id, 'TASK_RUNNING');
      const pidsBefore = new Map(ids.map((id) => [id, taskLeader(id)]));
      let resubscribed = 0;
      f.driver.on('subscribed', () => resubscribed++);

      await cluster.master.stop('SIGKILL');
      await cluster.restartMaster();
      // How fast they come back is a benchmark figure (npm run bench: recovery); here, that they do.
      await cluster.waitForActiveAgents(2);
      await waitFor(() => resubscribed > 0, { what: 'the framework to resubscribe' });

      const st = await cluster.state();
      const listed = st.frameworks.flatMap((fw) => fw.tasks.map((t) => `${t.id}:${t.state}`)).sort();
      expect(listed).toEqual(ids.map((id) => `${id}:TASK_RUNNING`).sort());
      for (const id of ids) expect(taskLeader(id)).toEqual(pidsBefore.get(id));
      expect(f.updates.filter((u) => u.status.state !== 'TASK_RUNNING')).toEqual([]);

      // The restarted master still runs the show: tasks end and are reported, resources come back.
      ids.forEach((id) => release(id, 0));
      for (const id of ids) await f.waitForState(id, 'TASK_FINISHED');
      await waitFor(async () => (await cluster.state()).slaves.every((s) => s.used_resources.cpus === 0), { what: 'resources released' });
    } finally {
      f.close();
      await cluster.stop();
    }
  });

  it('delivers 1,000 status updates, in per-task order, while the master restarts twice', async () => {
    const cluster = await LocalCluster.start({ agents: 2, resources: 'cpus:8;mem:4096;ports:[31000-31100]' });
    const f = await TestFramework.subscribe(cluster.masterAddress, { failoverTimeout: 300 });
    try {
      const ids: string[] = [];
      for (let n = 0; n < 2; n++) {
        const o = await f.nextOffer((x) => res.contains(offerResources(x), res.resources({ cpus: 2.5, mem: 250 })));
        const batch = Array.from({ length: 250 }, (_, i) => `u-${n}-${i}`);
        ids.push(...batch);
        // Spread over ~4 s so updates keep flowing across both restarts.
        launchAll(f, o, batch, (id) => `sleep ${(Number(id.split('-')[2]) % 8) * 0.5}`);
      }
      for (let restart = 0; restart < 2; restart++) {
        const seen = f.updates.length;
        await waitFor(() => f.updates.length >= seen + 25, { what: 'updates flowing before the restart', timeoutMs: 20_000 });
        await cluster.master.stop('SIGKILL');
        await cluster.restartMaster();
      }
      await waitFor(() => ids.every((id) => f.states(id).includes('TASK_FINISHED')), { timeoutMs: 60_000, what: 'every task finished' });
      let total = 0;
      for (const id of ids) {
        const distinct = f.states(id).filter((s, i, all) => i === 0 || all[i - 1] !== s); // at-least-once: drop repeats
        expect(distinct).toEqual(['TASK_RUNNING', 'TASK_FINISHED']);
        total += distinct.length;
      }
      expect(total).toBe(1_000);
    } finally {
      f.close();
      await cluster.stop();
    }
  });

  it('marks a SIGSTOPped agent unreachable: TASK_UNREACHABLE (partition-aware) or TASK_LOST; on SIGCONT it reconciles', async () => {
    const cluster = await LocalCluster.start({
      agents: 2,
      resources: 'cpus:2;mem:1024;ports:[31000-31100]',
      masterArgs: ['--agent-ping-timeout', '0.5', '--max-agent-ping-timeouts', '3'],
    });
    const pa = await TestFramework.subscribe(cluster.masterAddress, { name: 'pa', failoverTimeout: 300, capabilities: [{ type: 'PARTITION_AWARE' }] });
    const plain = await TestFramework.subscribe(cluster.masterAddress, { name: 'plain', failoverTimeout: 300 });
    try {
      const target = (await cluster.state()).slaves.find((s) => s.id)!.id;
      const onTarget = (o: Offer__Output) => o.agentId!.value === target;
      // Both frameworks want the same agent: take turns until each has an offer there.
      const oPa = await pa.nextOffer(onTarget).catch(async () => {
        throw new Error('no offer on the target agent for the partition-aware framework');
      });
      pa.driver.launch([oPa.id!.value], [taskInfo(oPa, { id: 'pa-task', command: 'sleep 300', cpus: 0.1, mem: 32 })], { refuseSeconds: 0 });
      const oPlain = await plain.nextOffer(onTarget, 15_000);
      plain.driver.launch([oPlain.id!.value], [taskInfo(oPlain, { id: 'plain-task', command: 'sleep 300', cpus: 0.1, mem: 32 })]);
      await pa.waitForState('pa-task', 'TASK_RUNNING');
      await plain.waitForState('plain-task', 'TASK_RUNNING');

      const victim = cluster.agents.find((a) => a.logs.some((l) => l.agentId === target))!;
      const stoppedAt = Date.now();
      process.kill(victim.pid, 'SIGSTOP');
      const unreachable = await pa.waitForState('pa-task', 'TASK_UNREACHABLE', 10_000);
      const lost = await plain.waitForState('plain-task', 'TASK_LOST', 10_000);
      expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(1_000); // not before the ping window
      expect(unreachable.unreachableTime).toBeTruthy();
      expect(lost.reason).toBe('REASON_AGENT_REMOVED');
      expect(pidsOfTask('pa-task')).not.toEqual([]); // the partition did not kill anything

      process.kill(victim.pid, 'SIGCONT');
      const back = await waitFor(() => pa.updates.find((u) => u.status.taskId?.value === 'pa-task' && u.status.reason === 'REASON_AGENT_REREGISTERED'), { timeoutMs: 15_000, what: 'the task back to RUNNING' });
      expect(back.status.state).toBe('TASK_RUNNING');
      await waitFor(() => pidsOfTask('plain-task').length === 0, { what: 'the given-up task to be killed', timeoutMs: 15_000 });
      expect(pidsOfTask('pa-task')).not.toEqual([]);
      const st = await cluster.state();
      expect(st.frameworks.find((x) => x.name === 'pa')!.tasks.map((t) => t.state)).toEqual(['TASK_RUNNING']);
    } finally {
      pa.close();
      plain.close();
      await cluster.stop();
    }
  });

  it('keeps a disconnected framework for its failover_timeout, replays what it missed, then removes it', async () => {
    const cluster = await LocalCluster.start({ agents: 1 });
    try {
      const f = await TestFramework.subscribe(cluster.masterAddress, { name: 'failover', failoverTimeout: 3 });
      const id = f.driver.frameworkId!;
      launchAll(f, await f.nextOffer(), ['fo-1', 'fo-2'], gated);
      await f.waitForState('fo-1', 'TASK_RUNNING');
      await f.waitForState('fo-2', 'TASK_RUNNING');
      f.close();
      release('fo-1', 0); // ends while its framework is away
      await waitFor(() => pidsOfTask('fo-1').length === 0, { what: 'fo-1 to exit' });

      const again = await TestFramework.subscribe(cluster.masterAddress, { name: 'failover', failoverTimeout: 3, id: { value: id } });
      await again.waitForState('fo-1', 'TASK_FINISHED'); // the update it missed
      expect(pidsOfTask('fo-2')).not.toEqual([]);
      again.driver.reconcile();
      await waitFor(() => again.updates.find((u) => u.status.taskId?.value === 'fo-2' && u.status.reason === 'REASON_RECONCILIATION'), { what: 'implicit reconciliation' });

      const goneAt = Date.now();
      again.close();
      await waitFor(() => pidsOfTask('fo-2').length === 0, { what: 'tasks killed after the failover timeout', timeoutMs: 10_000 });
      expect(Date.now() - goneAt).toBeGreaterThanOrEqual(2_500);
      const st = await cluster.state();
      expect(st.frameworks.find((x) => x.id === id)).toBeUndefined();
      expect(st.completed_frameworks.map((x) => x.id)).toContain(id);
      const refused = new TestFramework(cluster.masterAddress, { id: { value: id } });
      await expect(refused.driver.subscribe()).rejects.toThrow('unknown');
      refused.close();
    } finally {
      await cluster.stop();
    }
  });
});
