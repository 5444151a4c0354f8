import { DeploymentEnds } from './deployment-ends';

describe('DeploymentEnds', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('answers at once for an end already reported', async () => {
    const ends = new DeploymentEnds();
    ends.record('d1', { ok: true, why: '' });
    await expect(ends.within('d1', 1000)).resolves.toEqual({ ok: true, why: '' });
    expect(ends.waiting).toBe(0);
  });

  it('answers when the end is reported, and ignores other deployments', async () => {
    const ends = new DeploymentEnds();
    const w = ends.within('d1', 10_000);
    ends.record('other', { ok: true, why: '' });
    expect(ends.waiting).toBe(1);
    ends.record('d1', { ok: false, why: 'stopped' });
    await expect(w).resolves.toEqual({ ok: false, why: 'stopped' });
    expect(ends.waiting).toBe(0);
  });

  it('gives up after its time even when the clock says the timer fired early', async () => {
    const ends = new DeploymentEnds();
    const w = ends.within('d1', 3000);
    // The clock a millisecond behind the timer, as Node's timers allow.
    jest.setSystemTime(Date.now() - 1);
    jest.advanceTimersByTime(3000);
    await expect(w).resolves.toBeUndefined();
    expect(ends.waiting).toBe(0);
  });
});
