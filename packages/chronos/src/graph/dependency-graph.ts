import type { Job } from '../model/job';

/**
 * Chronos's delete rule: children of a schedule job inherit its schedule; children of a
 * dependency job inherit its parents (the deleted one replaced by them). Returns the children
 * as they are to be stored.
 */
export function rewireOnDelete(deleted: Job, jobs: Iterable<Job>): Job[] {
  const out: Job[] = [];
  for (const child of jobs) {
    if (!child.parents?.includes(deleted.name)) continue;
    const next: Job = { ...child };
    if (deleted.parents) {
      next.parents = [...new Set([...child.parents.filter((p) => p !== deleted.name), ...deleted.parents])];
    } else {
      delete next.parents;
      next.schedule = deleted.schedule;
      next.cronSchedule = deleted.cronSchedule;
      next.scheduleTimeZone = deleted.scheduleTimeZone;
    }
    out.push(next);
  }
  return out;
}

/** The children of `parent` that become ready when it succeeds: every one of their parents has succeeded since they last started. */
export function childrenReady(parent: string, jobs: Iterable<Job>, parentsDone: (child: string) => readonly string[]): { child: Job; ready: boolean }[] {
  const out: { child: Job; ready: boolean }[] = [];
  for (const child of jobs) {
    if (!child.parents?.includes(parent)) continue;
    const done = new Set([...parentsDone(child.name), parent]);
    out.push({ child, ready: child.parents.every((p) => done.has(p)) });
  }
  return out;
}
