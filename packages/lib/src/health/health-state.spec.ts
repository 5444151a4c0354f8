import { initialHealth, nextHealth } from './health-state';

const policy = { gracePeriodMs: 10_000, maxConsecutiveFailures: 3 };

describe('nextHealth', () => {
  it('ignores failures inside the grace period before the first success', () => {
    const r = nextHealth(initialHealth(), { ok: false, cause: 'refused' }, 5_000, 0, policy);
    expect(r).toMatchObject({ changed: false, kill: false, state: { consecutiveFailures: 0, lastFailureCause: 'refused' } });
    expect(r.state.alive).toBeUndefined();
  });

  it('counts failures after the grace period and asks for a kill at maxConsecutiveFailures', () => {
    let s = initialHealth();
    const kills: boolean[] = [];
    for (const t of [11_000, 12_000, 13_000]) {
      const r = nextHealth(s, { ok: false }, t, 0, policy);
      s = r.state;
      kills.push(r.kill);
    }
    expect(kills).toEqual([false, false, true]);
    expect(s).toMatchObject({ alive: false, consecutiveFailures: 3 });
  });

  it('a success ends the grace period early and resets the failure count', () => {
    let r = nextHealth(initialHealth(), { ok: true }, 1_000, 0, policy);
    expect(r).toMatchObject({ changed: true, state: { alive: true, firstSuccess: 1_000 } });
    r = nextHealth(r.state, { ok: false }, 2_000, 0, policy); // inside grace, but after a success: counts
    expect(r).toMatchObject({ changed: true, kill: false, state: { alive: false, consecutiveFailures: 1 } });
    r = nextHealth(r.state, { ok: true }, 3_000, 0, policy);
    expect(r.state).toMatchObject({ alive: true, consecutiveFailures: 0, firstSuccess: 1_000, lastSuccess: 3_000 });
  });

  it('never kills with maxConsecutiveFailures 0', () => {
    let s = initialHealth();
    for (let t = 20_000; t < 30_000; t += 1_000) {
      const r = nextHealth(s, { ok: false }, t, 0, { gracePeriodMs: 0, maxConsecutiveFailures: 0 });
      expect(r.kill).toBe(false);
      s = r.state;
    }
  });
});
