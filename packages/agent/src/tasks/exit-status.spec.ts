import type { TaskInfo__Output } from '@strata/proto';
import type { ExitInfo } from '../containerizer/containerizer';
import { exitStatus } from './exit-status';

const info = { resources: [{ name: 'mem', type: 'SCALAR', scalar: { value: 64 } }], maxCompletionTime: { nanoseconds: '2500000000' } } as unknown as TaskInfo__Output;
const exit = (e: Partial<ExitInfo>): ExitInfo => ({ code: null, signal: null, killed: false, ...e });
const of = (e: Partial<ExitInfo>, timedOut = false) => {
  const s = exitStatus(exit(e), info, timedOut);
  return [s.state, s.reason, s.message];
};

describe('exitStatus', () => {
  it.each([
    [{ code: 0 }, ['TASK_FINISHED', undefined, 'Command exited with status 0']],
    [{ code: 3 }, ['TASK_FAILED', 'REASON_COMMAND_EXECUTOR_FAILED', 'Command exited with status 3']],
    [{ code: 137, signal: 'SIGKILL' as const }, ['TASK_FAILED', 'REASON_COMMAND_EXECUTOR_FAILED', 'Command terminated with signal SIGKILL']],
    [{ code: 143, signal: 'SIGTERM' as const, killed: true }, ['TASK_KILLED', undefined, 'Command terminated with signal SIGTERM']],
    [{ code: 137, oom: true, peakMemoryBytes: 70 * 1024 * 1024 }, ['TASK_FAILED', 'REASON_CONTAINER_LIMITATION_MEMORY', 'Memory limit exceeded: Requested: 64MB Maximum Used: 70MB']],
    [{ launchError: 'no such image' }, ['TASK_FAILED', 'REASON_CONTAINER_LAUNCH_FAILED', 'Failed to launch: no such image']],
    [{ lost: true }, ['TASK_FAILED', 'REASON_EXECUTOR_TERMINATED', 'The executor ended without an exit status while the agent was down']],
  ])('%j', (e, expected) => expect(of(e)).toEqual(expected));

  it('reports a task the agent killed at its max completion time as failed, whatever its exit', () => {
    expect(of({ code: 143, signal: 'SIGTERM', killed: true }, true)).toEqual(['TASK_FAILED', 'REASON_MAX_COMPLETION_TIME_REACHED', 'Task exceeded its maximum completion time of 2.5 seconds']);
  });

  it('keeps a kill a kill even when the memory limit fired meanwhile', () => {
    expect(of({ code: 137, oom: true, killed: true })[0]).toBe('TASK_KILLED');
  });
});
