import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { evidence } from './evidence';
import { History } from '../history/history';
import type { CheckerVerdict } from '../checkers/verdict';

const verdict = (subjects: string[]): CheckerVerdict => ({ checker: 'kernel', valid: subjects.length === 0, checked: {}, violations: subjects.map((subject) => ({ kind: 'task-unaccounted', subject, message: subject })) });

describe('evidence', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evidence-'));
    fs.writeFileSync(path.join(dir, 'agent-h1.log'), [
      '{"level":30,"taskId":"chaos-task-3","msg":"task launched"}',
      '{"level":30,"taskId":"chaos-task-30","msg":"task launched"}',
      '{"level":30,"msg":"heartbeat"}',
      '{"level":40,"msg":"disconnected from master"}',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'master-h1.log'), '{"level":30,"msg":"nothing to see"}\n');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('shows the lines naming a violation subject as a whole word, and the warnings, per log', () => {
    const out = evidence(dir, [verdict(['chaos-task-30'])]);
    expect(out).toContain('--- agent-h1.log: 2 lines');
    expect(out).toContain('"taskId":"chaos-task-30"');
    expect(out).not.toContain('"taskId":"chaos-task-3"');
    expect(out).toContain('disconnected from master');
    expect(out).not.toContain('heartbeat');
    expect(out).not.toContain('master-h1.log');
  });

  it('says nothing for a valid run, and keeps the first and last lines of a long log', () => {
    expect(evidence(dir, [verdict([])])).toBe('');
    fs.writeFileSync(path.join(dir, 'agent-h1.log'), Array.from({ length: 100 }, (_, i) => `{"level":50,"msg":"error ${i}"}`).join('\n'));
    const out = evidence(dir, [verdict(['x'])], { linesPerLog: 4 });
    expect(out).toContain('error 0');
    expect(out).toContain('error 1"');
    expect(out).toContain('... 96 more ...');
    expect(out).toContain('error 99');
    expect(out).not.toContain('error 50');
  });

  it('puts the faults first, with their times from the start of the run, when given the history', () => {
    let now = 1_000;
    const h = new History(1, () => now);
    now = 3_500;
    const f = h.fault('partition-isolate', ['h2']);
    now = 13_500;
    h.healed(f);
    now = 20_000;
    h.fault('kill-leader', ['master-h1']);
    const out = evidence(dir, [verdict(['chaos-task-30'])], { history: h.toJSON() }).split('\n');
    expect(out.slice(0, 2)).toEqual(['fault partition-isolate h2 at +2.5 s, healed +12.5 s', 'fault kill-leader master-h1 at +19.0 s, healed never']);
    expect(out[2]).toContain('--- agent-h1.log');
  });
});
