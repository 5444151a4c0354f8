import * as res from '@strata/lib/resources';
import { DeclineFilters } from './decline-filters';

const r = (s: string) => res.parseResources(s);

describe('DeclineFilters', () => {
  it('filters what fits inside the declined resources until the filter runs out', () => {
    const f = new DeclineFilters();
    f.add('fw', 'a1', r('cpus:2;mem:1024'), 5_000);
    expect(f.isFiltered('fw', 'a1', r('cpus:2;mem:1024'), 4_999)).toBe(true);
    expect(f.isFiltered('fw', 'a1', r('cpus:1'), 4_999)).toBe(true);
    expect(f.isFiltered('fw', 'a1', r('cpus:2;mem:1024'), 5_000)).toBe(false);
  });

  it('lets more than was declined through (a task ended meanwhile), and filters only that framework on that agent', () => {
    const f = new DeclineFilters();
    f.add('fw', 'a1', r('cpus:1'), 10_000);
    expect(f.isFiltered('fw', 'a1', r('cpus:2'), 0)).toBe(false);
    expect(f.isFiltered('other', 'a1', r('cpus:1'), 0)).toBe(false);
    expect(f.isFiltered('fw', 'a2', r('cpus:1'), 0)).toBe(false);
  });

  it('expires filters off a heap and names the agents they freed, skipping entries a later decline replaced', () => {
    const f = new DeclineFilters();
    f.add('fw', 'a1', r('cpus:1'), 1_000);
    f.add('fw', 'a2', r('cpus:1'), 2_000);
    f.add('fw', 'a1', r('cpus:1'), 3_000); // replaces a1's first filter
    expect(f.size).toBe(2);
    expect(f.nextExpiry()).toBe(2_000);
    expect(f.expire(1_500)).toEqual([]);
    expect(f.expire(2_000)).toEqual(['a2']);
    expect(f.expire(3_000)).toEqual(['a1']);
    expect(f.size).toBe(0);
    expect(f.nextExpiry()).toBeUndefined();
  });

  it('clears a framework\'s filters (REVIVE, removal) and an agent\'s (it left)', () => {
    const f = new DeclineFilters();
    f.add('fw', 'a1', r('cpus:1'), 9_000);
    f.add('fw', 'a2', r('cpus:1'), 9_000);
    f.add('other', 'a2', r('cpus:1'), 9_000);
    f.clearFramework('fw');
    expect([f.isFiltered('fw', 'a1', r('cpus:1'), 0), f.isFiltered('other', 'a2', r('cpus:1'), 0)]).toEqual([false, true]);
    f.clearAgent('a2');
    expect(f.size).toBe(0);
    expect(f.expire(10_000)).toEqual([]);
  });
});
