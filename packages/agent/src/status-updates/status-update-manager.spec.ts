import type { StatusUpdate, TaskStatus } from '@strata/proto';
import { StatusUpdateManager } from './status-update-manager';

const status = (taskId: string, state: TaskStatus['state']): TaskStatus => ({ taskId: { value: taskId }, state });

describe('StatusUpdateManager', () => {
  let sent: StatusUpdate[];
  let m: StatusUpdateManager;
  beforeEach(() => {
    jest.useFakeTimers();
    sent = [];
    m = new StatusUpdateManager((u) => (sent.push(u), true), { initialMs: 1_000, factor: 2, maxMs: 4_000 });
  });
  afterEach(() => {
    m.stop();
    jest.useRealTimers();
  });

  const states = () => sent.map((u) => `${u.status!.taskId!.value}:${u.status!.state}`);

  it('sends one update per task at a time, the next only after the head is acknowledged', () => {
    const running = m.enqueue('f', status('t1', 'TASK_RUNNING'));
    m.enqueue('f', status('t1', 'TASK_FINISHED'));
    m.enqueue('f', status('t2', 'TASK_RUNNING'));
    expect(states()).toEqual(['t1:TASK_RUNNING', 't2:TASK_RUNNING']);
    expect(m.acknowledge('f', 't1', running.status!.uuid as Buffer)).toBe(true);
    expect(states()).toEqual(['t1:TASK_RUNNING', 't2:TASK_RUNNING', 't1:TASK_FINISHED']);
  });

  it('ignores duplicate and stale acknowledgements', () => {
    const first = m.enqueue('f', status('t1', 'TASK_RUNNING'));
    m.enqueue('f', status('t1', 'TASK_FINISHED'));
    expect(m.acknowledge('f', 't1', first.status!.uuid as Buffer)).toBe(true);
    expect(m.acknowledge('f', 't1', first.status!.uuid as Buffer)).toBe(false);
    expect(m.acknowledge('f', 't1', Buffer.alloc(16))).toBe(false);
    expect(m.pendingFor('f', 't1').map((u) => u.status!.state)).toEqual(['TASK_FINISHED']);
  });

  it('retries an unacknowledged head with exponential backoff, capped', () => {
    m.enqueue('f', status('t1', 'TASK_RUNNING'));
    jest.advanceTimersByTime(999);
    expect(sent).toHaveLength(1);
    jest.advanceTimersByTime(1); // 1 s
    jest.advanceTimersByTime(2_000); // +2 s
    jest.advanceTimersByTime(4_000); // +4 s (cap)
    jest.advanceTimersByTime(4_000); // +4 s
    expect(sent).toHaveLength(5);
    expect(new Set(sent.map((u) => Buffer.from(u.status!.uuid as Buffer).toString('hex'))).size).toBe(1);
  });

  it('resends every head at once when the link comes back', () => {
    m.enqueue('f', status('t1', 'TASK_RUNNING'));
    m.enqueue('g', status('t2', 'TASK_RUNNING'));
    sent = [];
    m.resendAll();
    expect(states().sort()).toEqual(['t1:TASK_RUNNING', 't2:TASK_RUNNING']);
  });
});
