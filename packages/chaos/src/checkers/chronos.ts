import { observations, operations, type HistoryEntry, type Operation } from '../history/history';
import { checkChronosRuns, type ObservedRun, type ScheduledJob } from './chronos-runs';
import { verdict, type CheckerVerdict, type Violation } from './verdict';

/** What Chronos reported of a job after healing ('chronos-final'). */
export interface JobCounts {
  name: string;
  successCount: number;
  errorCount: number;
  /** Due times Chronos says it skipped (not started within epsilon): a target there is accounted for, if no run claims it. */
  skippedDue?: number[];
}

/**
 * Chronos under faults, after Jepsen's checker: every expected run of an acknowledged job is met
 * by a distinct completed run that started inside [due, due + epsilon + slack], or Chronos
 * recorded it as skipped (no leader could start it inside its epsilon) and it did not run: each
 * occurrence once or skipped, never both, never twice; and
 * the success count Chronos reports equals the completed runs the agents wrote. Input: job-create
 * operations (value: a ScheduledJob), the runs read from the agents ('chronos-runs': those started
 * by its time, which bounds the targets; 'chronos-runs-all': every run, read with the counts),
 * and Chronos's counts ('chronos-final').
 */
export function checkChronos(entries: readonly HistoryEntry[], opts: { slackMs: number }): CheckerVerdict {
  const violations: Violation[] = [];
  const creates = operations(entries).filter((o) => o.client === 'chronos' && o.f === 'job-create') as Operation<ScheduledJob>[];
  const runsRead = observations<ObservedRun[]>(entries, 'chronos-runs').at(-1);
  const counts = observations<JobCounts[]>(entries, 'chronos-final').at(-1);
  if (!runsRead) return verdict('chronos', { jobs: creates.length }, [{ kind: 'no-final-read', message: 'the run has no read of the runs the agents wrote' }]);
  const runs = runsRead.value;
  // An acknowledged create must be run; one of unknown outcome is judged only if it ran at all (then it exists).
  // A create retried after an unknown outcome is one job: judged once, by its acknowledged create if it has one.
  const byName = new Map<string, Operation<ScheduledJob>>();
  for (const c of creates) {
    const judged = c.outcome === 'ok' || (c.outcome !== 'fail' && runs.some((r) => r.job === c.value.name));
    if (judged && (!byName.has(c.value.name) || (c.outcome === 'ok' && byName.get(c.value.name)!.outcome !== 'ok'))) byName.set(c.value.name, c);
  }
  const jobs = [...byName.values()];
  // Counts are judged against every completed run, also those after the read that bounds the targets.
  const allRuns = observations<ObservedRun[]>(entries, 'chronos-runs-all').at(-1)?.value ?? runs;
  const v = checkChronosRuns(jobs.map((c) => c.value), runs, { readAt: runsRead.at, slackMs: opts.slackMs });
  const opOf = new Map(jobs.map((c) => [c.value.name, c]));
  let targets = 0;
  let skipped = 0;
  const skipsOf = (name: string) => new Set(counts?.value.find((c) => c.name === name)?.skippedDue ?? []);
  for (const [name, j] of Object.entries(v.jobs)) {
    targets += j.targets;
    const skips = skipsOf(name);
    const job = opOf.get(name)!.value;
    for (const due of skips) {
      const windowEnd = due + job.epsilonMs + opts.slackMs;
      const ran = runs.find((r) => r.job === name && r.end !== undefined && r.start >= due && r.start <= windowEnd);
      if (ran) violations.push({ kind: 'ran-and-skipped', subject: name, op: opOf.get(name)?.index, observation: runsRead.index, message: `${name}: the run due ${new Date(due).toISOString()} is recorded as skipped and ran at ${new Date(ran.start).toISOString()}` });
    }
    const missed = j.missed.filter((t) => !skips.has(t.due));
    skipped += j.missed.length - missed.length;
    for (const t of missed) violations.push({ kind: 'run-missed', subject: name, op: opOf.get(name)?.index, observation: runsRead.index, message: `${name}: no run started in [${new Date(t.due).toISOString()}, +${t.windowEnd - t.due} ms] (due #${Math.round((t.due - opOf.get(name)!.value.start) / opOf.get(name)!.value.intervalMs)})` });
    for (const r of j.extra) violations.push({ kind: 'run-extra', subject: name, op: opOf.get(name)?.index, observation: runsRead.index, message: `${name}: a run at ${new Date(r.start).toISOString()} that no target claims (a second run of one due time, or one nobody asked for)` });
  }
  if (!counts) violations.push({ kind: 'no-final-read', message: 'the run has no read of Chronos\'s job counts after healing' });
  else {
    for (const c of jobs) {
      const reported = counts.value.find((j) => j.name === c.value.name);
      const complete = allRuns.filter((r) => r.job === c.value.name && r.end !== undefined).length;
      if (!reported) violations.push({ kind: 'acknowledged-job-lost', subject: c.value.name, op: c.index, observation: counts.index, message: `${c.value.name} was created (acknowledged, #${c.index}) and Chronos no longer has it` });
      else if (reported.successCount !== complete) violations.push({ kind: 'success-count', subject: c.value.name, op: c.index, observation: counts.index, message: `${c.value.name}: Chronos reports ${reported.successCount} successes, the agents saw ${complete} completed runs` });
    }
  }
  return verdict('chronos', { jobs: jobs.length, targets, runs: runs.length, matched: targets - v.missed, skipped }, violations);
}
