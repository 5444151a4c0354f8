import { dependencyTree, graphLayout, jobRows, nextRunOf } from './jobs';

describe('nextRunOf', () => {
  it('is the start of a repeating interval with repetitions left', () => {
    expect(nextRunOf('R/2030-01-01T00:00:00Z/PT1H')).toBe('2030-01-01T00:00:00.000Z');
    expect(nextRunOf('R5/2030-01-01T01:00:00+01:00/P1D')).toBe('2030-01-01T00:00:00.000Z');
    expect(nextRunOf('R0/2030-01-01T00:00:00Z/PT1H')).toBeUndefined();
    expect(nextRunOf('R/garbage/PT1H')).toBeUndefined();
    expect(nextRunOf(undefined)).toBeUndefined();
  });
});

describe('jobRows', () => {
  it('says what triggers each job, its last outcome and its next run, sorted by name', () => {
    const rows = jobRows(
      [
        { name: 'b', command: 'x', schedule: 'R/2030-01-01T00:00:00Z/PT1M', scheduleTimeZone: 'Europe/Paris', lastSuccess: '2029-01-01T00:00:00Z', lastError: '2029-01-02T00:00:00Z' },
        { name: 'a', command: 'x', parents: ['b'], lastSuccess: '2029-01-03T00:00:00Z' },
        { name: 'c', command: 'x', cronSchedule: '*/5 * * * *', disabled: true },
      ],
      [{ name: 'b', status: 'failure', state: 'running' }],
    );
    expect(rows).toEqual([
      { name: 'a', trigger: 'after b', lastRun: '2029-01-03T00:00:00Z', lastOutcome: 'success', status: 'fresh', state: 'idle' },
      { name: 'b', trigger: 'R/2030-01-01T00:00:00Z/PT1M (Europe/Paris)', lastRun: '2029-01-02T00:00:00Z', lastOutcome: 'failure', nextRun: '2030-01-01T00:00:00.000Z', status: 'failure', state: 'running' },
      { name: 'c', trigger: 'cron */5 * * * *', status: 'disabled', state: 'idle' },
    ]);
  });
});

describe('graphLayout', () => {
  it('puts each job one layer right of its deepest parent and draws an edge per known parent', () => {
    const g = graphLayout([
      { name: 'root', command: 'x' },
      { name: 'mid', command: 'x', parents: ['root'] },
      { name: 'leaf', command: 'x', parents: ['root', 'mid', 'ghost'] },
      { name: 'alone', command: 'x' },
    ]);
    const at = Object.fromEntries(g.nodes.map((n) => [n.name, [n.x, n.y]]));
    expect(at).toEqual({ alone: [0, 0], root: [0, 48], mid: [180, 0], leaf: [360, 0] });
    expect(g.edges).toEqual([{ from: 'root', to: 'mid' }, { from: 'root', to: 'leaf' }, { from: 'mid', to: 'leaf' }]);
    expect([g.width, g.height]).toEqual([540, 96]);
  });
  it('survives a cycle in the JSON', () => {
    const g = graphLayout([{ name: 'a', command: 'x', parents: ['b'] }, { name: 'b', command: 'x', parents: ['a'] }]);
    expect(g.nodes.map((n) => n.name).sort()).toEqual(['a', 'b']);
  });
});

describe('dependencyTree', () => {
  const job = (name: string, parents?: string[]) => ({ name, command: 'true', ...(parents ? { parents } : { schedule: 'R/2030-01-01T00:00:00Z/PT1H' }) });

  it('draws dependents under their parents, in name order, a job with two parents under both', () => {
    expect(dependencyTree([job('extract'), job('report', ['load', 'audit']), job('load', ['extract']), job('audit'), job('clean', ['extract'])])).toEqual(['audit', '└─ report', 'extract', '├─ clean', '└─ load', '   └─ report']);
  });

  it('roots the jobs whose parents are not jobs, and marks a cycle instead of looping', () => {
    expect(dependencyTree([job('orphan', ['gone'])])).toEqual(['orphan']);
    expect(dependencyTree([job('a', ['b']), job('b', ['a'])])).toEqual(['a', '└─ b', '   └─ a (cycle)']);
  });
});
