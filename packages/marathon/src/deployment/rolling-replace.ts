/**
 * One step of Marathon's rolling replace (TaskReplaceActor), as a pure function of the current
 * counts: how many old instances to kill now and how many new ones to start now. Called again on
 * every change until done. Bounds (../shared/reference/marathon.md §3.2):
 *   minHealthy  = ceil(N x minimumHealthCapacity)    never fewer healthy than this
 *   maxCapacity = floor(N x (1 + maximumOverCapacity)) never more instances than this
 * with Marathon's +1 when both bounds meet, so a restart can make progress.
 */
export interface ReplaceCounts {
  target: number;
  minimumHealthCapacity: number;
  maximumOverCapacity: number;
  /** Old instances still alive (killed ones count until their terminal update). */
  oldActive: number;
  /** Old instances not yet told to die. */
  oldWanted: number;
  /** Of those, the healthy ones. */
  oldHealthy: number;
  /** New instances started (any state short of terminal). */
  newStarted: number;
  /** New instances healthy and ready. */
  newHealthy: number;
}

export function maxCapacityOf(c: Pick<ReplaceCounts, 'target' | 'maximumOverCapacity' | 'minimumHealthCapacity'>, healthyNow: number): number {
  const minHealthy = Math.ceil(c.target * c.minimumHealthCapacity - 1e-9);
  let maxCapacity = Math.floor(c.target * (1 + c.maximumOverCapacity) + 1e-9);
  if (minHealthy === maxCapacity && maxCapacity <= healthyNow) maxCapacity += 1;
  return maxCapacity;
}

export function replaceStep(c: ReplaceCounts): { killOld: number; startNew: number; done: boolean } {
  const minHealthy = Math.ceil(c.target * c.minimumHealthCapacity - 1e-9);
  const healthy = c.oldHealthy + c.newHealthy;
  const maxCapacity = maxCapacityOf(c, healthy);
  // Marathon's killImmediately = healthyNow - minHealthy; the caller kills unhealthy old ones first.
  const killOld = Math.max(0, Math.min(c.oldWanted, healthy - minHealthy));
  const startNew = Math.max(0, Math.min(c.target - c.newStarted, maxCapacity - c.oldActive - c.newStarted));
  return { killOld, startNew, done: c.oldActive === 0 && c.newHealthy >= c.target };
}
