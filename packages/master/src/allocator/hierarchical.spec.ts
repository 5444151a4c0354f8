import * as res from '@strata/lib/resources';
import { parseResources as r, type Resources } from '@strata/lib/resources';
import { HierarchicalAllocator } from './hierarchical';

const cpus = (n: number) => r(`cpus:${n};mem:${n * 1024}`);

function cluster(agents: number, per: Resources = cpus(1)): HierarchicalAllocator {
  const a = new HierarchicalAllocator();
  for (let i = 0; i < agents; i++) a.addAgent(`s${i}`, per);
  return a;
}

const byFramework = (proposals: { frameworkId: string; resources: Resources }[]) => {
  const out: Record<string, number> = {};
  for (const p of proposals) out[p.frameworkId] = (out[p.frameworkId] ?? 0) + res.scalar(p.resources, 'cpus');
  return out;
};

describe('HierarchicalAllocator', () => {
  it('orders frameworks in a role by dominant share', () => {
    const a = cluster(6);
    a.addFramework('x', '*');
    a.addFramework('y', '*');
    a.addFramework('z', '*');
    expect(a.allocate(0).map((p) => p.frameworkId)).toEqual(['x', 'y', 'z', 'x', 'y', 'z']);
  });

  it('splits a contended cluster 1:3 between roles weighted 1 and 3', () => {
    const a = cluster(40);
    a.setWeight('batch', 1);
    a.setWeight('web', 3);
    a.addFramework('fa', 'batch');
    a.addFramework('fb', 'web');
    expect(byFramework(a.allocate(0))).toEqual({ fa: 10, fb: 30 });
  });

  it('serves a role below its quota before fair sharing, and holds back what its quota still needs', () => {
    const a = cluster(20);
    a.setWeight('big', 100);
    a.setQuota('q', cpus(8));
    a.addFramework('fq', 'q');
    a.addFramework('fbig', 'big');
    const first = byFramework(a.allocate(0));
    expect(first.fq).toBeGreaterThanOrEqual(8);
    // When the quota role declines, others may not eat into the headroom it is owed.
    const b = cluster(20);
    b.setQuota('q', cpus(8));
    b.addFramework('fq', 'q');
    b.addFramework('other', 'x');
    b.suppress('fq');
    expect(byFramework(b.allocate(0)).other).toBe(12);
  });

  it('offers reserved resources only to their role', () => {
    const a = new HierarchicalAllocator();
    a.addAgent('s0', cpus(1), new Map(), true, new Map([['web', r('cpus:2;mem:2048')]]));
    a.addFramework('batch-fw', 'batch');
    a.addFramework('web-fw', 'web');
    const p = a.allocate(0);
    expect(p.find((x) => x.role === 'web')).toMatchObject({ frameworkId: 'web-fw', resources: r('cpus:2;mem:2048') });
    expect(p.filter((x) => x.frameworkId === 'batch-fw').every((x) => x.role !== 'web')).toBe(true);
  });

  it('suppress stops offers, revive brings them back', () => {
    const a = cluster(2);
    a.addFramework('f', '*');
    a.suppress('f');
    expect(a.allocate(0)).toEqual([]);
    a.revive('f');
    expect(a.allocate(0)).toHaveLength(2);
  });

  it('filters expire, and the agent is looked at again then', () => {
    const a = cluster(1);
    a.addFramework('f', '*');
    const [p] = a.allocate(0);
    a.recover('f', 's0', p!.resources, { refuseMs: 5_000, now: 0 });
    expect(a.allocate(4_999)).toEqual([]);
    expect(a.allocate(5_000)).toHaveLength(1);
  });

  it('visits only agents whose free resources changed', () => {
    const a = cluster(100);
    a.addFramework('f', '*');
    expect(a.allocate(0)).toHaveLength(100);
    expect(a.allocate(1)).toEqual([]);
    a.recover('f', 's42', cpus(1));
    expect(a.allocate(2).map((p) => p.agentId)).toEqual(['s42']);
  });

  it('frees what a removed framework held, and counts tasks an agent brings back', () => {
    const a = cluster(2);
    a.addFramework('f', '*');
    a.addFramework('g', '*');
    a.allocate(0);
    a.removeFramework('f');
    expect(a.allocate(1).map((p) => p.frameworkId)).toEqual(['g']);
    const b = new HierarchicalAllocator();
    b.addFramework('late', '*');
    b.addAgent('s0', cpus(4), new Map([['late', cpus(3)]]));
    expect(b.frameworkShare('late')).toBeCloseTo(0.75);
    expect(res.scalar(b.allocate(0)[0]!.resources, 'cpus')).toBe(1);
  });

  it('refills a role reservation first when its resources come back', () => {
    const a = new HierarchicalAllocator();
    a.addAgent('s0', cpus(1), new Map(), true, new Map([['web', cpus(2)]]));
    a.addFramework('w', 'web');
    const got = a.allocate(0);
    for (const p of got) a.recover('w', 's0', p.resources);
    a.addFramework('other', 'batch');
    const again = a.allocate(1);
    expect(again.find((p) => p.role === 'web')?.frameworkId).toBe('w');
    expect(res.scalar(again.find((p) => p.role === 'web')!.resources, 'cpus')).toBe(2);
  });

  it('caps the offers a framework gets by its budget; agents passed over wait for the next pass', () => {
    const a = cluster(10);
    a.addFramework('x', '*');
    a.addFramework('y', '*');
    const outstanding: Record<string, number> = { x: 0, y: 0 };
    const budget = (f: string) => 2 - outstanding[f]!;
    const first = a.allocate(0, budget);
    expect(byFramework(first)).toEqual({ x: 2, y: 2 });
    for (const p of first) outstanding[p.frameworkId]!++;
    // Everyone is out of budget: nothing is offered, and nothing is lost.
    expect(a.allocate(1, budget)).toEqual([]);
    // x answers: it launches on one offer and returns the other; its budget is back.
    const [, returned] = first.filter((p) => p.frameworkId === 'x');
    a.recover('x', returned!.agentId, returned!.resources);
    outstanding.x = 0;
    const third = a.allocate(2, budget);
    expect(third.map((p) => p.frameworkId)).toEqual(['x', 'x']);
    // Without a budget the agents still waiting all go out, none twice.
    const rest = a.allocate(3);
    const offered = [...first, ...third, ...rest].map((p) => p.agentId);
    expect(rest).toHaveLength(10 - 4 - 2 + 1);
    expect(new Set(offered).size).toBe(10);
  });

  it("offers a free slice only if it holds one of --min-allocatable-resources' alternatives", () => {
    const leftover = r('cpus:0;mem:900');
    for (const [min, offered] of [[undefined, true], ['cpus:0.01', false], ['cpus:0.01|mem:512', true], ['cpus:0.01|mem:1000', false]] as const) {
      const a = new HierarchicalAllocator(min ? { minAllocatable: min } : {});
      a.addAgent('s0', cpus(1));
      a.addFramework('f', '*');
      const [p] = a.allocate(0);
      // The framework uses the cpu and some memory and gives back only memory.
      a.recover('f', 's0', res.subtract(p!.resources, res.subtract(cpus(1), leftover)));
      expect(a.allocate(1).length > 0).toBe(offered);
    }
    expect(() => new HierarchicalAllocator({ minAllocatable: 'cpus:x' })).toThrow('malformed resources');
  });

  it("passes a framework over for offers holding none of its offer_filters' shapes, on every agent, and offers them to others", () => {
    const a = cluster(2, cpus(2));
    a.addFramework('picky', { roles: ['*'], minAllocatable: { '*': [r('cpus:1;mem:128')] } });
    a.addFramework('any', '*');
    const first = a.allocate(0);
    expect(byFramework(first)).toEqual({ picky: 2, any: 2 });
    // Each uses all the cpus and gives back memory only: picky is never offered it (it would only
    // decline), and that memory goes to the framework without filters.
    for (const p of first) a.recover(p.frameworkId, p.agentId, r('mem:1024'));
    const slivers = a.allocate(1);
    expect(slivers.map((p) => p.frameworkId)).toEqual(['any', 'any']);
    for (const p of slivers) a.recover(p.frameworkId, p.agentId, p.resources, { refuseMs: 60_000, now: 1 });
    expect(a.allocate(2)).toEqual([]);
    // A cpu coming back makes the agent a shape picky can use again.
    const picky = first.find((p) => p.frameworkId === 'picky')!;
    a.recover('picky', picky.agentId, r('cpus:1'));
    expect(a.allocate(3)).toEqual([expect.objectContaining({ frameworkId: 'picky', agentId: picky.agentId })]);
    // Shapes are per role: in a role with none, anything goes; re-adding with none clears them.
    a.addFramework('picky', { roles: ['*'] });
    a.revive('picky');
    a.removeFramework('any');
    expect(a.allocate(4).every((p) => p.frameworkId === 'picky')).toBe(true);
  });

  it('does not hold an agent over for a framework out of budget that its shapes or filters pass over anyway', () => {
    const a = cluster(2, cpus(2));
    a.addFramework('picky', { roles: ['*'], minAllocatable: { '*': [r('cpus:1')] } });
    const first = a.allocate(0);
    expect(first).toHaveLength(2);
    a.addFramework('other', { roles: ['*'], minAllocatable: { '*': [r('cpus:1')] } });
    const onlyOther = (id: string) => (id === 'other' ? 1 : 0);
    // Memory comes back on both agents while picky has no budget: neither could use it anyway.
    for (const p of first) a.recover('picky', p.agentId, r('mem:1024'));
    expect(a.allocate(1, onlyOther)).toEqual([]);
    expect(a.pendingAgents).toBe(0);
    // A cpu is another matter: other takes it; a second one waits until someone has budget.
    a.recover('picky', first[0]!.agentId, r('cpus:1'));
    expect(a.allocate(2, onlyOther)).toEqual([expect.objectContaining({ frameworkId: 'other', agentId: first[0]!.agentId })]);
    a.recover('picky', first[1]!.agentId, r('cpus:1'));
    expect(a.allocate(3, () => 0)).toEqual([]);
    expect(a.pendingAgents).toBe(1);
    expect(a.allocate(4, () => 1)).toEqual([expect.objectContaining({ agentId: first[1]!.agentId })]);
  });

  it('dynamic reservations: reserved while held return to the role; free ones move at once; unreserved ones go back to everyone', () => {
    const a = cluster(1, cpus(4));
    a.addFramework('w', 'web');
    const [p] = a.allocate(0);
    // The web framework reserves 2 of the 4 cpus it holds, and gives all back.
    expect(a.reserve('s0', 'web', cpus(2), 'held')).toBe(true);
    a.recover('w', 's0', p!.resources, undefined, 'web');
    a.addFramework('b', 'batch');
    const offers = a.allocate(1);
    expect(offers).toEqual(expect.arrayContaining([expect.objectContaining({ frameworkId: 'w', reservation: 'web', resources: cpus(2) }), expect.objectContaining({ frameworkId: 'b', resources: cpus(2) })]));
    for (const o of offers) a.recover(o.frameworkId, o.agentId, o.resources, undefined, o.role);
    // Unreserving what is free moves it back at once; more than is reserved is refused.
    expect(a.unreserve('s0', 'web', cpus(3), 'free')).toBe(false);
    expect(a.unreserve('s0', 'web', cpus(2), 'free')).toBe(true);
    a.suppress('w');
    expect(byFramework(a.allocate(2))).toEqual({ b: 4 });
    expect(a.reserve('s0', 'web', cpus(1), 'free')).toBe(false); // b holds it all now
    expect(a.reserve('s0', '*', cpus(1), 'held')).toBe(false);
  });

  it('a pass makes at most `limit` offers; the agents it did not reach are offered by the next', () => {
    const a = cluster(10);
    a.addFramework('f', '*');
    expect(a.allocate(0, undefined, 4)).toHaveLength(4);
    expect(a.pendingAgents).toBe(6);
    expect(a.allocate(1, undefined, 4)).toHaveLength(4);
    expect(a.allocate(2, undefined, 4)).toHaveLength(2);
    expect(a.pendingAgents).toBe(0);
  });

  it('a framework in several roles (MULTI_ROLE) is offered in each, suppresses per role and gives back to the role named', () => {
    const a = cluster(8);
    a.addFramework('m', { roles: ['a', 'b'] });
    a.addFramework('x', { roles: ['a'] });
    a.addFramework('y', { roles: ['b'] });
    const first = a.allocate(0);
    // Roles alternate (equal weights); inside each, m is ordered by what it holds in that role only.
    expect(byFramework(first)).toEqual({ m: 4, x: 2, y: 2 });
    expect(new Set(first.filter((p) => p.frameworkId === 'm').map((p) => p.role))).toEqual(new Set(['a', 'b']));
    const held = (role: string) => a.roleShares().find((r) => r.role === role)!.allocated.scalars.cpus ?? 0;
    expect([held('a'), held('b')]).toEqual([4, 4]);
    for (const p of first) a.recover(p.frameworkId, p.agentId, p.resources, undefined, p.role);
    expect([held('a'), held('b')]).toEqual([0, 0]);

    a.suppress('m', ['a']);
    const second = a.allocate(1);
    const mine = second.filter((p) => p.frameworkId === 'm');
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((p) => p.role === 'b')).toBe(true);
    // Giving back in the role named moves that role's holdings, not the other's.
    const before = [held('a'), held('b')];
    a.recover('m', mine[0]!.agentId, mine[0]!.resources, undefined, 'b');
    expect([held('a'), held('b')]).toEqual([before[0], before[1]! - 1]);
    a.revive('m', ['a']);
    for (const p of second) if (p !== mine[0]) a.recover(p.frameworkId, p.agentId, p.resources, undefined, p.role);
    expect(a.allocate(2).some((p) => p.frameworkId === 'm' && p.role === 'a')).toBe(true);
    // Removing it frees what it holds in every role.
    a.removeFramework('m');
    expect(a.frameworkShare('m')).toBe(0);
  });

  it('property: never offers more than is free, never the same resources twice', () => {
    let seed = 3;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const a = cluster(10, cpus(4));
    ['f0', 'f1', 'f2'].forEach((f, i) => a.addFramework(f, `r${i % 2}`));
    a.addFramework('f3', { roles: ['r0', 'r1'] }); // in two roles: gives back without naming one
    a.setWeight('r1', 2);
    const held = new Map<string, Resources>(); // agent -> what frameworks hold there
    let now = 0;
    for (let step = 0; step < 300; step++) {
      now += 500;
      if (rand() < 0.5) {
        // Sometimes with an offer budget, so passes that stop early and carry agents over are covered too.
        const budget = rand() < 0.5 ? undefined : () => Math.floor(rand() * 3);
        for (const p of a.allocate(now, budget)) {
          const h = held.get(p.agentId) ?? res.EMPTY;
          expect(res.contains(res.subtract(cpus(4), h), p.resources)).toBe(true);
          held.set(p.agentId, res.add(h, p.resources));
          held.set(`${p.agentId}|${p.frameworkId}`, res.add(held.get(`${p.agentId}|${p.frameworkId}`) ?? res.EMPTY, p.resources));
        }
      } else {
        const keys = [...held.keys()].filter((k) => k.includes('|'));
        if (!keys.length) continue;
        const key = keys[Math.floor(rand() * keys.length)]!;
        const [agent, fw] = key.split('|') as [string, string];
        const give = held.get(key)!;
        a.recover(fw, agent, give, rand() < 0.5 ? { refuseMs: 1_000, now } : undefined);
        held.set(agent, res.subtract(held.get(agent)!, give));
        held.delete(key);
      }
    }
    // Liveness: once filters have run out, an unbudgeted pass offers everything still free.
    for (const p of a.allocate(now + 60_000)) held.set(p.agentId, res.add(held.get(p.agentId) ?? res.EMPTY, p.resources));
    for (let i = 0; i < 10; i++) expect(res.scalar(held.get(`s${i}`) ?? res.EMPTY, 'cpus')).toBe(4);
  });
});
