import { appendRead, failingTasks, findTask, healthOf, sandboxOf, taskByIdOrPrefix, taskRows, type TaskState } from './tasks';

const state: TaskState = {
  slaves: [{ id: 'a1', hostname: 'node-1' }],
  frameworks: [
    { id: 'f1', name: 'marathon', tasks: [{ id: 'web.2', name: 'web', slave_id: 'a1', state: 'TASK_RUNNING' }, { id: 'web.1', name: 'web', slave_id: 'a1', state: 'TASK_STAGING' }], completed_tasks: [{ id: 'old.1', name: 'old', slave_id: 'a1', state: 'TASK_FAILED' }] },
    { id: 'f2', name: 'chronos', tasks: [{ id: 'ct:1:job', name: 'job', slave_id: 'gone', state: 'TASK_RUNNING' }] },
  ],
};

describe('taskRows', () => {
  it('lists active tasks sorted by id, with their framework and host, completed ones only when asked', () => {
    expect(taskRows(state).map((t) => [t.id, t.framework, t.host, t.active])).toEqual([
      ['ct:1:job', 'chronos', 'gone', true],
      ['web.1', 'marathon', 'node-1', true],
      ['web.2', 'marathon', 'node-1', true],
    ]);
    expect(taskRows(state, { completed: true }).map((t) => [t.id, t.active]).at(-1)).toEqual(['old.1', false]);
  });
  it('filters on id, name, state, framework or host, in any case', () => {
    expect(taskRows(state, { text: 'CHRONOS' }).map((t) => t.id)).toEqual(['ct:1:job']);
    expect(taskRows(state, { text: 'staging' }).map((t) => t.id)).toEqual(['web.1']);
    expect(taskRows(state, { text: 'failed', completed: true }).map((t) => t.id)).toEqual(['old.1']);
    expect(taskRows(state, { text: 'node-1' })).toHaveLength(2);
    expect(findTask(state, 'old.1')?.state).toBe('TASK_FAILED');
    expect(findTask(state, 'nope')).toBeUndefined();
  });
});

describe('sandboxOf', () => {
  it('finds the directory of the executor that runs the task, in live or completed frameworks', () => {
    const agent = { frameworks: [{ id: 'f1', executors: [{ id: 'web.2', directory: '/s/f1/web.2', tasks: [{ id: 'web.2' }] }] }], completed_frameworks: [{ id: 'f0', executors: [{ id: 'e', directory: '/s/f0/x', tasks: [{ id: 'x' }] }] }] };
    expect(sandboxOf(agent, 'web.2')).toBe('/s/f1/web.2');
    expect(sandboxOf(agent, 'x')).toBe('/s/f0/x');
    expect(sandboxOf(agent, 'web.9')).toBeUndefined();
    expect(sandboxOf({}, 'web.2')).toBeUndefined();
  });

  it("finds a finished task's sandbox in completed_executors, of a live framework or a gone one", () => {
    const agent = { frameworks: [{ id: 'f1', executors: [], completed_executors: [{ id: 'web.1', directory: '/s/f1/web.1', completed_tasks: [{ id: 'web.1' }] }] }], completed_frameworks: [{ id: 'f0', completed_executors: [{ id: 'e0', directory: '/s/f0/y', completed_tasks: [{ id: 'y' }] }] }] };
    expect(sandboxOf(agent, 'web.1')).toBe('/s/f1/web.1');
    expect(sandboxOf(agent, 'y')).toBe('/s/f0/y');
  });
});

describe('appendRead', () => {
  it('appends at the offset asked for, counts bytes not characters, ignores stale or empty answers, and keeps the tail', () => {
    let s = { text: '', offset: 0 };
    s = appendRead(s, { data: 'héllo\n', offset: 0 });
    expect(s).toEqual({ text: 'héllo\n', offset: 7 });
    expect(appendRead(s, { data: 'again', offset: 0 })).toBe(s);
    expect(appendRead(s, { data: '', offset: 7 })).toBe(s);
    expect(appendRead(s, { data: 'abc', offset: 7 }, 4)).toEqual({ text: '\nabc', offset: 10 });
  });
});

describe('failingTasks and healthOf', () => {
  const task = (id: string, st: string, at: number, healthy?: boolean) => ({ id, name: id, slave_id: 'a1', state: st, statuses: [{ state: st, timestamp: at, ...(healthy === undefined ? {} : { healthy }) }] });
  const s: TaskState = {
    slaves: [{ id: 'a1', hostname: 'node-1' }],
    frameworks: [{ id: 'f', name: 'marathon', tasks: [task('run', 'TASK_RUNNING', 5), task('lost', 'TASK_LOST', 9)], completed_tasks: [task('old', 'TASK_FAILED', 1), task('done', 'TASK_FINISHED', 8), task('killed', 'TASK_KILLED', 7), task('err', 'TASK_ERROR', 3)] }],
  };

  it('lists failed, errored and lost tasks, newest first, up to the limit; finished and killed are not failures', () => {
    expect(failingTasks(s).map((t) => t.id)).toEqual(['lost', 'err', 'old']);
    expect(failingTasks(s, 2).map((t) => t.id)).toEqual(['lost', 'err']);
  });

  it("reads a task's health from its newest status that carries one", () => {
    expect(healthOf({ ...task('t', 'TASK_RUNNING', 1), statuses: [{ state: 'TASK_RUNNING', timestamp: 1 }, { state: 'TASK_RUNNING', timestamp: 3, healthy: false }, { state: 'TASK_RUNNING', timestamp: 2, healthy: true }] })).toEqual({ healthy: false, at: 3 });
    expect(healthOf(task('t', 'TASK_RUNNING', 1))).toBeUndefined();
  });
});

describe('taskByIdOrPrefix', () => {
  const tasks = [{ id: 'web.1' }, { id: 'web.12' }, { id: 'db.1' }];
  it('takes the exact id first, else the one task a prefix names; none or several is an error', () => {
    expect(taskByIdOrPrefix(tasks, 'web.1')).toEqual({ id: 'web.1' });
    expect(taskByIdOrPrefix(tasks, 'db')).toEqual({ id: 'db.1' });
    expect(() => taskByIdOrPrefix(tasks, 'web')).toThrow("'web' matches 2 tasks; give more of the id");
    expect(() => taskByIdOrPrefix(tasks, 'x')).toThrow("no task 'x' is known to the master");
  });
});
