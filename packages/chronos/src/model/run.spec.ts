import { recordSkip, startTimeOf, type JobState } from './run';

describe('startTimeOf', () => {
  it("takes the agent's time of the running update, in ms; never after now; now without one", () => {
    expect(startTimeOf(1_000.25, 2_000_000)).toBe(1_000_250);
    expect(startTimeOf(5_000, 2_000_000)).toBe(2_000_000);
    expect(startTimeOf(undefined, 7)).toBe(7);
    expect(startTimeOf(0, 7)).toBe(7);
  });
});

describe('recordSkip', () => {
  const keepAll = (kept: readonly number[] | undefined, more: readonly number[]) => [...(kept ?? []), ...more];

  it('counts an occurrence once, however many times it is given up on', () => {
    const s: JobState = { parentsDone: [], skippedCount: 0 };
    expect(recordSkip(s, 10, keepAll)).toBe(true);
    expect(recordSkip(s, 10, keepAll)).toBe(false);
    expect(recordSkip(s, 20, keepAll)).toBe(true);
    expect(s).toEqual({ parentsDone: [], skippedCount: 2, lastSkipped: 20, skippedDue: [10, 20] });
  });
});
