import * as path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { HostNetwork } from './hosts/host-network';
import { evidence } from './report/evidence';
import { chaosRun } from './run';

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`'${v}' is not a whole number`);
  return n;
};

async function main(): Promise<void> {
  const program = new Command('strata-chaos')
    .description('A Jepsen-style run: a Strata cluster on five hosts in network namespaces, a workload, faults on a schedule, and checkers over the history (needs root)')
    .option('--seed <n>', 'seed of the workload and the fault schedule', int, 1)
    .option('--minutes <n>', 'length of a random run (faults drawn from the seed)', int)
    .option('--short', 'the fixed short run of npm test (about 2.5 minutes)')
    .option('--dir <dir>', 'work dir: data, logs and the report (default: a new temp dir)')
    .option('--keep', 'keep the data and logs, not only the report')
    .option('--clean', 'only remove namespaces and links left by chaos runs that died, and exit');
  const opts = program.parse().opts<{ seed: number; minutes?: number; short?: boolean; dir?: string; keep?: boolean; clean?: boolean }>();
  if (opts.clean) {
    const removed = await HostNetwork.sweep();
    process.stdout.write(`removed ${removed.length ? removed.join(', ') : 'nothing'}\n`);
    return;
  }
  const report = await chaosRun({ seed: opts.seed, plan: opts.short || opts.minutes === undefined ? 'short' : 'random', minutes: opts.minutes, dir: opts.dir, keep: opts.keep, log: (l) => process.stderr.write(`${l}\n`) });
  for (const v of report.verdicts) {
    process.stderr.write(`${v.checker}: ${v.valid ? 'valid' : 'INVALID'} (${Object.entries(v.checked).map(([k, n]) => `${k} ${n}`).join(', ')})\n`);
    for (const x of v.violations.slice(0, 10)) process.stderr.write(`  ${x.kind}: ${x.message}\n`);
  }
  if (!report.valid) process.stderr.write(`${evidence(path.join(path.dirname(report.reportDir), 'logs'), report.verdicts, { history: report.history })}\n`);
  process.stdout.write(`${JSON.stringify({ seed: report.seed, valid: report.valid, seconds: report.seconds, faults: report.plan.length, verdicts: report.verdicts.map((v) => ({ checker: v.checker, valid: v.valid, checked: v.checked, violations: v.violations.length })), report: report.reportDir })}\n`);
  process.exitCode = report.valid ? 0 : 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`strata-chaos: ${(err as Error).message}\n`);
  process.exit(2);
});
