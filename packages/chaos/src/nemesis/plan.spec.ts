import { Random } from '../random';
import { bridge, halves, planSpan, randomPlan, shortPlan, type ClusterShape } from './plan';

const shape: ClusterShape = {
  hosts: ['h1', 'h2', 'h3', 'h4', 'h5'],
  processes: [
    ...['h1', 'h2', 'h3'].flatMap((h) => [{ name: `etcd-${h}`, role: 'etcd' }, { name: `master-${h}`, role: 'master' }]),
    ...['h1', 'h2', 'h3', 'h4', 'h5'].map((h) => ({ name: `agent-${h}`, role: 'agent' })),
    ...['h4', 'h5'].flatMap((h) => [{ name: `marathon-${h}`, role: 'marathon' }, { name: `chronos-${h}`, role: 'chronos' }]),
  ],
};

describe('fault plans', () => {
  it('the short plan: six faults in order, one at a time, inside three minutes, the same for the same seed', () => {
    const p = shortPlan(1, shape);
    expect(p.map((f) => f.kind)).toEqual(['kill-leader', 'partition-isolate', 'pause', 'kill-leader', 'partition-halves', 'host-down']);
    for (let i = 1; i < p.length; i++) expect(p[i]!.atMs).toBeGreaterThanOrEqual(p[i - 1]!.atMs + p[i - 1]!.durationMs);
    expect(planSpan(p)).toBeLessThan(180_000);
    expect(shortPlan(1, shape)).toEqual(p);
    expect(p[2]!.target).toMatch(/^marathon-/);
    expect(p[2]!.durationMs).toBeGreaterThan(2 * 2_000); // a pause outlasts a lease
  });

  it('a random plan is a function of its seed, draws every kind before repeating one, and fits its duration', () => {
    const a = randomPlan({ seed: 7, durationMs: 20 * 60_000, shape });
    expect(randomPlan({ seed: 7, durationMs: 20 * 60_000, shape })).toEqual(a);
    expect(randomPlan({ seed: 8, durationMs: 20 * 60_000, shape })).not.toEqual(a);
    expect(new Set(a.slice(0, 7).map((f) => f.kind)).size).toBe(7);
    expect(planSpan(a)).toBeLessThanOrEqual(20 * 60_000);
    for (let i = 1; i < a.length; i++) expect(a[i]!.atMs).toBeGreaterThanOrEqual(a[i - 1]!.atMs + a[i - 1]!.durationMs);
    for (const f of a) {
      if (f.kind === 'kill' || f.kind === 'pause') expect(shape.processes.map((p) => p.name)).toContain(f.target);
      if (f.kind === 'pause') expect(f.target).not.toMatch(/^etcd/);
      if (f.kind === 'kill-leader') expect(['master', 'marathon', 'chronos']).toContain(f.target);
      if (f.kind === 'partition-isolate' || f.kind === 'host-down') expect(shape.hosts).toContain(f.target);
    }
  });

  it('splits hosts into a minority and a majority, and a bridge with one host on both sides', () => {
    const r = new Random(3);
    const [small, big] = halves(shape.hosts, r);
    expect(small!.length).toBe(2);
    expect(big!.length).toBe(3);
    expect([...small!, ...big!].sort()).toEqual(shape.hosts);
    const [left, right] = bridge(shape.hosts, new Random(3));
    const both = left!.filter((h) => right!.includes(h));
    expect(both).toHaveLength(1);
    expect(new Set([...left!, ...right!]).size).toBe(5);
  });
});
