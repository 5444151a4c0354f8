import type { Job } from '../model/job';
import { childrenReady, rewireOnDelete } from './dependency-graph';

const job = (name: string, extra: Partial<Job> = {}) => ({ name, ...extra }) as Job;

describe('rewireOnDelete (Chronos\'s delete rule)', () => {
  it('gives the children of a deleted schedule job its schedule', () => {
    const parent = job('p', { schedule: 'R/2026-01-01T00:00:00Z/PT1H', scheduleTimeZone: 'UTC' });
    const out = rewireOnDelete(parent, [job('c', { parents: ['p'] }), job('other', { parents: ['x'] })]);
    expect(out).toEqual([{ name: 'c', schedule: 'R/2026-01-01T00:00:00Z/PT1H', scheduleTimeZone: 'UTC', cronSchedule: undefined }]);
  });

  it('gives the children of a deleted dependency job its parents, without duplicates', () => {
    const mid = job('m', { parents: ['a', 'b'] });
    expect(rewireOnDelete(mid, [job('c', { parents: ['m', 'b', 'x'] })]).map((j) => j.parents)).toEqual([['b', 'x', 'a']]);
  });
});

describe('childrenReady', () => {
  it('marks a child ready once every parent has succeeded since it last started', () => {
    const jobs = [job('c', { parents: ['a', 'b'] }), job('d', { parents: ['a'] }), job('e', { parents: ['z'] })];
    const done: Record<string, string[]> = { c: ['b'] };
    expect(childrenReady('a', jobs, (n) => done[n] ?? []).map(({ child, ready }) => [child.name, ready])).toEqual([['c', true], ['d', true]]);
    expect(childrenReady('a', jobs, () => []).map(({ child, ready }) => [child.name, ready])).toEqual([['c', false], ['d', true]]);
  });
});
