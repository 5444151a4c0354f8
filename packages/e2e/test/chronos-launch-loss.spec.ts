import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { waitFor } from '@strata/lib/testing';
import { LocalCluster, ChronosProcess } from '../src';

jest.setTimeout(120_000);

/**
 * What a partition does to a Chronos launch, made with signals on real processes: a stopped
 * agent holds the launch in its socket until it wakes (as a cut link holds it until it heals),
 * and a master killed with it forgets the launch entirely.
 */
const iso = (ms: number) => new Date(ms).toISOString();
const until = (at: number) => waitFor(() => Date.now() >= at, { timeoutMs: Math.max(1_000, at - Date.now() + 5_000), intervalMs: 50, what: `time ${iso(at)}` });

async function stagingTask(cluster: LocalCluster, job: string) {
  return waitFor(async () => {
    const s = await cluster.state();
    return s.frameworks.flatMap((f) => f.tasks).find((t) => t.id.includes(`:${job}:`) && t.state === 'TASK_STAGING');
  }, { timeoutMs: 15_000, what: `the master to send ${job}'s launch` });
}

describe('chronos runs whose launch is held up or lost', () => {
  let cluster: LocalCluster | undefined;
  let c: ChronosProcess | undefined;
  /** A cluster of one agent and a Chronos; a job due in 3 s (epsilon 60 s, no retries) whose launch the master sends to the agent, stopped (SIGSTOP) just before. */
  async function launchIntoStoppedAgent(name: string, chronosArgs: string[] = []) {
    cluster = await LocalCluster.start({ agents: 1 });
    c = await ChronosProcess.start(cluster, chronosArgs);
    const marker = path.join(cluster.dir.path, `${name}-ran`);
    const due = Date.now() + 3_000;
    expect((await c.call('POST', '/iso8601', { name, command: `echo x >> ${marker}`, schedule: `R1/${iso(due)}/PT1M`, epsilon: 'PT60S', retries: 0, cpus: 0.1, mem: 16 })).status).toBe(204);
    await until(due - 1_000);
    process.kill(cluster.agents[0]!.pid, 'SIGSTOP');
    await stagingTask(cluster, name);
    return { cluster, c, marker, due };
  }

  afterEach(async () => {
    await c?.stop();
    await cluster?.stop();
    c = cluster = undefined;
  });

  it('a launch that reaches its agent after due + epsilon is not started, and the occurrence is recorded as skipped', async () => {
    cluster = await LocalCluster.start({ agents: 1 });
    c = await ChronosProcess.start(cluster);
    const marker = path.join(cluster.dir.path, 'late-ran');
    const due = Date.now() + 3_000;
    expect((await c.call('POST', '/iso8601', { name: 'late', command: `touch ${marker}`, schedule: `R1/${iso(due)}/PT1M`, epsilon: 'PT2S', cpus: 0.1, mem: 16 })).status).toBe(204);
    const agent = cluster.agents[0]!;
    await until(due - 1_000);
    process.kill(agent.pid, 'SIGSTOP');
    try {
      await stagingTask(cluster, 'late');
      await until(due + 2_000 + 1_000); // past its window while the launch waits in the socket
    } finally {
      process.kill(agent.pid, 'SIGCONT');
    }
    const stat = await waitFor(async () => {
      const body = (await c!.call('GET', '/job/stat/late')).body as { skipped: { count: number; recentDueTimes: string[] } };
      return body.skipped.count > 0 ? body : undefined;
    }, { timeoutMs: 15_000, what: 'the occurrence recorded as skipped' });
    expect(stat.skipped).toEqual({ count: 1, recentDueTimes: [iso(due)] });
    await agent.waitForLog('launch arrived after its deadline: not started');
    const job = await c.job('late');
    expect(job).toMatchObject({ successCount: 0, errorCount: 0 });
    expect(existsSync(marker)).toBe(false);
    // The master saw it end as never started (Chronos is partition-aware: TASK_DROPPED).
    const done = (await cluster.state()).frameworks.flatMap((f) => f.completed_tasks).find((t) => t.id.includes(':late:'));
    expect(done?.state).toBe('TASK_DROPPED');
    expect(((await c.call('GET', '/jobs/summary')).body.jobs as { name: string; state: string }[]).find((j) => j.name === 'late')!.state).toBe('idle');
  });

  it('a launch lost with its master and agent is found by periodic reconciliation and runs once inside its epsilon', async () => {
    const { cluster: k, c: chronos, marker, due } = await launchIntoStoppedAgent('lost', ['--reconciliation-interval', '1']);
    // The launch dies in the stopped agent's socket, and the master that sent it with it.
    await k.master.stop('SIGKILL');
    await k.agents[0]!.stop('SIGKILL');
    await k.restartMaster();
    // Chronos subscribes again and asks after its run while the agent is away: no answer (Mesos).
    await waitFor(async () => (await k.state()).frameworks.some((f) => f.name === 'chronos'), { timeoutMs: 30_000, what: 'chronos back on the master' });
    await k.restartAgent(0); // back without the task: the master knows nothing of it either
    await waitFor(async () => (await chronos.job('lost')).successCount === 1, { timeoutMs: 30_000, what: 'the run settled and launched again' });
    const [run, ...more] = await chronos.history('lost');
    expect(more).toEqual([]);
    expect(run!.taskId.split(':')[2]).toBe('0'); // the same run, not a retry
    expect(Date.parse(run!.startTime)).toBeLessThanOrEqual(due + 60_000);
    expect(readFileSync(marker, 'utf8')).toBe('x\n');
  });

  it('a launch its agent never got (the agent back without it: TASK_DROPPED) is launched again as the same run, not failed', async () => {
    const { cluster: k, c: chronos, marker } = await launchIntoStoppedAgent('dropped');
    // The launch dies in the stopped agent's socket; the agent comes back (same id) without it, and the master drops the task.
    await k.agents[0]!.stop('SIGKILL');
    await k.restartAgent(0);
    await waitFor(async () => (await chronos.job('dropped')).successCount === 1, { timeoutMs: 30_000, what: 'the run launched again and finished' });
    expect(await chronos.job('dropped')).toMatchObject({ successCount: 1, errorCount: 0 });
    const [run, ...more] = await chronos.history('dropped');
    expect(more).toEqual([]);
    expect(run!.taskId.split(':')[2]).toBe('0'); // the same run, not a retry
    const states = (await k.state()).frameworks.flatMap((f) => f.completed_tasks).filter((t) => t.id.includes(':dropped:')).map((t) => t.state);
    expect(states.sort()).toEqual(['TASK_DROPPED', 'TASK_FINISHED']);
    expect(readFileSync(marker, 'utf8')).toBe('x\n');
  });
});
