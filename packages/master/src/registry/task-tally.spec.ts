import { TaskTally } from './task-tally';

describe('TaskTally', () => {
  it('counts live tasks per state as they are added, move and go', () => {
    const t = new TaskTally();
    t.add('TASK_STAGING');
    t.add('TASK_STAGING');
    t.move('TASK_STAGING', 'TASK_RUNNING');
    expect(t.snapshot()).toEqual({ TASK_STAGING: 1, TASK_RUNNING: 1 });
    t.move('TASK_RUNNING', 'TASK_RUNNING');
    expect(t.snapshot()).toEqual({ TASK_STAGING: 1, TASK_RUNNING: 1 });
    t.remove('TASK_STAGING');
    expect(t.snapshot()).toEqual({ TASK_RUNNING: 1 });
  });

  it('never counts below zero, and says when asked to remove a task it never counted', () => {
    const t = new TaskTally();
    t.add('TASK_RUNNING');
    expect(t.remove('TASK_STAGING')).toBe(false);
    expect(t.move('TASK_KILLING', 'TASK_FAILED')).toBe(false);
    expect(t.snapshot()).toEqual({ TASK_RUNNING: 1, TASK_FAILED: 1 });
    expect(t.remove('TASK_RUNNING')).toBe(true);
    expect(t.remove('TASK_RUNNING')).toBe(false);
    expect(t.snapshot()).toEqual({ TASK_FAILED: 1 });
  });
});
