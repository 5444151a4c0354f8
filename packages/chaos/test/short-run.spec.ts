import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chaosRun, evidence, faults, operations, type ChaosReport } from '../src';

jest.setTimeout(15 * 60_000);

/**
 * The short deterministic chaos run of `npm test`: five hosts in network namespaces, the whole
 * cluster on them, Marathon, Chronos and raw-framework workloads, six faults (the master leader
 * killed, a core host isolated, a Marathon paused past its lease, the Chronos leader killed, a
 * majority/minority split, a host down). Every checker must find the history valid, and must
 * have judged something. Missing namespace support fails here with the harness's message.
 */
describe('the short chaos run', () => {
  let report: ChaosReport;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-chaos-test-'));

  beforeAll(async () => {
    report = await chaosRun({ seed: 1, plan: 'short', dir, log: (l) => process.stdout.write(`${l}\n`) });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('judges every checker valid, over a history with every planned fault and real work in it', () => {
    // CI keeps only what is printed: the lines that tell what happened go with the failure.
    if (!report.valid) process.stdout.write(`${evidence(path.join(dir, 'logs'), report.verdicts, { history: report.history })}\n`);
    const summary = report.verdicts.map((v) => ({ checker: v.checker, valid: v.valid, violations: v.violations.slice(0, 5).map((x) => x.message) }));
    expect(summary).toEqual(report.verdicts.map((v) => ({ checker: v.checker, valid: true, violations: [] })));
    const [marathon, chronos, kernel] = report.verdicts;
    expect(marathon!.checked.apps_judged).toBe(3);
    expect(marathon!.checked.acknowledged).toBeGreaterThan(20);
    expect(chronos!.checked.targets).toBeGreaterThan(40);
    expect(kernel!.checked.tasks_launched).toBeGreaterThan(20);
    expect(kernel!.checked.read_rounds).toBeGreaterThan(20);
    const done = faults(report.history.entries);
    expect(done.map((f) => f.fault)).toEqual(report.plan.map((p) => p.kind));
    expect(done.every((f) => f.healedAt !== undefined)).toBe(true);
    expect(operations(report.history.entries).filter((o) => o.client === 'marathon' && o.f === 'app-upgrade' && o.outcome === 'ok').length).toBeGreaterThan(3);
  });

  it('writes the report and the timeline page, and leaves no namespace, link or process behind', () => {
    const json = JSON.parse(fs.readFileSync(path.join(report.reportDir, 'report.json'), 'utf8'));
    expect(json).toMatchObject({ seed: 1, valid: report.valid });
    const html = fs.readFileSync(path.join(report.reportDir, 'timeline.html'), 'utf8');
    expect(html).toContain('<svg');
    for (const f of report.plan) expect(html).toContain(f.kind);
    const prefix = `stc${process.pid}`;
    expect(spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout).not.toContain(prefix);
    expect(spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout).not.toContain(prefix);
    expect(spawnSync('iptables', ['-S', 'FORWARD'], { encoding: 'utf8' }).stdout).not.toContain(prefix);
    expect(spawnSync('pgrep', ['-f', path.join(dir, 'agent')], { encoding: 'utf8' }).stdout.trim()).toBe('');
  });
});
