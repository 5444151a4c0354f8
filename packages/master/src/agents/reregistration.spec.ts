import type { TaskStateName } from '@strata/proto';
import { diffReregistration, type ReportedTask } from './reregistration';

const reported = (frameworkId: string, taskId: string, state: TaskStateName = 'TASK_RUNNING'): ReportedTask => ({ frameworkId, taskId, state, info: { taskId: { value: taskId } } as ReportedTask['info'] });
const frameworks = (...ids: string[]) => (id: string) => ids.includes(id);

describe('diffReregistration', () => {
  it('adopts the reported live tasks of known frameworks and loses nothing when both sides agree', () => {
    const d = diffReregistration({ known: new Set<string>(['f/a', 'f/b']), reported: [reported('f', 'a'), reported('f', 'b')], givenUp: new Set(), hasFramework: frameworks('f') });
    expect(d).toEqual({ lost: [], adopt: [reported('f', 'a'), reported('f', 'b')], kill: [], ended: [] });
  });

  it('loses what the master sent and the agent does not report', () => {
    const d = diffReregistration({ known: new Set<string>(['f/a', 'f/b', 'g/c']), reported: [reported('f', 'b')], givenUp: new Set(), hasFramework: frameworks('f', 'g') });
    expect(d.lost).toEqual(['f/a', 'g/c']);
  });

  it('adopts tasks the master never heard of (it restarted and lost them with its memory)', () => {
    const d = diffReregistration({ known: new Set<string>([]), reported: [reported('f', 'new')], givenUp: new Set(), hasFramework: frameworks('f') });
    expect(d.adopt.map((t) => t.taskId)).toEqual(['new']);
  });

  it('kills tasks of frameworks that are gone and tasks already given up as lost', () => {
    const d = diffReregistration({ known: new Set<string>([]), reported: [reported('gone', 'x'), reported('f', 'replaced'), reported('f', 'kept')], givenUp: new Set(['f/replaced']), hasFramework: frameworks('f') });
    expect(d.kill).toEqual([{ frameworkId: 'gone', taskId: 'x' }, { frameworkId: 'f', taskId: 'replaced' }]);
    expect(d.adopt.map((t) => t.taskId)).toEqual(['kept']);
  });

  it('counts a reported terminal task as present (its update is on its way) but neither adopts nor kills it', () => {
    const d = diffReregistration({ known: new Set<string>(['f/done']), reported: [reported('f', 'done', 'TASK_FINISHED'), reported('gone', 'failed', 'TASK_FAILED')], givenUp: new Set(), hasFramework: frameworks('f') });
    expect(d).toEqual({ lost: [], adopt: [], kill: [], ended: [] });
  });

  it('remembers as ended a terminal task new to this master, of a framework it knows', () => {
    const d = diffReregistration({ known: new Set<string>([]), reported: [reported('f', 'done', 'TASK_FINISHED'), reported('gone', 'x', 'TASK_FAILED')], givenUp: new Set(), hasFramework: frameworks('f') });
    expect(d).toEqual({ lost: [], adopt: [], kill: [], ended: [reported('f', 'done', 'TASK_FINISHED')] });
  });

  it('ignores reports without a framework or task id', () => {
    const d = diffReregistration({ known: new Set<string>([]), reported: [reported('', 'a'), reported('f', '')], givenUp: new Set(), hasFramework: frameworks('f') });
    expect(d).toEqual({ lost: [], adopt: [], kill: [], ended: [] });
  });
});
