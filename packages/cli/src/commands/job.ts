import { dependencyTree, jobRows, type ChronosJob, type JobSummary } from '@strata/operator-model';
import { gateway as client, patchOf, printJson as print, readDefinition } from '../cluster/output';
import { table } from '../table';

const API = '/chronos/v1/scheduler';
const jobPath = (name: string) => `${API}/job/${encodeURIComponent(name)}`;
const jobs = () => client().get<ChronosJob[]>(`${API}/jobs`);

/** Chronos takes a scheduled job at /iso8601 and a dependent one (with parents) at /dependency. */
const save = (job: Record<string, unknown>) => client().call('POST', `${API}/${Array.isArray(job.parents) && job.parents.length ? 'dependency' : 'iso8601'}`, job);

export async function jobList(o: { json?: boolean }): Promise<void> {
  const [all, summary] = await Promise.all([jobs(), client().get<{ jobs: JobSummary[] }>(`${API}/jobs/summary`)]);
  if (o.json) return print(all);
  const rows = jobRows(all, summary.jobs);
  process.stdout.write(table(['NAME', 'SCHEDULE', 'LAST RUN', 'NEXT RUN', 'STATUS', 'STATE'], rows.map((r) => [r.name, r.trigger, r.lastRun ? `${r.lastRun} ${r.lastOutcome}` : '-', r.nextRun ?? '-', r.status, r.state])) + '\n');
}

export async function jobShow(name: string): Promise<void> {
  print(await client().get(jobPath(name)));
}

export async function jobAdd(file: string | undefined): Promise<void> {
  const job = readDefinition(file) as Record<string, unknown>;
  if (!job || typeof job !== 'object' || Array.isArray(job)) throw new Error('a job definition is a JSON object');
  await save(job);
  process.stdout.write(`job ${String(job.name)} saved\n`);
}

/** `update NAME file|-|key=value...`: the job as it is, with these fields changed (Chronos saves by name). */
export async function jobUpdate(name: string, args: string[]): Promise<void> {
  const current = await client().get<Record<string, unknown>>(jobPath(name));
  const patch = patchOf(args);
  if (patch.name !== undefined && patch.name !== name) throw new Error(`'name' cannot change (${name} → ${String(patch.name)}): add a new job and remove this one`);
  await save({ ...current, ...patch, name });
  process.stdout.write(`job ${name} saved\n`);
}

export async function jobRun(name: string, o: { arguments?: string }): Promise<void> {
  await client().call('PUT', `${jobPath(name)}${o.arguments ? `?arguments=${encodeURIComponent(o.arguments)}` : ''}`);
  process.stdout.write(`job ${name} started\n`);
}

export async function jobKill(name: string): Promise<void> {
  await client().call('DELETE', `${API}/task/kill/${encodeURIComponent(name)}`);
  process.stdout.write(`job ${name}: its tasks killed\n`);
}

export async function jobSuccess(name: string): Promise<void> {
  await client().call('PUT', `${API}/job/success/${encodeURIComponent(name)}`);
  process.stdout.write(`job ${name} marked successful\n`);
}

export async function jobRemove(name: string): Promise<void> {
  await client().call('DELETE', jobPath(name));
  process.stdout.write(`job ${name} removed\n`);
}

interface Stat {
  taskStatHistory: { taskId: string; startTime: string; endTime: string; duration: number; status: string; slaveId?: string }[];
  skipped?: { count: number; recentDueTimes: string[] };
}

/** `strata job history NAME`: its finished runs, newest first, and the occurrences it skipped. */
export async function jobHistory(name: string, o: { json?: boolean }): Promise<void> {
  const [job, stat] = await Promise.all([client().get<ChronosJob>(jobPath(name)), client().get<Stat>(`${API}/job/stat/${encodeURIComponent(name)}`)]);
  const runs = [...stat.taskStatHistory].reverse();
  if (o.json) return print({ name, successCount: job.successCount ?? 0, errorCount: job.errorCount ?? 0, runs, skipped: stat.skipped ?? { count: 0, recentDueTimes: [] } });
  process.stdout.write(`${name}: ${job.successCount ?? 0} succeeded, ${job.errorCount ?? 0} failed${stat.skipped?.count ? `, ${stat.skipped.count} skipped` : ''}\n`);
  process.stdout.write(table(['STARTED', 'ENDED', 'DURATION', 'OUTCOME', 'TASK'], runs.map((r) => [r.startTime, r.endTime, `${(r.duration / 1000).toFixed(1)}s`, r.status, r.taskId])) + '\n');
}

/** `strata job graph`: the dependency tree, or Chronos's own Graphviz dot with `--dot`. */
export async function jobGraph(o: { dot?: boolean; json?: boolean }): Promise<void> {
  if (o.dot) return void process.stdout.write(await client().get<string>(`${API}/graph/dot`));
  const all = await jobs();
  if (o.json) return print(all.map((j) => ({ name: j.name, parents: j.parents ?? [] })));
  process.stdout.write(dependencyTree(all).join('\n') + '\n');
}
