import { Router, type Request, type Response } from 'express';
import type { Chronos } from '../chronos';
import type { Run } from '../model/run';
import { parseJob, findCycle, JobValidationError, type Job } from '../model/job';
import { ResourceAuthz, StrataError, chronosResource, percentile } from '@strata/lib';

/** Longest `arguments` of a manual trigger. */
const MAX_ARGUMENTS = 4096;

/** Chronos's 400: `{"message": …, "status": "Bad Request"}`, also for unknown jobs. */
const badRequest = (message: string) => new StrataError('BAD_REQUEST', message, { status: 400 });

const order: (keyof Job)[] = ['name', 'command', 'shell', 'executor', 'executorFlags', 'taskInfoData', 'retries', 'owner', 'ownerName', 'description', 'successCount', 'errorCount', 'lastSuccess', 'lastError', 'cpus', 'disk', 'mem', 'disabled', 'softError', 'dataProcessingJobType', 'errorsSinceLastSuccess', 'fetch', 'uris', 'environmentVariables', 'secrets', 'arguments', 'highPriority', 'runAsUser', 'concurrent', 'maxCompletionTime', 'container', 'constraints', 'epsilon', 'parents', 'schedule', 'scheduleTimeZone', 'cronSchedule'];

/** Job JSON in Chronos's field order; `fetch` and `uris` each filled from the other when empty. */
export function jobJson(job: Job): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of order) if (job[k] !== undefined) out[k] = job[k];
  if (job.fetch.length === 0 && job.uris.length) out.fetch = job.uris.map((uri) => ({ uri, executable: false, cache: false, extract: true, output_file: '' }));
  if (job.uris.length === 0 && job.fetch.length) out.uris = job.fetch.map((f) => f.uri);
  return out;
}

/** The /v1/scheduler routes (mounted again at /scheduler for 2.x clients); `leader()` is the leading instance's host:port. */
export function schedulerRoutes(c: Chronos, leader: () => string = () => `${c.config.hostname}:${c.config.httpPort}`, authz = new ResourceAuthz(chronosResource)): Router {
  const r = Router();
  // Jobs a principal may not read are in no list, graph or statistic (issue 17: per-job permissions).
  const readable = (res: Response) => {
    const canRead = authz.canEach(res, 'read');
    return [...c.jobs.values()].filter((j) => canRead(j.name));
  };
  const job = (name: string) => {
    const j = c.jobs.get(name);
    if (!j) throw badRequest(`Job '${name}' not found`);
    return j;
  };
  const validate = (raw: unknown, kind: 'iso8601' | 'dependency'): Job => {
    let j: Job;
    try {
      j = parseJob(raw, kind, undefined, c.now());
    } catch (err) {
      if (err instanceof JobValidationError) throw badRequest(err.message);
      throw err;
    }
    const existing = c.jobs.get(j.name);
    if (j.parents) {
      const missing = j.parents.filter((p) => !c.jobs.has(p));
      if (missing.length) throw badRequest(`Job '${j.name}' does not have all parents defined: ${missing.join(', ')}`);
      const cycle = findCycle((n) => (n === j.name ? j.parents : c.jobs.get(n)?.parents), j.name);
      if (cycle) throw badRequest(`Adding job '${j.name}' would create a dependency cycle: ${cycle.join(' -> ')}`);
    }
    void existing;
    return j;
  };
  const put = (kind: 'iso8601' | 'dependency') => async (req: Request, res: Response) => {
    const j = validate(req.body, kind);
    authz.require(res, c.jobs.has(j.name) ? 'update' : 'create', j.name);
    await c.putJob(j);
    res.status(204).end();
  };
  r.post('/iso8601', put('iso8601'));
  r.put('/iso8601', put('iso8601'));
  r.post('/dependency', put('dependency'));
  r.put('/dependency', put('dependency'));

  r.get('/jobs', (_req, res) => res.json(readable(res).map(jobJson)));
  r.get('/jobs/search', (req, res) => {
    const name = String(req.query.name ?? '').toLowerCase();
    const command = String(req.query.command ?? '').toLowerCase();
    const any = String(req.query.any ?? '').toLowerCase();
    const limit = Number(req.query.limit ?? 10);
    const offset = Number(req.query.offset ?? 0);
    if (!Number.isInteger(limit) || limit < 0 || !Number.isInteger(offset) || offset < 0) throw badRequest("'limit' and 'offset' must be non-negative integers");
    const out: Record<string, unknown>[] = [];
    let skipped = 0;
    for (const j of readable(res)) {
      const n = j.name.toLowerCase();
      const cmd = j.command.toLowerCase();
      // Filters combine with AND; `any` matches name or command (Chronos's quirk of `any` rescuing everything is not kept).
      if ((name && !n.includes(name)) || (command && !cmd.includes(command)) || (any && !n.includes(any) && !cmd.includes(any))) continue;
      if (skipped++ < offset) continue;
      if (out.length >= limit) break;
      out.push(jobJson(j));
    }
    res.json(out);
  });
  r.get('/jobs/summary', (_req, res) => {
    res.json({ jobs: readable(res).map((j) => ({ name: j.name, status: c.lastStatus(j), state: c.currentState(j.name), schedule: j.schedule ?? j.cronSchedule ?? '', parents: j.parents ?? [], disabled: j.disabled })) });
  });
  r.get('/job/stat/:name', (req, res) => {
    job(req.params.name!);
    authz.require(res, 'read', req.params.name!);
    const runs = c.finishedRuns(req.params.name!).filter((x) => x.startedAt && x.endedAt);
    const durations = runs.map((x) => x.endedAt! - x.startedAt!);
    // skipped (a Strata extension): occurrences given up past their epsilon, so a client can tell a
    // skip from a miss: each due time either ran once or is listed here.
    const st = c.states.get(req.params.name!);
    const skipped = { count: st?.skippedCount ?? 0, recentDueTimes: (st?.skippedDue ?? []).map((d) => new Date(d).toISOString()) };
    res.json({ histogram: histogram(durations), taskStatHistory: runs.map((x) => taskStat(x)), skipped });
  });
  r.get('/job/:name', (req, res) => {
    const j = job(req.params.name!);
    authz.require(res, 'read', j.name);
    res.json(jobJson(j));
  });
  r.put('/job/success/:name', async (req, res) => {
    job(req.params.name!);
    authz.require(res, 'update', req.params.name!);
    await c.markSuccess(req.params.name!);
    res.type('text/plain').send(`marked job ${req.params.name} as successful: true`);
  });
  r.put('/job/:name', async (req, res) => {
    job(req.params.name!);
    authz.require(res, 'update', req.params.name!);
    const args = req.query.arguments ?? '';
    if (typeof args !== 'string') throw badRequest("'arguments' must be given once, as one string");
    if (args.length > MAX_ARGUMENTS) throw badRequest(`'arguments' is longer than ${MAX_ARGUMENTS} characters`);
    await c.trigger(req.params.name!, args);
    res.status(204).end();
  });
  r.delete('/job/:name', async (req, res) => {
    job(req.params.name!);
    authz.require(res, 'delete', req.params.name!);
    await c.deleteJob(req.params.name!);
    res.status(204).end();
  });
  r.delete('/task/kill/:name', (req, res) => {
    job(req.params.name!);
    authz.require(res, 'update', req.params.name!);
    c.killJob(req.params.name!);
    res.status(204).end();
  });
  r.get('/stats/:percentile', (req, res) => {
    const key = req.params.percentile!;
    const out: { jobNameLabel: string; time: number }[] = [];
    for (const j of readable(res)) {
      const durations = c.finishedRuns(j.name).filter((x) => x.startedAt && x.endedAt).map((x) => x.endedAt! - x.startedAt!);
      const h = histogram(durations) as Record<string, number>;
      if (durations.length && h[key] !== undefined) out.push({ jobNameLabel: j.name, time: h[key]! / 1000 });
    }
    res.json(out.sort((a, b) => b.time - a.time));
  });
  r.get('/graph/dot', (_req, res) => {
    const jobs = readable(res);
    const names = jobs.map((j) => j.name).sort();
    const ids = new Map(names.map((n, i) => [n, i + 1]));
    const lines = ['digraph G {', ...names.map((n) => `  ${ids.get(n)} [label="${n}"];`)];
    for (const j of jobs) for (const p of j.parents ?? []) if (ids.has(p)) lines.push(`  ${ids.get(p)} -> ${ids.get(j.name)};`);
    lines.push('}');
    res.type('text/plain').send(lines.join('\n') + '\n');
  });
  r.get('/graph/csv', (_req, res) => {
    const lines: string[] = [];
    const jobs = readable(res);
    const seen = new Set(jobs.map((j) => j.name));
    for (const j of jobs) lines.push(`node,${j.name},${c.lastStatus(j)},${c.currentState(j.name)}`);
    for (const j of jobs) for (const p of j.parents ?? []) if (seen.has(p)) lines.push(`link,${p},${j.name}`);
    res.type('text/plain').send(lines.join('\n') + '\n');
  });
  r.get('/leader', (_req, res) => res.json({ leader: leader() }));
  return r;
}

function histogram(ms: number[]) {
  return {
    '75thPercentile': percentile(ms, 75),
    '95thPercentile': percentile(ms, 95),
    '98thPercentile': percentile(ms, 98),
    '99thPercentile': percentile(ms, 99),
    median: percentile(ms, 50),
    mean: ms.length ? ms.reduce((a, b) => a + b, 0) / ms.length : 0,
    count: ms.length,
  };
}

function taskStat(r: Run) {
  return {
    taskId: r.id,
    jobName: r.job,
    slaveId: r.agentId ?? '',
    startTime: r.startedAt ? new Date(r.startedAt).toISOString() : '',
    endTime: r.endedAt ? new Date(r.endedAt).toISOString() : '',
    duration: r.startedAt && r.endedAt ? r.endedAt - r.startedAt : 0,
    status: r.state === 'finished' ? 'success' : r.state === 'failed' ? 'fail' : r.state,
    numElementsProcessed: 0,
  };
}
