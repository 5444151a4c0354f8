import { parseResources as r } from '@strata/lib/resources';
import type { TaskInfo__Output } from '@strata/proto';
import { planAccept } from './accept';
import type { OutstandingOffer } from './offer-book';

const offer = (id: string, frameworkId = 'f1', agentId = 's1', resources = r('cpus:2;mem:1024;ports:[31000-31010]')): OutstandingOffer => ({ id, frameworkId, agentId, role: '*', resources, createdAt: 0 });

function task(id: string, resources: string, extra: Partial<TaskInfo__Output> = {}): TaskInfo__Output {
  const parsed = r(resources);
  return {
    name: id,
    taskId: { value: id },
    agentId: null,
    resources: [
      ...Object.entries(parsed.scalars).map(([name, value]) => ({ name, type: 'SCALAR', scalar: { value } })),
      ...Object.entries(parsed.ranges).map(([name, v]) => ({ name, type: 'RANGES', ranges: { range: v.map((x) => ({ begin: String(x.begin), end: String(x.end) })) } })),
    ],
    command: { value: 'true', uris: [], arguments: [], user: '', environment: null },
    ...extra,
  } as unknown as TaskInfo__Output;
}

const base = { frameworkId: 'f1', partitionAware: false, isTaskIdInUse: () => false };

describe('planAccept', () => {
  it('launches tasks that fit and returns the rest as unused', () => {
    const plan = planAccept({ ...base, offerIds: ['o1'], offers: [offer('o1')], tasks: [task('t1', 'cpus:1;mem:512;ports:[31000-31000]')] });
    expect(plan.launch.map((l) => l.task.taskId?.value)).toEqual(['t1']);
    expect(plan.rejected).toEqual([]);
    expect(plan.unused).toEqual(r('cpus:1;mem:512;ports:[31001-31010]'));
  });

  it('rejects a task asking for more than the offer holds with TASK_ERROR / REASON_TASK_INVALID', () => {
    const plan = planAccept({ ...base, offerIds: ['o1'], offers: [offer('o1')], tasks: [task('big', 'cpus:3;mem:10')] });
    expect(plan.rejected).toEqual([expect.objectContaining({ state: 'TASK_ERROR', reason: 'REASON_TASK_INVALID', message: expect.stringContaining('more resources') })]);
    expect(plan.unused).toEqual(r('cpus:2;mem:1024;ports:[31000-31010]'));
  });

  it('fits tasks in order: the second that no longer fits is rejected, the first launches', () => {
    const plan = planAccept({ ...base, offerIds: ['o1'], offers: [offer('o1')], tasks: [task('a', 'cpus:1.5;mem:10'), task('b', 'cpus:1;mem:10')] });
    expect(plan.launch.map((l) => l.task.taskId?.value)).toEqual(['a']);
    expect(plan.rejected.map((x) => x.task.taskId?.value)).toEqual(['b']);
  });

  it('drops every task when an offer is unknown (rescinded), with REASON_INVALID_OFFERS', () => {
    const plan = planAccept({ ...base, offerIds: ['o1', 'gone'], offers: [offer('o1'), undefined], tasks: [task('t1', 'cpus:1')] });
    expect(plan.launch).toEqual([]);
    expect(plan.rejected).toEqual([expect.objectContaining({ state: 'TASK_LOST', reason: 'REASON_INVALID_OFFERS', message: 'Offer gone is no longer valid' })]);
    expect(plan.unused).toEqual(offer('o1').resources); // the valid offer goes back
  });

  it('uses TASK_DROPPED for partition-aware frameworks, and refuses offers of another framework', () => {
    const plan = planAccept({ ...base, partitionAware: true, offerIds: ['o9'], offers: [offer('o9', 'f2')], tasks: [task('t1', 'cpus:1')] });
    expect(plan.rejected[0]).toMatchObject({ state: 'TASK_DROPPED', reason: 'REASON_INVALID_OFFERS', message: 'Offer o9 is not for this framework' });
    expect(plan.unused).toEqual(r('')); // someone else's offer is not ours to give back
  });

  it('refuses offers from two agents in one accept, and duplicate offer ids', () => {
    expect(planAccept({ ...base, offerIds: ['a', 'b'], offers: [offer('a'), offer('b', 'f1', 's2')], tasks: [task('t', 'cpus:1')] }).rejected[0]!.message).toContain('same agent');
    expect(planAccept({ ...base, offerIds: ['a', 'a'], offers: [offer('a'), offer('a')], tasks: [task('t', 'cpus:1')] }).rejected[0]!.message).toContain('unique');
  });

  it('aggregates offers on one agent', () => {
    const plan = planAccept({ ...base, offerIds: ['a', 'b'], offers: [offer('a', 'f1', 's1', r('cpus:1')), offer('b', 'f1', 's1', r('cpus:1'))], tasks: [task('t', 'cpus:2')] });
    expect(plan.launch).toHaveLength(1);
  });

  it('rejects malformed tasks: no id, duplicate id, no command, no resources, negative resources', () => {
    const plan = planAccept({
      ...base,
      isTaskIdInUse: (id) => id === 'running',
      offerIds: ['o1'],
      offers: [offer('o1')],
      tasks: [
        task('', 'cpus:0.1'),
        task('running', 'cpus:0.1'),
        task('dup', 'cpus:0.1'),
        task('dup', 'cpus:0.1'),
        task('nocmd', 'cpus:0.1', { command: null }),
        task('nores', ''),
        task('neg', 'cpus:0.1', { resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: -1 } }] } as never),
      ],
    });
    expect(plan.launch.map((l) => l.task.taskId?.value)).toEqual(['dup']);
    expect(plan.rejected.map((x) => x.message)).toEqual([
      'Task has no task_id',
      "Task 'running' has a duplicate ID",
      "Task 'dup' has a duplicate ID",
      'Task has neither a command nor a container',
      'Task uses no resources',
      expect.stringContaining('non-negative'),
    ]);
  });
});
