import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CheckerVerdict } from '../checkers/verdict';
import { faults, type HistoryData } from '../history/history';

/** pino's warn (40), error (50) and fatal (60). */
const WARNING = /"level":(4|5|6)0\b/;

/**
 * The log lines of a run that name what its checkers found wrong (a task id, an app, a job),
 * and every warning or error (leadership lost, agents unreachable, streams cut), per process
 * log, first and last ones kept: a failed run in CI leaves only its printed output, and
 * "chaos-task-30 ended with TASK_UNREACHABLE" alone does not say which master dropped what.
 * With the run's history, the faults' times (from the run's start) come first.
 */
export function evidence(logDir: string, verdicts: readonly CheckerVerdict[], opts: { subjects?: number; linesPerLog?: number; history?: HistoryData } = {}): string {
  const subjects = [...new Set(verdicts.flatMap((v) => v.violations.map((x) => x.subject).filter((s): s is string => !!s)))].slice(0, opts.subjects ?? 3);
  if (!subjects.length || !fs.existsSync(logDir)) return '';
  const keep = opts.linesPerLog ?? 30;
  // A whole word: chaos-task-3 is not chaos-task-30.
  const words = subjects.map((s) => new RegExp(`(^|[^\\w-])${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w-])`));
  const out: string[] = [];
  const h = opts.history;
  if (h) for (const f of faults(h.entries)) out.push(`fault ${f.fault} ${f.targets.join(',')} at +${seconds(f.startedAt - h.startedAt)} s, healed ${f.healedAt === undefined ? 'never' : `+${seconds(f.healedAt - h.startedAt)} s`}`);
  for (const file of fs.readdirSync(logDir).sort()) {
    const lines = fs.readFileSync(path.join(logDir, file), 'utf8').split('\n');
    const hits = lines.filter((l) => WARNING.test(l) || words.some((w) => w.test(l)));
    if (!hits.length) continue;
    const shown = hits.length <= keep ? hits : [...hits.slice(0, keep / 2), `... ${hits.length - keep} more ...`, ...hits.slice(-keep / 2)];
    out.push(`--- ${file}: ${hits.length} lines naming ${subjects.join(', ')} or warning`, ...shown.map((l) => l.slice(0, 400)));
  }
  return out.join('\n');
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);
