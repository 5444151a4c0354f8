import { ManualClock, systemClock } from './clock';

describe('ManualClock', () => {
  it('fires timers that fall due, in time order, at their own time', () => {
    const c = new ManualClock(1000);
    const seen: [string, number][] = [];
    c.after(300, () => seen.push(['b', c.now()]));
    c.after(100, () => seen.push(['a', c.now()]));
    const every = c.every(250, () => seen.push(['tick', c.now()]));
    c.advance(200);
    expect(seen).toEqual([['a', 1100]]);
    c.advance(400);
    expect(seen).toEqual([['a', 1100], ['tick', 1250], ['b', 1300], ['tick', 1500]]);
    every.cancel();
    c.advance(1000);
    expect(seen).toHaveLength(4);
    expect(c.now()).toBe(2600);
    expect(c.pending).toBe(0);
  });
  it('does not fire a cancelled timer, and fires one set by another timer when it falls due', () => {
    const c = new ManualClock(0);
    const seen: number[] = [];
    const t = c.after(10, () => seen.push(-1));
    t.cancel();
    c.after(10, () => c.after(5, () => seen.push(c.now())));
    c.advance(100);
    expect(seen).toEqual([15]);
  });
});

describe('systemClock', () => {
  it('runs and cancels real timers', async () => {
    let fired = 0;
    const cancelled = systemClock.after(1, () => (fired += 100));
    cancelled.cancel();
    await new Promise<void>((resolve) => systemClock.after(5, () => resolve()));
    expect(fired).toBe(0);
  });
});
