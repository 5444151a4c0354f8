import { History, type Outcome } from '../history/history';
import { checkKernel, type AgentReading } from './kernel';

function recorder() {
  let t = 0;
  const h = new History(7, () => (t += 10));
  const launch = (taskId: string, outcome: Outcome = 'ok') => {
    const o = h.invoke('kernel', 'task-launch', { taskId, agentId: 'A', cpus: 1, mem: 32 });
    h.complete(o, outcome);
    return o;
  };
  const update = (taskId: string, state: string) => h.observe('task-update', 'fw', { taskId, state });
  const agent = (round: number, agentId: string, tasks: [string, string][], cpus = 2, mem = 128) =>
    h.observe<AgentReading>('agent-state', agentId, { round, agentId, cpus, mem, tasks: tasks.map(([taskId, state]) => ({ taskId, frameworkId: 'fw', state, cpus: 1, mem: 32 })) });
  const final = (tasks: Record<string, string>) => h.observe('kernel-final', 'master', { tasks });
  return { h, launch, update, agent, final };
}

describe('the kernel checker', () => {
  it('passes tasks that ran and ended, or run on, with updates in order (duplicates allowed)', () => {
    const r = recorder();
    r.launch('t1');
    r.launch('t2');
    r.update('t1', 'TASK_RUNNING');
    r.update('t2', 'TASK_RUNNING');
    r.agent(1, 'A', [['t1', 'TASK_RUNNING'], ['t2', 'TASK_RUNNING']]);
    r.update('t1', 'TASK_FINISHED');
    r.update('t1', 'TASK_FINISHED');
    r.final({ t1: 'TASK_FINISHED', t2: 'TASK_RUNNING' });
    const v = checkKernel(r.h.entries);
    expect(v.violations).toEqual([]);
    expect(v.checked).toMatchObject({ tasks_launched: 2, updates: 4, duplicate_updates: 1, agent_reads: 1 });
  });

  it('allows RUNNING and UNREACHABLE to alternate (a partition healed) but nothing after a terminal update', () => {
    const r = recorder();
    r.launch('t1');
    r.update('t1', 'TASK_RUNNING');
    r.update('t1', 'TASK_UNREACHABLE');
    r.update('t1', 'TASK_RUNNING');
    r.update('t1', 'TASK_KILLED');
    const late = r.update('t1', 'TASK_RUNNING');
    r.final({ t1: 'TASK_KILLED' });
    expect(checkKernel(r.h.entries).violations).toEqual([expect.objectContaining({ kind: 'update-after-terminal', subject: 't1', observation: late.index })]);
  });

  it('reports updates out of order and a finish without a TASK_RUNNING before it (a gap)', () => {
    const r = recorder();
    r.launch('t1');
    r.launch('t2');
    r.update('t1', 'TASK_RUNNING');
    const back = r.update('t1', 'TASK_STAGING');
    const gap = r.update('t2', 'TASK_FINISHED');
    r.final({ t1: 'TASK_RUNNING', t2: 'TASK_FINISHED' });
    const kinds = checkKernel(r.h.entries).violations.map((v) => [v.kind, v.observation]);
    expect(kinds).toEqual(expect.arrayContaining([['update-out-of-order', back.index], ['update-gap', gap.index]]));
  });

  it('reports a task an agent ran whose framework never heard it running', () => {
    const r = recorder();
    const l = r.launch('t1');
    r.agent(1, 'A', [['t1', 'TASK_RUNNING']]);
    r.update('t1', 'TASK_KILLED');
    r.final({ t1: 'TASK_KILLED' });
    expect(checkKernel(r.h.entries).violations).toEqual([expect.objectContaining({ kind: 'update-gap', op: l.index })]);
  });

  it('reports one task id live on two agents in one read round, and not across rounds (it moved)', () => {
    const r = recorder();
    r.launch('t1');
    r.update('t1', 'TASK_RUNNING');
    r.agent(1, 'A', [['t1', 'TASK_RUNNING']]);
    r.agent(2, 'B', [['t1', 'TASK_RUNNING']]);
    r.final({ t1: 'TASK_RUNNING' });
    expect(checkKernel(r.h.entries).valid).toBe(true);
    const twice = r.agent(3, 'A', [['t1', 'TASK_RUNNING']]);
    r.agent(3, 'B', [['t1', 'TASK_FINISHED']]);
    expect(checkKernel(r.h.entries).valid).toBe(true); // a finished copy is not running
    const again = r.agent(4, 'A', [['t1', 'TASK_RUNNING']]);
    const other = r.agent(4, 'B', [['t1', 'TASK_RUNNING']]);
    const v = checkKernel(r.h.entries);
    expect(v.violations).toEqual([expect.objectContaining({ kind: 'task-twice', subject: 't1', observation: other.index })]);
    expect(twice.index).toBeLessThan(again.index);
  });

  it('reports an agent holding more than it has', () => {
    const r = recorder();
    const over = r.agent(1, 'A', [['x', 'TASK_RUNNING'], ['y', 'TASK_RUNNING'], ['z', 'TASK_RUNNING']]); // 3 cpus of 2
    r.agent(1, 'B', [['u', 'TASK_RUNNING'], ['v', 'TASK_FINISHED'], ['w', 'TASK_FINISHED']]);
    r.final({});
    expect(checkKernel(r.h.entries).violations).toEqual([expect.objectContaining({ kind: 'agent-overcommitted', subject: 'A', observation: over.index })]);
  });

  it('reports a launched task left without an end, and forgives a launch of unknown outcome that never arrived', () => {
    const r = recorder();
    const stuck = r.launch('t1');
    r.launch('t2', 'info');
    r.launch('t3', 'fail');
    r.update('t1', 'TASK_STAGING');
    r.final({ t1: 'TASK_STAGING' });
    expect(checkKernel(r.h.entries).violations).toEqual([expect.objectContaining({ kind: 'task-unaccounted', subject: 't1', op: stuck.index })]);
  });

  it('does not count a task as running on its last update alone if the master no longer has it', () => {
    const r = recorder();
    r.launch('t1');
    r.update('t1', 'TASK_RUNNING');
    r.final({});
    expect(checkKernel(r.h.entries).violations.map((v) => v.kind)).toEqual(['task-unaccounted']);
  });
});
