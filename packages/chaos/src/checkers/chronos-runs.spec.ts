import { checkChronosRuns, parseRunLines, targetsOf, type ScheduledJob } from './chronos-runs';

const job: ScheduledJob = { name: 'j', start: 10_000, intervalMs: 2_000, epsilonMs: 1_000, durationMs: 100 };
const SLACK = 500;
const run = (start: number) => ({ job: 'j', start, end: start + 100 });

describe('the Chronos run checker', () => {
  it('checks only targets whose run must have ended by the read', () => {
    // Windows: [10000, 11500], [12000, 13500], [14000, 15500]; the third needs 15600 <= readAt.
    expect(targetsOf(job, 15_599, SLACK).map((t) => t.due)).toEqual([10_000, 12_000]);
    expect(targetsOf(job, 15_600, SLACK).map((t) => t.due)).toEqual([10_000, 12_000, 14_000]);
    expect(targetsOf({ ...job, count: 1 }, 100_000, SLACK)).toHaveLength(1);
  });

  it('passes a history with one run in each window, late but inside epsilon + slack', () => {
    const v = checkChronosRuns([job], [run(10_050), run(13_400), run(14_000)], { readAt: 16_000, slackMs: SLACK });
    expect(v).toMatchObject({ valid: true, missed: 0, extra: 0 });
    expect(v.jobs.j).toMatchObject({ targets: 3, matched: 3 });
  });

  it('reports a missed run (a failover that lost it) with its due time', () => {
    const v = checkChronosRuns([job], [run(10_050), run(14_010)], { readAt: 16_000, slackMs: SLACK });
    expect(v.valid).toBe(false);
    expect(v.jobs.j!.missed).toEqual([{ job: 'j', due: 12_000, windowEnd: 13_500 }]);
  });

  it('reports a run outside its window as a miss, and early runs do not count', () => {
    const v = checkChronosRuns([job], [run(9_990), run(11_501), run(12_000), run(14_000)], { readAt: 16_000, slackMs: SLACK });
    expect(v.jobs.j!.missed.map((t) => t.due)).toEqual([10_000]);
  });

  it('reports a duplicate (the same due time run twice: two leaders) as extra, even with every target met', () => {
    const v = checkChronosRuns([job], [run(10_050), run(10_300), run(12_000), run(14_000)], { readAt: 16_000, slackMs: SLACK });
    expect(v).toMatchObject({ valid: false, missed: 0, extra: 1 });
    expect(v.jobs.j!.extra).toEqual([run(10_300)]);
  });

  it('needs distinct runs: one run in two overlapping windows meets only one', () => {
    const wide = { ...job, epsilonMs: 3_000, count: 2 }; // windows [10000,13500] and [12000,15500] overlap
    const v = checkChronosRuns([wide], [run(12_500)], { readAt: 20_000, slackMs: SLACK });
    expect(v.jobs.j).toMatchObject({ targets: 2, matched: 1 });
    expect(v.missed).toBe(1);
    // ... and with a second run both are met (the greedy choice gives the first window the earlier run).
    expect(checkChronosRuns([wide], [run(12_500), run(13_000)], { readAt: 20_000, slackMs: SLACK }).valid).toBe(true);
  });

  it('counts an incomplete run for nothing', () => {
    const v = checkChronosRuns([{ ...job, count: 1 }], [{ job: 'j', start: 10_050 }], { readAt: 16_000, slackMs: SLACK });
    expect(v.missed).toBe(1);
    expect(v.jobs.j!.incomplete).toHaveLength(1);
  });

  it('ignores runs after the checked span (their targets are not due yet)', () => {
    const v = checkChronosRuns([job], [run(10_000), run(12_000), run(14_000), run(16_000)], { readAt: 16_000, slackMs: SLACK });
    expect(v.valid).toBe(true);
  });

  it('does not count as extra a run that a target not checked yet may claim, even inside the last checked window', () => {
    // Checked: 10000 and 12000 (window to 13500); the run at 14000 belongs to the unchecked 14000.
    const v = checkChronosRuns([job], [run(10_000), run(12_000), run(14_000)], { readAt: 15_599, slackMs: SLACK });
    expect(v).toMatchObject({ valid: true, extra: 0 });
    // A second run for 12000 is still a duplicate.
    expect(checkChronosRuns([job], [run(10_000), run(12_000), run(12_900), run(14_000)], { readAt: 15_599, slackMs: SLACK }).extra).toBe(1);
  });

  it('reads the lines runs append', () => {
    expect(parseRunLines('a 1000 1100\nb 2000\n\njunk\na 3000 3100\n')).toEqual([{ job: 'a', start: 1000, end: 1100 }, { job: 'b', start: 2000 }, { job: 'a', start: 3000, end: 3100 }]);
  });
});
