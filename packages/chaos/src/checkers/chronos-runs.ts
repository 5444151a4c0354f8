/**
 * The Chronos checker of Jepsen's analysis, as a pure function over what the runs wrote: every
 * expected run (a target at due time t) must be met by a distinct completed run that started
 * in [t, t + epsilon + slack]; runs left over inside the checked span are extras (a duplicate,
 * or a run nobody asked for).
 */
export interface ScheduledJob {
  name: string;
  /** First due time (ms since the epoch). */
  start: number;
  intervalMs: number;
  /** Repetitions (R<n>); undefined: unbounded. */
  count?: number;
  epsilonMs: number;
  /** How long a run takes, at most (a target is checked only if its run must have ended by the read). */
  durationMs: number;
}

export interface ObservedRun {
  job: string;
  start: number;
  /** Undefined: the run never wrote its end (incomplete: it meets no target). */
  end?: number;
}

export interface Target {
  job: string;
  due: number;
  windowEnd: number;
}

export interface JobVerdict {
  targets: number;
  matched: number;
  missed: Target[];
  extra: ObservedRun[];
  incomplete: ObservedRun[];
}

export interface ChronosVerdict {
  valid: boolean;
  jobs: Record<string, JobVerdict>;
  missed: number;
  extra: number;
}

export function targetsOf(job: ScheduledJob, readAt: number, slackMs: number): Target[] {
  const out: Target[] = [];
  for (let k = 0; job.count === undefined || k < job.count; k++) {
    const due = job.start + k * job.intervalMs;
    const windowEnd = due + job.epsilonMs + slackMs;
    if (windowEnd + job.durationMs > readAt) break; // its run need not have ended by the read
    out.push({ job: job.name, due, windowEnd });
  }
  return out;
}

export function checkChronosRuns(jobs: ScheduledJob[], runs: ObservedRun[], opts: { readAt: number; slackMs: number }): ChronosVerdict {
  const verdicts: Record<string, JobVerdict> = {};
  let missed = 0;
  let extra = 0;
  for (const job of jobs) {
    const targets = targetsOf(job, opts.readAt, opts.slackMs);
    const mine = runs.filter((r) => r.job === job.name);
    const complete = mine.filter((r) => r.end !== undefined).sort((a, b) => a.start - b.start);
    const incomplete = mine.filter((r) => r.end === undefined);
    // Windows all have one length and come in order, so taking for each target the earliest
    // unused run inside its window finds a distinct match for every target whenever one exists.
    const used = new Set<ObservedRun>();
    const unmet: Target[] = [];
    let i = 0;
    for (const t of targets) {
      while (i < complete.length && complete[i]!.start < t.due) i++;
      const run = complete[i];
      if (run && run.start <= t.windowEnd) {
        used.add(run);
        i++;
      } else unmet.push(t);
    }
    // A leftover run is extra only if no target that is not checked yet could claim it: runs
    // from the first due time up to the next due time after the last checked target.
    const last = targets[targets.length - 1];
    const span = (r: ObservedRun) => !!targets.length && r.start >= targets[0]!.due && r.start < last!.due + job.intervalMs;
    const extras = complete.filter((r) => !used.has(r) && span(r));
    verdicts[job.name] = { targets: targets.length, matched: used.size, missed: unmet, extra: extras, incomplete };
    missed += unmet.length;
    extra += extras.length;
  }
  return { valid: missed === 0 && extra === 0, jobs: verdicts, missed, extra };
}

/** Reads the lines runs append ("name start end", seconds or ms), one run per line; a line without an end is incomplete. */
export function parseRunLines(text: string): ObservedRun[] {
  const out: ObservedRun[] = [];
  for (const line of text.split('\n')) {
    const [job, start, end] = line.trim().split(/\s+/);
    if (!job || !start || !Number.isFinite(Number(start))) continue;
    out.push({ job, start: Number(start), ...(end && Number.isFinite(Number(end)) ? { end: Number(end) } : {}) });
  }
  return out;
}
