import * as res from '@strata/lib/resources';
import { parseResources as r, type Resources } from '@strata/lib/resources';
import { ManualClock } from '@strata/lib/time';
import { DrfAllocator, isAllocatable } from './allocator';
import { dominantShare } from './shares';

const fw = (a: DrfAllocator, id: string, roles = ['*']) => a.addFramework(id, { roles });

describe('dominantShare', () => {
  it('is the largest fraction of any one resource (the NSDI 2011 example)', () => {
    // Cluster 9 cpus, 18 GB. A runs <1 cpu, 4 GB> x3, B runs <3 cpus, 1 GB> x2.
    const total = r('cpus:9;mem:18432');
    expect(dominantShare(r('cpus:3;mem:12288'), total)).toBeCloseTo(2 / 3);
    expect(dominantShare(r('cpus:6;mem:2048'), total)).toBeCloseTo(2 / 3);
    expect(dominantShare(r('cpus:1'), total, 2)).toBeCloseTo(1 / 18);
    expect(dominantShare(r('cpus:1'), res.EMPTY)).toBe(0);
  });
});

describe('DrfAllocator', () => {
  let clock: ManualClock;
  let a: DrfAllocator;
  beforeEach(() => {
    clock = new ManualClock(1_000);
    a = new DrfAllocator();
  });

  it("passes a framework over for offers holding none of its offer_filters' shapes", () => {
    a.addAgent('s1', r('cpus:0;mem:4096'));
    a.addAgent('s2', r('cpus:2;mem:4096'));
    a.addFramework('picky', { roles: ['*'], minAllocatable: { '*': [r('cpus:1;mem:128')] } });
    fw(a, 'any');
    const offers = a.allocate(clock.now()).map((p) => [p.agentId, p.frameworkId]);
    // picky goes first (equal shares, id order) but memory alone is no shape it can use.
    expect(offers).toEqual([['s1', 'any'], ['s2', 'picky']]);
  });

  it('offers each agent wholly to the framework with the lowest dominant share', () => {
    a.addAgent('s1', r('cpus:10;mem:100'));
    a.addAgent('s2', r('cpus:10;mem:100'));
    fw(a, 'a');
    fw(a, 'b');
    // a holds 5 cpus (share .25 of 20 cpus), b holds 60 mem (share .3 of 200 mem): a is behind.
    a.addAgent('s3', r('cpus:0;mem:0'));
    const first = a.allocate(clock.now());
    expect(first.map((p) => [p.agentId, p.frameworkId])).toEqual([['s1', 'a'], ['s2', 'b']]);
    a.recover('a', 's1', r('cpus:5;mem:100'));
    a.recover('b', 's2', r('cpus:10;mem:40'));
    // now a = 5/20 cpus = .25, b = 60/200 mem = .30
    expect(a.frameworkShare('a')).toBeCloseTo(0.25);
    expect(a.frameworkShare('b')).toBeCloseTo(0.3);
    // s1 goes to a (.25 < .30), which lifts a to max(10/20 cpus, 100/200 mem) = .5; so s2 goes to b.
    const second = a.allocate(clock.now());
    expect(second.map((p) => [p.agentId, p.frameworkId])).toEqual([['s1', 'a'], ['s2', 'b']]);
    expect(a.frameworkShare('a')).toBeCloseTo(0.5);
  });

  it('orders three frameworks by dominant share and moves the one just served back', () => {
    for (let i = 0; i < 6; i++) a.addAgent(`s${i}`, r('cpus:1;mem:1024'));
    ['x', 'y', 'z'].forEach((id) => fw(a, id));
    const order = a.allocate(clock.now()).map((p) => p.frameworkId);
    // Each offer raises its framework's share by the same amount, so DRF round-robins.
    expect(order).toEqual(['x', 'y', 'z', 'x', 'y', 'z']);
  });

  it('never offers what is already offered or used: each pass gives only free resources', () => {
    a.addAgent('s1', r('cpus:4;mem:4096;ports:[31000-31005]'));
    fw(a, 'a');
    const [p] = a.allocate(clock.now());
    expect(p!.resources).toEqual(r('cpus:4;mem:4096;ports:[31000-31005]'));
    expect(a.allocate(clock.now())).toEqual([]);
    a.recover('a', 's1', r('cpus:1;mem:1024;ports:[31002-31002]'));
    expect(a.allocate(clock.now())[0]!.resources).toEqual(r('cpus:1;mem:1024;ports:[31002-31002]'));
  });

  it('does not re-offer declined resources before refuse_seconds, then does', () => {
    a.addAgent('s1', r('cpus:4;mem:4096'));
    fw(a, 'a');
    const [p] = a.allocate(clock.now());
    a.recover('a', 's1', p!.resources, { refuseMs: 5_000, now: clock.now() });
    clock.advance(4_999);
    expect(a.allocate(clock.now())).toEqual([]);
    expect(a.nextFilterExpiry()).toBe(6_000);
    clock.advance(1);
    expect(a.allocate(clock.now()).map((x) => x.frameworkId)).toEqual(['a']);
  });

  it('lets a filtered framework be skipped for another one, and more free resources pass the filter', () => {
    a.addAgent('s1', r('cpus:4;mem:4096'));
    fw(a, 'a');
    const [p] = a.allocate(clock.now());
    a.recover('a', 's1', r('cpus:2;mem:2048'), { refuseMs: 10_000, now: clock.now() });
    expect(a.allocate(clock.now())).toEqual([]); // only the declined 2 cpus are free: filtered
    a.recover('a', 's1', r('cpus:2;mem:2048')); // a task ended: 4 cpus free, more than declined
    expect(a.allocate(clock.now()).map((x) => x.resources)).toEqual([p!.resources]);
    fw(a, 'b');
    a.recover('a', 's1', r('cpus:4;mem:4096'), { refuseMs: 10_000, now: clock.now() });
    expect(a.allocate(clock.now()).map((x) => x.frameworkId)).toEqual(['b']);
  });

  it('suppress stops offers; revive resumes them and clears filters', () => {
    a.addAgent('s1', r('cpus:4;mem:4096'));
    fw(a, 'a');
    a.suppress('a');
    expect(a.allocate(clock.now())).toEqual([]);
    a.revive('a');
    const [p] = a.allocate(clock.now());
    a.recover('a', 's1', p!.resources, { refuseMs: 60_000, now: clock.now() });
    expect(a.allocate(clock.now())).toEqual([]);
    a.revive('a');
    expect(a.allocate(clock.now())).toHaveLength(1);
  });

  it('skips inactive frameworks and agents, and slivers below the minimum', () => {
    a.addAgent('s1', r('cpus:4;mem:4096'));
    a.addAgent('tiny', r('cpus:0.001;mem:16'));
    fw(a, 'a');
    a.setFrameworkActive('a', false);
    expect(a.allocate(clock.now())).toEqual([]);
    a.setFrameworkActive('a', true);
    a.setAgentActive('s1', false);
    expect(a.allocate(clock.now())).toEqual([]);
    expect(isAllocatable(r('cpus:0.01'))).toBe(true);
    expect(isAllocatable(r('mem:32'))).toBe(true);
    expect(isAllocatable(r('disk:100'))).toBe(false);
  });

  it('frees what a removed framework held, and forgets a removed agent', () => {
    a.addAgent('s1', r('cpus:4;mem:4096'));
    fw(a, 'a');
    fw(a, 'b');
    expect(a.allocate(clock.now()).map((p) => p.frameworkId)).toEqual(['a']);
    a.removeFramework('a');
    expect(a.allocate(clock.now()).map((p) => p.frameworkId)).toEqual(['b']);
    a.removeAgent('s1');
    expect(a.total()).toEqual(res.EMPTY);
    expect(a.frameworkAllocation('b')).toEqual(res.EMPTY);
  });

  it('counts tasks an agent brings back (reregistration) towards their framework', () => {
    fw(a, 'a');
    a.addAgent('s1', r('cpus:4;mem:4096'), new Map([['a', r('cpus:3;mem:1024')]]));
    expect(a.frameworkAllocation('a')).toEqual(r('cpus:3;mem:1024'));
    expect(a.allocate(clock.now())[0]!.resources).toEqual(r('cpus:1;mem:3072'));
    a.addFramework('late', { roles: ['*'] });
    a.addAgent('s2', r('cpus:1;mem:1'), new Map([['late2', r('cpus:1')]]));
    a.addFramework('late2', { roles: ['*'] });
    expect(a.frameworkAllocation('late2')).toEqual(r('cpus:1'));
  });

  it('property: over random event sequences nothing is offered twice and allocations stay within totals', () => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let run = 0; run < 30; run++) {
      const al = new DrfAllocator();
      const agents = ['s0', 's1', 's2', 's3'];
      const totals = new Map<string, Resources>(agents.map((s) => [s, r('cpus:4;mem:4096;ports:[31000-31009]')]));
      agents.forEach((s) => al.addAgent(s, totals.get(s)!));
      const fws = ['f0', 'f1', 'f2'];
      fws.forEach((f) => al.addFramework(f, { roles: ['*'] }));
      const held = new Map<string, Resources>(); // `${fw}|${agent}` -> what the framework holds
      let now = 0;
      for (let step = 0; step < 200; step++) {
        now += Math.floor(rand() * 2000);
        const roll = rand();
        if (roll < 0.4) {
          for (const p of al.allocate(now)) {
            const key = `${p.frameworkId}|${p.agentId}`;
            // The offer must fit in what is free on that agent: total minus everything anybody holds there.
            const inUse = [...held.entries()].filter(([k]) => k.endsWith(`|${p.agentId}`)).reduce((s, [, v]) => res.add(s, v), res.EMPTY);
            expect(res.contains(res.subtract(totals.get(p.agentId)!, inUse), p.resources)).toBe(true);
            held.set(key, res.add(held.get(key) ?? res.EMPTY, p.resources));
          }
        } else if (roll < 0.8 && held.size) {
          const keys = [...held.keys()];
          const key = keys[Math.floor(rand() * keys.length)]!;
          const [f, s] = key.split('|') as [string, string];
          const cur = held.get(key)!;
          const back = rand() < 0.5 ? cur : res.resources({ cpus: Math.min(1, cur.scalars.cpus ?? 0) });
          al.recover(f, s, back, rand() < 0.5 ? { refuseMs: Math.floor(rand() * 5000), now } : undefined);
          const left = res.subtract(cur, back);
          if (res.isEmpty(left)) held.delete(key);
          else held.set(key, left);
        } else if (roll < 0.9) {
          al.suppress(fws[Math.floor(rand() * 3)]!);
        } else {
          al.revive(fws[Math.floor(rand() * 3)]!);
        }
        for (const s of agents) {
          const inUse = [...held.entries()].filter(([k]) => k.endsWith(`|${s}`)).reduce((acc, [, v]) => res.add(acc, v), res.EMPTY);
          expect(res.add(inUse, al.agentFree(s))).toEqual(totals.get(s));
        }
      }
    }
  });
});
