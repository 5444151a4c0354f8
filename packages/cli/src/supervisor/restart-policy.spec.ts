import { nextRestart, RESTART_BACKOFF, STABLE_AFTER_MS } from './restart-policy';

describe('nextRestart', () => {
  it('backs off exponentially while a service keeps crashing, up to the cap', () => {
    let state = { attempt: 0, startedAt: 0 };
    const delays: number[] = [];
    for (let i = 0; i < 9; i++) {
      const r = nextRestart(state, state.startedAt + 100);
      delays.push(r.delayMs);
      state = { attempt: r.attempt, startedAt: state.startedAt + 100 + r.delayMs };
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });
  it('starts over once the service ran for a minute', () => {
    expect(nextRestart({ attempt: 6, startedAt: 0 }, STABLE_AFTER_MS)).toEqual({ delayMs: RESTART_BACKOFF.initialMs, attempt: 1 });
    expect(nextRestart({ attempt: 6, startedAt: 0 }, STABLE_AFTER_MS - 1).delayMs).toBe(30_000);
  });
});
