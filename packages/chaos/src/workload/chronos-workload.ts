import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseRunLines, type ObservedRun, type ScheduledJob } from '../checkers/chronos-runs';
import type { JobCounts } from '../checkers/chronos';
import type { History } from '../history/history';
import type { Random } from '../random';
import { call, outcomeOf } from './http';

export interface ChronosWorkloadOptions {
  bases: () => string[];
  jobs: number;
  intervalMs: number;
  epsilonMs: number;
  /** Where runs append their lines: one file per agent host ($HOST), on the harness's disk. */
  runsDir: string;
  history: History;
  random: Random;
  sleep: (ms: number) => Promise<void>;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const isoSeconds = (ms: number) => `PT${Math.round(ms / 1000)}S`;

/**
 * Chronos's workload, as Jepsen's: jobs repeating every few seconds whose command appends
 * "name start end" (ms) to a file of the agent it runs on; the checker matches those lines to the
 * due times. Jobs are created once, at the start; at the end their runs and counts are read.
 */
export class ChronosWorkload {
  readonly jobs: ScheduledJob[] = [];

  constructor(private readonly opts: ChronosWorkloadOptions) {}

  private base(): string {
    return this.opts.random.pick(this.opts.bases());
  }

  private body(job: ScheduledJob) {
    const file = path.join(this.opts.runsDir, '$HOST.log');
    const command = `s=$(date +%s%3N); sleep 0.3; echo "${job.name} $s $(date +%s%3N)" >> "${file}"`;
    return { name: job.name, command, schedule: `R/${iso(job.start)}/${isoSeconds(job.intervalMs)}`, epsilon: isoSeconds(job.epsilonMs), cpus: 0.05, mem: 16, retries: 0 };
  }

  /** Creates the jobs, their first run `leadMs` from now (on a whole second: ISO 8601 times here are to the second). */
  async create(leadMs: number): Promise<void> {
    const start = Math.ceil((Date.now() + leadMs) / 1000) * 1000;
    for (let i = 0; i < this.opts.jobs; i++) {
      const job: ScheduledJob = { name: `chaos-job${i}`, start, intervalMs: this.opts.intervalMs, epsilonMs: this.opts.epsilonMs, durationMs: 2_000 };
      for (let attempt = 0; attempt < 5; attempt++) {
        const op = await this.opts.history.run('chronos', 'job-create', job, async () => {
          const r = await call(this.base(), 'POST', '/v1/scheduler/iso8601', this.body(job));
          return { outcome: outcomeOf(r.status), result: r.status, error: r.status >= 300 ? JSON.stringify(r.body).slice(0, 300) : undefined };
        });
        if (op.outcome === 'ok') break;
        await this.opts.sleep(1_000);
      }
      this.jobs.push(job);
    }
  }

  /**
   * The end of the run: the runs on the agents up to now (this read bounds the targets), then,
   * polling, the counts Chronos reports beside the runs read at the same moment, until they agree
   * (a run whose end Chronos has not heard yet is a moment away) or `settleMs` passes. The jobs
   * are left as they are: an update would reset Chronos's counters, as in Chronos.
   */
  async finalRead(settleMs: number): Promise<void> {
    const readAt = Date.now();
    this.opts.history.observe<ObservedRun[]>('chronos-runs', 'agents', this.runs().filter((r) => r.start <= readAt), readAt);
    const deadline = Date.now() + settleMs;
    let counts: JobCounts[] = [];
    let all: ObservedRun[] = [];
    while (Date.now() < deadline) {
      const r = await call(this.base(), 'GET', '/v1/scheduler/jobs', undefined, 5_000).catch(() => undefined);
      all = this.runs();
      if (r?.status === 200 && Array.isArray(r.body)) {
        counts = r.body.map((j: any) => ({ name: String(j.name), successCount: Number(j.successCount ?? 0), errorCount: Number(j.errorCount ?? 0) }));
        for (const c of counts) {
          const st = await call(this.base(), 'GET', `/v1/scheduler/job/stat/${encodeURIComponent(c.name)}`, undefined, 5_000).catch(() => undefined);
          c.skippedDue = ((st?.body?.skipped?.recentDueTimes ?? []) as string[]).map((d) => Date.parse(d));
        }
        const complete = (name: string) => all.filter((x) => x.job === name && x.end !== undefined).length;
        if (this.jobs.every((j) => counts.find((c) => c.name === j.name)?.successCount === complete(j.name))) break;
      }
      await this.opts.sleep(500);
    }
    this.opts.history.observe<JobCounts[]>('chronos-final', 'chronos', counts);
    this.opts.history.observe<ObservedRun[]>('chronos-runs-all', 'agents', all);
  }

  runs(): ObservedRun[] {
    const out: ObservedRun[] = [];
    for (const f of fs.existsSync(this.opts.runsDir) ? fs.readdirSync(this.opts.runsDir) : []) {
      out.push(...parseRunLines(fs.readFileSync(path.join(this.opts.runsDir, f), 'utf8')));
    }
    return out;
  }
}
