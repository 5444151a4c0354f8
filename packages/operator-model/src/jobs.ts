/**
 * What the Jobs views show, from Chronos's JSON: pure functions, unit-tested, no DOM.
 */

export interface ChronosJob {
  name: string;
  command: string;
  schedule?: string;
  scheduleTimeZone?: string;
  cronSchedule?: string;
  parents?: string[];
  lastSuccess?: string;
  lastError?: string;
  successCount?: number;
  errorCount?: number;
  disabled?: boolean;
  epsilon?: string;
}

export interface JobSummary {
  name: string;
  status: string;
  state: string;
}

export interface JobRow {
  name: string;
  /** What triggers it: the ISO 8601 or cron schedule, or "after a, b". */
  trigger: string;
  lastRun?: string;
  lastOutcome?: 'success' | 'failure';
  /** The next due time as ISO 8601, or undefined (cron, dependent, finished repetitions, disabled). */
  nextRun?: string;
  status: string;
  state: string;
}

/**
 * The next due time of an ISO 8601 repeating interval `Rn/start/period`: Chronos moves the start
 * forward as occurrences pass, so the start is the next one; R0 has none left.
 */
export function nextRunOf(schedule: string | undefined): string | undefined {
  if (!schedule) return undefined;
  const [reps, start] = schedule.split('/');
  if (!reps || !start || reps === 'R0') return undefined;
  const t = Date.parse(start);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

export function jobRows(jobs: readonly ChronosJob[], summary: readonly JobSummary[] = []): JobRow[] {
  const byName = new Map(summary.map((s) => [s.name, s]));
  return jobs
    .map((j) => {
      const s = byName.get(j.name);
      const success = j.lastSuccess ? Date.parse(j.lastSuccess) : NaN;
      const error = j.lastError ? Date.parse(j.lastError) : NaN;
      const last = Number.isNaN(error) || success >= error ? (Number.isNaN(success) ? undefined : { at: j.lastSuccess!, outcome: 'success' as const }) : { at: j.lastError!, outcome: 'failure' as const };
      const trigger = j.parents?.length ? `after ${j.parents.join(', ')}` : j.cronSchedule ? `cron ${j.cronSchedule}${j.scheduleTimeZone ? ` (${j.scheduleTimeZone})` : ''}` : `${j.schedule ?? ''}${j.scheduleTimeZone ? ` (${j.scheduleTimeZone})` : ''}`;
      const nextRun = j.disabled || j.parents?.length || j.cronSchedule ? undefined : nextRunOf(j.schedule);
      return { name: j.name, trigger, ...(last ? { lastRun: last.at, lastOutcome: last.outcome } : {}), ...(nextRun ? { nextRun } : {}), status: s?.status ?? (j.disabled ? 'disabled' : 'fresh'), state: s?.state ?? 'idle' };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export interface GraphLayout {
  nodes: { name: string; x: number; y: number }[];
  edges: { from: string; to: string }[];
  width: number;
  height: number;
}

/**
 * The dependency graph in layers: a job sits one layer right of its deepest parent, jobs in a
 * layer stacked in name order. Parents that are not jobs are ignored; a cycle (Chronos refuses
 * them, but the JSON could hold one) is cut where it closes.
 */
export function graphLayout(jobs: readonly ChronosJob[], step = { x: 180, y: 48 }): GraphLayout {
  const byName = new Map(jobs.map((j) => [j.name, j]));
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const depthOf = (name: string): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    if (visiting.has(name)) return 0;
    visiting.add(name);
    const parents = (byName.get(name)?.parents ?? []).filter((p) => byName.has(p));
    const d = parents.length ? 1 + Math.max(...parents.map(depthOf)) : 0;
    visiting.delete(name);
    depth.set(name, d);
    return d;
  };
  const layers: string[][] = [];
  for (const name of [...byName.keys()].sort()) (layers[depthOf(name)] ??= []).push(name);
  const nodes = layers.flatMap((names, x) => (names ?? []).map((name, y) => ({ name, x: x * step.x, y: y * step.y })));
  const edges = jobs.flatMap((j) => (j.parents ?? []).filter((p) => byName.has(p)).map((p) => ({ from: p, to: j.name })));
  return { nodes, edges, width: Math.max(1, layers.length) * step.x, height: Math.max(1, ...layers.map((l) => l?.length ?? 0)) * step.y };
}

/**
 * The dependency graph as an indented tree for a terminal: the jobs no job triggers at the root,
 * each dependent under each of its parents (so a job with two parents shows twice), in name
 * order. A job met again below itself (a cycle) is shown once more, marked, and not descended.
 */
export function dependencyTree(jobs: readonly ChronosJob[]): string[] {
  const names = new Set(jobs.map((j) => j.name));
  const children = new Map<string, string[]>();
  for (const j of jobs) for (const p of j.parents ?? []) if (names.has(p)) children.set(p, [...(children.get(p) ?? []), j.name]);
  const roots = jobs.filter((j) => !(j.parents ?? []).some((p) => names.has(p))).map((j) => j.name);
  const lines: string[] = [];
  const seen = new Set<string>();
  const walk = (name: string, prefix: string, last: boolean, top: boolean, path: Set<string>) => {
    const cycle = path.has(name);
    lines.push(top ? name : `${prefix}${last ? '└─ ' : '├─ '}${name}${cycle ? ' (cycle)' : ''}`);
    seen.add(name);
    if (cycle) return;
    const kids = [...(children.get(name) ?? [])].sort();
    const next = top ? '' : prefix + (last ? '   ' : '│  ');
    kids.forEach((k, i) => walk(k, next, i === kids.length - 1, false, new Set([...path, name])));
  };
  for (const r of [...roots].sort()) walk(r, '', true, true, new Set());
  // Jobs only reachable through a cycle have no root: show them from the first of them.
  for (const j of [...jobs].sort((a, b) => a.name.localeCompare(b.name))) if (!seen.has(j.name)) walk(j.name, '', true, true, new Set());
  return lines;
}
