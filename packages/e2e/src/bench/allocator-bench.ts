import { performance } from 'node:perf_hooks';
import { parseResources } from '@strata/lib';
import { HierarchicalAllocator } from '@strata/master';
import { round, summary } from './stats';

/**
 * Pure allocator pass times on Mesos's benchmark shapes (agents x frameworks, one role, every
 * framework wanting more): a full pass over every agent, and an incremental pass after 1% of the
 * agents freed their resources. Mesos 1.8 published ~1.1 s (10,000 x 1,000) and ~3.8 s (20,000 x 2,000).
 */
export function allocatorBench(shapes: [number, number][] = [[1_000, 100], [5_000, 500], [10_000, 1_000], [20_000, 2_000], [50_000, 200]], rounds = 5) {
  const agentRes = parseResources('cpus:8;mem:16384;disk:102400;ports:[31000-32000]');
  return shapes.map(([agents, frameworks]) => {
    const full: number[] = [];
    const incremental: number[] = [];
    for (let round_ = 0; round_ < rounds; round_++) {
      const a = new HierarchicalAllocator();
      for (let i = 0; i < agents; i++) a.addAgent(`s${i}`, agentRes);
      for (let f = 0; f < frameworks; f++) a.addFramework(`f${f}`, '*');
      let t = performance.now();
      const proposals = a.allocate(0);
      full.push(performance.now() - t);
      if (proposals.length !== agents) throw new Error(`expected ${agents} offers, got ${proposals.length}`);
      const changed = proposals.filter((_, i) => i % 100 === 0);
      for (const p of changed) a.recover(p.frameworkId, p.agentId, p.resources);
      t = performance.now();
      const again = a.allocate(1);
      incremental.push(performance.now() - t);
      if (again.length !== changed.length) throw new Error('incremental pass offered the wrong agents');
    }
    return { agents, frameworks, full_pass_ms: summary(full), incremental_1pct_ms: summary(incremental), per_agent_us: round((summary(full).p50 * 1000) / agents, 2) };
  });
}
