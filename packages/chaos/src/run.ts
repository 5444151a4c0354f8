import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkChronos } from './checkers/chronos';
import { checkKernel } from './checkers/kernel';
import { checkMarathon } from './checkers/marathon';
import type { CheckerVerdict } from './checkers/verdict';
import { ChaosCluster, PORTS } from './cluster/chaos-cluster';
import { History, type HistoryData } from './history/history';
import { Nemesis } from './nemesis/nemesis';
import { planSpan, randomPlan, shortPlan, type PlannedFault } from './nemesis/plan';
import { Random } from './random';
import { renderTimeline } from './report/timeline';
import { ChronosWorkload } from './workload/chronos-workload';
import { call } from './workload/http';
import { KernelWorkload } from './workload/kernel-workload';
import { MarathonWorkload } from './workload/marathon-workload';

export interface ChaosRunOptions {
  seed: number;
  /** 'short': the fixed plan of `npm test`; 'random': a plan drawn from the seed over `minutes`; or a plan given. */
  plan: 'short' | 'random' | PlannedFault[];
  minutes?: number;
  /** Where the cluster's data, logs and the report go (default: a new temp dir). */
  dir?: string;
  /** Keep the work dir (logs, data) after the run; the report is always kept. */
  keep?: boolean;
  /** Environment for every Strata process: a test hook that plants a bug. */
  env?: Record<string, string>;
  log?: (line: string) => void;
}

export interface ChaosReport {
  seed: number;
  plan: PlannedFault[];
  valid: boolean;
  verdicts: CheckerVerdict[];
  startedAt: string;
  seconds: number;
  reportDir: string;
  history: HistoryData;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** Chronos's schedule: windows [due, due + epsilon + slack] do not overlap at this interval. */
const CHRONOS = { intervalMs: 8_000, epsilonMs: 5_000, slackMs: 2_500 };

async function waitUntil(what: string, timeoutMs: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`chaos run: ${what} not within ${timeoutMs} ms`);
    await sleep(250);
  }
}

/**
 * One chaos run: a cluster on network namespaces, the three workloads, the nemesis's plan, a
 * heal, the final reads, and the checkers' verdicts, written as report.json and timeline.html.
 * Everything made is removed at the end, also when the run fails or is interrupted.
 */
export async function chaosRun(opts: ChaosRunOptions): Promise<ChaosReport> {
  const log = opts.log ?? (() => undefined);
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'strata-chaos-'));
  const reportDir = path.join(dir, 'report');
  fs.mkdirSync(reportDir, { recursive: true });
  const random = new Random(opts.seed);
  const history = new History(opts.seed, () => Date.now());
  let cluster: ChaosCluster | undefined;
  let kernel: KernelWorkload | undefined;
  let marathon: MarathonWorkload | undefined;
  let nemesis: Nemesis | undefined;
  let plan: PlannedFault[] = [];
  const interrupted = () => {
    nemesis?.stop();
    marathon?.stop();
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    log(`chaos: seed ${opts.seed}, work dir ${dir}`);
    cluster = await ChaosCluster.start({ dir, env: opts.env });
    const c = cluster;
    const shape = { hosts: c.hosts.map((h) => h.name), processes: c.processes.map((p) => ({ name: p.name, role: p.spec.role })) };
    plan = Array.isArray(opts.plan) ? opts.plan : opts.plan === 'short' ? shortPlan(opts.seed, shape) : randomPlan({ seed: opts.seed, durationMs: (opts.minutes ?? 20) * 60_000, shape });
    await ready(c, log);
    const up = (role: string) => c.byRole(role).filter((p) => p.running && !p.isPaused).map((p) => c.base(p));
    nemesis = new Nemesis(c, history, sleep, log);
    const leaderBase = async () => {
      const p = await nemesis!.leaderOf('master');
      return p ? c.base(p) : undefined;
    };
    kernel = new KernelWorkload({ master: c.masterUrl, agents: () => c.hosts.map((h) => `http://${h.address}:${PORTS.agent}`), leaderBase, tasks: 6, history, random: new Random(random.int(1, 2 ** 31)), sleep });
    marathon = new MarathonWorkload({ bases: () => up('marathon'), apps: 3, history, random: new Random(random.int(1, 2 ** 31)), sleep });
    const chronos = new ChronosWorkload({ bases: () => up('chronos'), jobs: 4, ...CHRONOS, runsDir: c.runsDir, history, random: new Random(random.int(1, 2 ** 31)), sleep });
    await kernel.start();
    await chronos.create(4_000);
    const k = kernel;
    const kernelRun = k.run(2_000);
    const marathonRun = marathon.run();
    log(`chaos: workload running; ${plan.length} faults over ${Math.round(planSpan(plan) / 1000)} s`);
    await nemesis.run(plan);
    await nemesis.healAll();
    log('chaos: healed; waiting for the cluster to settle');
    await ready(c, log, 120_000);
    marathon.stop();
    await marathonRun;
    await marathon.finalRead(120_000);
    await k.finalRead(60_000);
    k.close();
    await kernelRun;
    await chronos.finalRead(30_000);
    history.end();
  } finally {
    process.removeListener('SIGINT', interrupted);
    process.removeListener('SIGTERM', interrupted);
    kernel?.close();
    marathon?.stop();
    await cluster?.stop();
  }
  const data = history.toJSON();
  const verdicts = [checkMarathon(data.entries), checkChronos(data.entries, { slackMs: CHRONOS.slackMs }), checkKernel(data.entries)];
  const report: ChaosReport = {
    seed: opts.seed,
    plan,
    valid: verdicts.every((v) => v.valid),
    verdicts,
    startedAt: new Date(data.startedAt).toISOString(),
    seconds: Math.round(((data.endedAt ?? Date.now()) - data.startedAt) / 1000),
    reportDir,
    history: data,
  };
  fs.writeFileSync(path.join(reportDir, 'report.json'), JSON.stringify({ ...report, history: undefined }, null, 2));
  fs.writeFileSync(path.join(reportDir, 'history.json'), JSON.stringify(data));
  fs.writeFileSync(path.join(reportDir, 'timeline.html'), renderTimeline(data, verdicts));
  if (!opts.keep) for (const sub of ['etcd', 'master', 'agent', 'marathon', 'chronos']) fs.rmSync(path.join(dir, sub), { recursive: true, force: true });
  return report;
}

/** Waits for a leading master with every agent, and a leading Marathon and Chronos. */
async function ready(c: ChaosCluster, log: (l: string) => void, timeoutMs = 90_000): Promise<void> {
  const any = async (role: string, p: string, ok: (body: any) => boolean) => {
    for (const proc of c.byRole(role).filter((x) => x.running)) {
      const r = await call(c.base(proc), 'GET', p, undefined, 2_000).catch(() => undefined);
      if (r?.status === 200 && ok(r.body)) return true;
    }
    return false;
  };
  await waitUntil('a leading master with every agent', timeoutMs, () => any('master', '/master/state', (s) => (s.slaves ?? []).filter((a: any) => a.active).length === c.hosts.length));
  await waitUntil('a Marathon leader', timeoutMs, () => any('marathon', '/v2/leader', (b) => !!b.leader));
  await waitUntil('a Chronos leader', timeoutMs, () => any('chronos', '/v1/scheduler/leader', (b) => !!b.leader));
  log('chaos: cluster ready');
}
