import type { Job } from '../model/job';
import type { Run } from '../model/run';
import { RunBook } from './run-book';

const job = (name: string, extra: Partial<Job> = {}) => ({ name, disabled: false, concurrent: false, highPriority: false, ...extra }) as Job;
const run = (id: string, jobName: string, extra: Partial<Run> = {}): Run => ({ id, job: jobName, due: 0, attempt: 0, arguments: '', state: 'queued', notBefore: 0, ...extra });
const jobs = (...list: Job[]) => new Map(list.map((j) => [j.name, j]));

describe('RunBook', () => {
  it('launches one run per non-concurrent job at a time, high priority first, then the oldest', () => {
    const b = new RunBook();
    b.add(run('a1', 'a', { due: 1 }), 0);
    b.add(run('a2', 'a', { due: 2 }), 0);
    b.add(run('b1', 'b', { due: 3 }), 0);
    b.add(run('c1', 'c', { due: 4 }), 0);
    b.add(run('c2', 'c', { due: 5 }), 0);
    const js = jobs(job('a'), job('b', { highPriority: true }), job('c', { concurrent: true }));
    expect(b.launchable(10, js).map((r) => r.id)).toEqual(['b1', 'a1', 'c1', 'c2']);
    expect(b.launchableCount(10, js)).toBe(4); // the same rule: a2 waits behind a1
  });

  it('holds back a job that has a run in flight, a disabled job, and a run waiting out its retry delay', () => {
    const b = new RunBook();
    b.add(run('a0', 'a', { state: 'running' }), 0);
    b.add(run('a1', 'a'), 0);
    b.add(run('d1', 'd'), 0);
    b.add(run('r1', 'r', { notBefore: 500 }), 0);
    const js = jobs(job('a'), job('d', { disabled: true }), job('r'));
    expect(b.launchable(100, js)).toEqual([]);
    expect(b.launchableCount(100, js)).toBe(0);
    expect(b.nextRetry(100)).toBe(500);
    expect(b.launchable(500, js).map((r) => r.id)).toEqual(['r1']);
  });

  it('moves a finished run to its job\'s history and summarizes each job', () => {
    const b = new RunBook();
    const r = run('a1', 'a', { state: 'running' });
    b.add(r, 0);
    b.add(run('b1', 'b'), 0);
    expect([b.summary('a'), b.summary('b'), b.summary('z')]).toEqual(['1 running', 'queued', 'idle']);
    r.state = 'finished';
    r.endedAt = 5;
    b.changed(r);
    expect(b.summary('a')).toBe('idle');
    expect(b.finished('a').map((x) => x.id)).toEqual(['a1']);
    expect(b.hasUnfinished('a')).toBe(false);
    b.remove(r);
    expect([b.get('a1'), b.finished('a')]).toEqual([undefined, []]);
  });
});
