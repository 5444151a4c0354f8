import { CompletedTasks } from './completed-tasks';

const task = (frameworkId: string, taskId: string) => ({ frameworkId, taskId, name: taskId, state: 'TASK_FINISHED', sandbox: `/w/${frameworkId}/${taskId}` });

describe('CompletedTasks', () => {
  it('keeps the newest tasks of each framework up to the bound, the oldest dropped first', () => {
    const c = new CompletedTasks(2);
    ['a', 'b', 'c'].forEach((id) => c.add(task('fw1', id)));
    c.add(task('fw2', 'x'));
    expect(c.of('fw1').map((t) => t.taskId)).toEqual(['b', 'c']);
    expect(c.of('fw2').map((t) => t.taskId)).toEqual(['x']);
    expect(c.frameworks()).toEqual(['fw1', 'fw2']);
    expect(c.of('none')).toEqual([]);
  });

  it('keeps one entry per task id, the latest', () => {
    const c = new CompletedTasks();
    c.add(task('fw', 'a'));
    c.add({ ...task('fw', 'a'), state: 'TASK_FAILED' });
    expect(c.of('fw')).toEqual([{ ...task('fw', 'a'), state: 'TASK_FAILED' }]);
  });
});
