import * as fs from 'node:fs';
import * as path from 'node:path';
import { waitFor } from '@strata/lib/testing';
import { taskInfo } from '@strata/sdk';
import { LocalCluster, TestFramework } from '../src';

jest.setTimeout(120_000);

/**
 * An agent comes back to a restarted master in its stream's hello (the reregistration rides on
 * the stream, one per agent): with its id and its tasks when the master's registry knows it;
 * refused NOT_FOUND when the registry was lost, after which it registers anew, as Mesos's agent
 * does when the master answers that it does not know it, and its old tasks are gone.
 */
describe('agent reregistration on the stream', () => {
  let cluster: LocalCluster;
  let f: TestFramework;
  beforeAll(async () => {
    cluster = await LocalCluster.start({ agents: 1, resources: 'cpus:2;mem:1024;ports:[31000-31010]' });
    f = await TestFramework.subscribe(cluster.masterAddress, { name: 'rereg', failoverTimeout: 3_600 });
  });
  afterAll(async () => {
    f?.close();
    await cluster?.stop();
  });

  const agentLog = (msg: string) => cluster.agents[0]!.logs.filter((l) => l.msg === msg);

  it('keeps its id and its running task through a master SIGKILL', async () => {
    const before = (await cluster.state()).slaves[0]!.id;
    const offer = await f.nextOffer();
    const running = f.waitForState('long-1', 'TASK_RUNNING');
    f.driver.launch([offer.id!.value], [taskInfo(offer, { id: 'long-1', command: 'sleep 600', cpus: 0.1, mem: 16 })]);
    await running;
    const reregisteredBefore = agentLog('agent reregistered').length;

    await cluster.master.stop('SIGKILL');
    await cluster.restartMaster();
    await waitFor(async () => {
      const s = await cluster.state();
      return s.slaves.length === 1 && s.slaves[0]!.active && s.frameworks.some((fw) => fw.tasks.some((t) => t.id === 'long-1' && t.state === 'TASK_RUNNING'));
    }, { what: 'the agent back with long-1', timeoutMs: 30_000 });
    const s = await cluster.state();
    expect(s.slaves[0]!.id).toBe(before);
    expect(agentLog('agent reregistered').length).toBe(reregisteredBefore + 1);
    expect(agentLog('agent reregistered').at(-1)).toMatchObject({ agentId: before, reregistered: true, tasks: 1 });
  });

  it('registers anew, under a new id and without its old tasks, when the master lost its registry', async () => {
    const before = (await cluster.state()).slaves[0]!.id;
    await cluster.master.stop('SIGKILL');
    fs.rmSync(path.join(cluster.dir.path, 'master'), { recursive: true, force: true });
    await cluster.restartMaster();
    await waitFor(async () => {
      const s = await cluster.state();
      return s.slaves.length === 1 && s.slaves[0]!.active && s.slaves[0]!.id !== before;
    }, { what: 'the agent registered under a new id', timeoutMs: 30_000 });
    expect(cluster.agents[0]!.logs.some((l) => l.msg === 'master does not know this agent; registering as a new agent')).toBe(true);
    const agent = cluster.agents[0]!.logs.filter((l) => l.msg === 'agent registered').at(-1);
    expect(agent).toMatchObject({ reregistered: false });
    expect(agent!.agentId).not.toBe(before);
    // The old task was killed with the old identity: the agent runs nothing.
    const port = (cluster.agents[0]!.logs.find((l) => l.msg === 'agent listening') as { port: number }).port;
    const live = async () => {
      const st = (await (await fetch(`http://127.0.0.1:${port}/state`)).json()) as { frameworks: { executors?: { tasks: { id: string; state: string }[] }[] }[] };
      return st.frameworks.flatMap((fw) => (fw.executors ?? []).flatMap((e) => e.tasks)).filter((t) => t.state === 'TASK_RUNNING');
    };
    await waitFor(async () => (await live()).length === 0, { what: 'no task left running on the agent', timeoutMs: 15_000 }).catch(async (e) => {
      throw new Error(`${(e as Error).message}: ${JSON.stringify(await live())}`);
    });
  });
});
