import { replaceStep, type ReplaceCounts } from './rolling-replace';

/**
 * Simulates a rolling replace step by step (kills confirmed at once, new instances healthy at once
 * unless held back) and checks Marathon's bounds at every step.
 */
function simulate(target: number, mhc: number, moc: number, old = target) {
  let s = { oldActive: old, oldWanted: old, oldHealthy: old, newStarted: 0, newHealthy: 0 };
  const minHealthy = Math.ceil(target * mhc);
  const trace: { healthy: number; total: number }[] = [];
  for (let i = 0; i < 100; i++) {
    const c: ReplaceCounts = { target, minimumHealthCapacity: mhc, maximumOverCapacity: moc, ...s };
    const step = replaceStep(c);
    if (step.done) return trace;
    // kill first (confirmed), then start; new ones become healthy on the next round
    s = { oldActive: s.oldActive - step.killOld, oldWanted: s.oldWanted - step.killOld, oldHealthy: s.oldHealthy - step.killOld, newStarted: s.newStarted + step.startNew, newHealthy: s.newStarted };
    trace.push({ healthy: s.oldHealthy + s.newHealthy, total: s.oldActive + s.newStarted });
    expect(s.oldHealthy + s.newHealthy).toBeGreaterThanOrEqual(Math.min(minHealthy, target));
  }
  throw new Error('did not finish');
}

describe('rolling replace (TaskReplaceActor rules)', () => {
  it('defaults N=4 mhc=1 moc=1: start 4 new at once, never below 4 healthy, peak 8', () => {
    const first = replaceStep({ target: 4, minimumHealthCapacity: 1, maximumOverCapacity: 1, oldActive: 4, oldWanted: 4, oldHealthy: 4, newStarted: 0, newHealthy: 0 });
    expect(first).toEqual({ killOld: 0, startNew: 4, done: false });
    const trace = simulate(4, 1, 1);
    expect(Math.max(...trace.map((t) => t.total))).toBe(8);
  });

  it('N=10 mhc=0.5 moc=0.2: kill 5 at once, only 2 new while the killed still count', () => {
    const first = replaceStep({ target: 10, minimumHealthCapacity: 0.5, maximumOverCapacity: 0.2, oldActive: 10, oldWanted: 10, oldHealthy: 10, newStarted: 0, newHealthy: 0 });
    expect(first).toEqual({ killOld: 5, startNew: 2, done: false });
    const trace = simulate(10, 0.5, 0.2);
    expect(Math.max(...trace.map((t) => t.total))).toBeLessThanOrEqual(12);
  });

  it('N=3 mhc=1 moc=0: one at a time with the +1 over capacity', () => {
    expect(replaceStep({ target: 3, minimumHealthCapacity: 1, maximumOverCapacity: 0, oldActive: 3, oldWanted: 3, oldHealthy: 3, newStarted: 0, newHealthy: 0 })).toEqual({ killOld: 0, startNew: 1, done: false });
    const trace = simulate(3, 1, 0);
    expect(Math.max(...trace.map((t) => t.total))).toBe(4);
  });

  it('N=3 mhc=0 moc=0: stop everything first, then start', () => {
    expect(replaceStep({ target: 3, minimumHealthCapacity: 0, maximumOverCapacity: 0, oldActive: 3, oldWanted: 3, oldHealthy: 3, newStarted: 0, newHealthy: 0 })).toEqual({ killOld: 3, startNew: 0, done: false });
  });

  it('does not kill old instances whose health is unknown beyond what the healthy count allows', () => {
    // After a failover nothing is known healthy yet: kill nothing rather than everything.
    expect(replaceStep({ target: 3, minimumHealthCapacity: 1, maximumOverCapacity: 1, oldActive: 3, oldWanted: 3, oldHealthy: 0, newStarted: 1, newHealthy: 0 }).killOld).toBe(0);
  });

  it('is done when all new are healthy and no old is left', () => {
    expect(replaceStep({ target: 2, minimumHealthCapacity: 1, maximumOverCapacity: 1, oldActive: 0, oldWanted: 0, oldHealthy: 0, newStarted: 2, newHealthy: 2 }).done).toBe(true);
  });
});
