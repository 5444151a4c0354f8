import { History } from '../history/history';
import { checkChronos, type JobCounts } from './chronos';
import type { ObservedRun, ScheduledJob } from './chronos-runs';

const job = (name: string): ScheduledJob => ({ name, start: 10_000, intervalMs: 2_000, epsilonMs: 1_000, durationMs: 100 });
const runs = (name: string, starts: number[]): ObservedRun[] => starts.map((s) => ({ job: name, start: s, end: s + 100 }));

function recorder(readAt = 16_000) {
  const h = new History(3, () => 0);
  const create = (j: ScheduledJob, outcome: 'ok' | 'info' | 'fail' = 'ok') => {
    const o = h.invoke('chronos', 'job-create', j);
    h.complete(o, outcome);
    return o;
  };
  const read = (r: ObservedRun[], counts: JobCounts[]) => {
    const o = h.observe('chronos-runs', 'agents', r, readAt);
    h.observe('chronos-final', 'chronos', counts, readAt);
    return o;
  };
  return { h, create, read };
}

describe('the Chronos checker over a history', () => {
  it('passes every target met once and success counts that match the runs on the agents', () => {
    const r = recorder();
    r.create(job('a'));
    r.read(runs('a', [10_100, 12_050, 14_900]), [{ name: 'a', successCount: 3, errorCount: 0 }]);
    const v = checkChronos(r.h.entries, { slackMs: 500 });
    expect(v.violations).toEqual([]);
    expect(v.checked).toMatchObject({ jobs: 1, targets: 3, matched: 3, runs: 3 });
  });

  it('reports a run dropped after a failover and a duplicate, naming the job\'s operation', () => {
    const r = recorder();
    const a = r.create(job('a'));
    const read = r.read(runs('a', [10_100, 14_000, 14_200]), [{ name: 'a', successCount: 3, errorCount: 0 }]);
    const v = checkChronos(r.h.entries, { slackMs: 500 });
    expect(v.valid).toBe(false);
    expect(v.violations.map((x) => [x.kind, x.op, x.observation])).toEqual([['run-missed', a.index, read.index], ['run-extra', a.index, read.index]]);
    expect(v.violations[0]!.message).toMatch(/due #1/);
  });

  it('reports success counts that differ from the runs seen, and an acknowledged job Chronos lost', () => {
    const r = recorder();
    r.create(job('a'));
    const b = r.create(job('b'));
    r.read([...runs('a', [10_100, 12_050, 14_900]), ...runs('b', [10_000, 12_000, 14_000])], [{ name: 'a', successCount: 2, errorCount: 0 }]);
    const v = checkChronos(r.h.entries, { slackMs: 500 });
    expect(v.violations.map((x) => x.kind)).toEqual(['success-count', 'acknowledged-job-lost']);
    expect(v.violations[1]!.op).toBe(b.index);
  });

  it('judges a create of unknown outcome only if the job ran, and never a failed one', () => {
    const r = recorder();
    r.create(job('maybe'), 'info');
    r.create(job('ran'), 'info');
    r.create(job('no'), 'fail');
    r.read(runs('ran', [10_000, 12_000]), [{ name: 'ran', successCount: 2, errorCount: 0 }]);
    const v = checkChronos(r.h.entries, { slackMs: 500 });
    expect(v.checked.jobs).toBe(1);
    expect(v.violations.map((x) => x.kind)).toEqual(['run-missed']); // 'ran' missed its third target
  });

  it('accounts a target Chronos recorded as skipped (nobody could lead), and reports one both skipped and run', () => {
    const r = recorder();
    r.create(job('a'));
    r.read(runs('a', [10_100, 14_900]), [{ name: 'a', successCount: 2, errorCount: 0, skippedDue: [12_000] }]);
    const v = checkChronos(r.h.entries, { slackMs: 500 });
    expect(v.violations).toEqual([]);
    expect(v.checked).toMatchObject({ targets: 3, matched: 2, skipped: 1 });

    const both = recorder();
    const a = both.create(job('a'));
    both.read(runs('a', [10_100, 12_050, 14_900]), [{ name: 'a', successCount: 3, errorCount: 0, skippedDue: [12_000] }]);
    expect(checkChronos(both.h.entries, { slackMs: 500 }).violations).toEqual([expect.objectContaining({ kind: 'ran-and-skipped', op: a.index })]);
  });

  it('fails a run with no read of the agents\' runs', () => {
    const r = recorder();
    r.create(job('a'));
    expect(checkChronos(r.h.entries, { slackMs: 500 }).violations.map((x) => x.kind)).toEqual(['no-final-read']);
  });
});
