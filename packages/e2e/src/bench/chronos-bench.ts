import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { waitFor } from '@strata/lib/testing';
import { LocalCluster } from '../cluster';
import { ChronosProcess } from '../chronos-process';
import { round, summary } from './stats';

/**
 * Chronos figures on the local cluster:
 * - lateness from due time to TASK_RUNNING (as chronos records it) with `jobs` jobs due every
 *   `periodSeconds`, their starts spread over one period;
 * - GET /jobs/search and job creation latency with `stored` jobs in the store (seeded on disk
 *   before chronos starts, since this measures the API, not a bulk import).
 */
export async function chronosBench(opts: { jobs: number; periodSeconds: number; runSeconds: number; stored: number }) {
  const out: Record<string, unknown> = {};
  {
    const cluster = await LocalCluster.start({ agents: 2, resources: 'cpus:32;mem:65536;disk:65536;ports:[31000-31100]' });
    const c = await ChronosProcess.start(cluster);
    try {
      const t0 = Date.now() + 5_000;
      const spread = (opts.periodSeconds * 1000) / opts.jobs;
      for (let i = 0; i < opts.jobs; i += 50) {
        await Promise.all(Array.from({ length: Math.min(50, opts.jobs - i) }, (_, k) => {
          const n = i + k;
          const start = new Date(t0 + Math.floor(n * spread)).toISOString();
          return c.call('POST', '/iso8601', { name: `lat-${n}`, command: 'true', schedule: `R/${start}/PT${opts.periodSeconds}S`, cpus: 0.01, mem: 4, disk: 1, retries: 0 });
        }));
      }
      const until = Date.now() + opts.runSeconds * 1000 + Math.max(0, t0 - Date.now());
      await waitFor(() => Date.now() > until, { timeoutMs: opts.runSeconds * 1000 + 60_000, intervalMs: 500, what: 'the run window' });
      const lateness: number[] = [];
      let runs = 0;
      for (let i = 0; i < opts.jobs; i++) {
        for (const r of await c.history(`lat-${i}`)) {
          runs++;
          lateness.push(Date.parse(r.startTime) - Number(r.taskId.split(':')[1]));
        }
      }
      const s = summary(lateness);
      out.lateness = { jobs: opts.jobs, period_s: opts.periodSeconds, window_s: opts.runSeconds, runs, runs_per_second: round(runs / opts.runSeconds, 1), due_to_running_ms: s, goal: 'p99 under 100 ms', goal_met: s.p99 < 100 };
    } finally {
      await c.stop();
      await cluster.stop();
    }
  }
  {
    const cluster = await LocalCluster.start({ agents: 1 });
    // Seed the store as chronos writes it: one file per job.
    const dir = path.join(cluster.dir.path, 'chronos', 'jobs');
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < opts.stored; i++) {
      const job = { name: `stored-${i}`, command: `run-report --team t${i % 97}`, shell: true, executor: '', executorFlags: '', taskInfoData: '', retries: 2, owner: '', ownerName: '', description: '', successCount: 0, errorCount: 0, lastSuccess: '', lastError: '', cpus: 0.1, disk: 256, mem: 128, disabled: false, softError: false, dataProcessingJobType: false, errorsSinceLastSuccess: 0, fetch: [], uris: [], environmentVariables: [], arguments: [], highPriority: false, runAsUser: 'root', concurrent: false, maxCompletionTime: 0, container: null, constraints: [], schedule: 'R/2099-01-01T00:00:00.000Z/PT24H', scheduleTimeZone: '' };
      writeFileSync(path.join(dir, `${job.name}.json`), JSON.stringify({ version: 1, value: job }));
    }
    const startAt = performance.now();
    const c = await ChronosProcess.start(cluster);
    const startMs = performance.now() - startAt;
    try {
      const search: number[] = [];
      for (let i = 0; i < 40; i++) {
        const s = performance.now();
        const r = await c.call('GET', `/jobs/search?name=stored-${(i * 1237) % opts.stored}&limit=10`);
        search.push(performance.now() - s);
        if (!Array.isArray(r.body) || r.body.length === 0) throw new Error('search found nothing');
      }
      const fullScan: number[] = [];
      for (let i = 0; i < 20; i++) {
        const s = performance.now();
        await c.call('GET', `/jobs/search?command=no-such-command&limit=10`);
        fullScan.push(performance.now() - s);
      }
      const create: number[] = [];
      for (let i = 0; i < 40; i++) {
        const s = performance.now();
        const r = await c.call('POST', '/iso8601', { name: `new-${i}`, command: 'true', schedule: 'R/2099-01-01T00:00:00Z/PT24H' });
        create.push(performance.now() - s);
        if (r.status !== 204) throw new Error(`create answered ${r.status}`);
      }
      const ss = summary(search.slice(5));
      out.with_stored_jobs = {
        stored: opts.stored,
        chronos_start_ms: round(startMs, 0),
        search_by_name_ms: ss,
        search_full_scan_ms: summary(fullScan.slice(5)),
        create_ms: summary(create.slice(5)),
        goal: 'search under 50 ms',
        goal_met: ss.p99 < 50 && summary(fullScan.slice(5)).p99 < 50,
      };
    } finally {
      await c.stop();
      await cluster.stop();
    }
  }
  return out;
}
