import { History, type Outcome } from '../history/history';
import { INFO_HORIZON_MS, checkMarathon, possibleStates, type AppOpValue, type AppReading } from './marathon';

/** A history driven by a hand clock: each call moves time on by 100 ms. */
function recorder() {
  let t = 1_000;
  const h = new History(1, () => (t += 100));
  const op = (f: string, value: AppOpValue, outcome: Outcome) => {
    const o = h.invoke('marathon', f, value);
    h.complete(o, outcome);
    return o;
  };
  return { h, op, advance: (ms: number) => (t += ms), now: () => t };
}

const app = (id: string, over: Partial<AppReading> = {}): AppReading => ({
  id, instances: 3, version: 'v1', tasksRunning: 3, tasksStaged: 0, tasksHealthy: 3, deploying: false, minimumHealthCapacity: 0.5, maximumOverCapacity: 0.5, ...over,
});
const spec = (instances: number, version = 'v1') => ({ instances, version });

describe('the Marathon checker', () => {
  it('passes acknowledged creates, scales and upgrades that hold after healing, with deployments inside their bounds', () => {
    const { h, op } = recorder();
    op('app-create', { appId: '/a', spec: spec(3) }, 'ok');
    h.observe('marathon-apps', 'm1', [app('/a', { tasksRunning: 1, tasksHealthy: 1, deploying: true })]);
    op('app-scale', { appId: '/a', instances: 4 }, 'ok');
    h.observe('marathon-apps', 'm1', [app('/a', { instances: 4, tasksRunning: 4, tasksHealthy: 4 })]);
    op('app-upgrade', { appId: '/a', version: 'v2' }, 'ok');
    h.observe('marathon-apps', 'm1', [app('/a', { instances: 4, version: 'v2', tasksRunning: 6, deploying: true, tasksHealthy: 4 })]);
    h.observe('marathon-final', 'm1', [app('/a', { instances: 4, version: 'v2', tasksRunning: 4, tasksHealthy: 4 })]);
    const v = checkMarathon(h.entries);
    expect(v.violations).toEqual([]);
    expect(v.valid).toBe(true);
    expect(v.checked).toMatchObject({ apps: 1, apps_judged: 1, acknowledged: 3, deploying_reads: 1 });
  });

  it('reports an acknowledged scale that was forgotten, naming the operation', () => {
    const { h, op } = recorder();
    op('app-create', { appId: '/a', spec: spec(3) }, 'ok');
    const scale = op('app-scale', { appId: '/a', instances: 5 }, 'ok');
    const final = h.observe('marathon-final', 'm2', [app('/a')]);
    const v = checkMarathon(h.entries);
    expect(v.valid).toBe(false);
    expect(v.violations).toEqual([expect.objectContaining({ kind: 'acknowledged-change-lost', subject: '/a', op: scale.index, observation: final.index })]);
    expect(v.violations[0]!.message).toMatch(/3 instances of version v1 after healing.*only 5 instances of version v1/);
  });

  it('allows either outcome of an operation whose answer was lost, and none of a failed one', () => {
    const { h, op } = recorder();
    op('app-create', { appId: '/a', spec: spec(3) }, 'ok');
    op('app-scale', { appId: '/a', instances: 5 }, 'info');
    op('app-scale', { appId: '/a', instances: 9 }, 'fail');
    h.observe('marathon-final', 'm1', [app('/a', { instances: 5, tasksRunning: 5, tasksHealthy: 5 })]);
    expect(checkMarathon(h.entries).valid).toBe(true);
    const r2 = recorder();
    r2.op('app-create', { appId: '/a', spec: spec(3) }, 'ok');
    r2.op('app-scale', { appId: '/a', instances: 5 }, 'info');
    r2.h.observe('marathon-final', 'm1', [app('/a')]);
    expect(checkMarathon(r2.h.entries).valid).toBe(true);
    const r3 = recorder();
    r3.op('app-create', { appId: '/a', spec: spec(3) }, 'ok');
    r3.op('app-scale', { appId: '/a', instances: 9 }, 'fail');
    r3.h.observe('marathon-final', 'm1', [app('/a', { instances: 9, tasksRunning: 9 })]);
    expect(checkMarathon(r3.h.entries).violations.map((x) => x.kind)).toEqual(['acknowledged-change-lost']);
  });

  it('lets an unknown operation land after a later acknowledged one (a delayed request)', () => {
    const { h, op } = recorder();
    op('app-create', { appId: '/a', spec: spec(3) }, 'ok');
    op('app-scale', { appId: '/a', instances: 5 }, 'info');
    op('app-scale', { appId: '/a', instances: 7 }, 'ok');
    const states = possibleStates(h.entries as never);
    expect([...states.final].sort()).toEqual(['5@v1', '7@v1']);
  });

  it('settles an unknown operation a horizon after it was sent: it cannot land after a later acknowledged one then', () => {
    const r = recorder();
    r.op('app-create', { appId: '/a', spec: spec(3) }, 'ok');
    r.op('app-scale', { appId: '/a', instances: 5 }, 'info');
    r.advance(INFO_HORIZON_MS + 1_000);
    const later = r.op('app-scale', { appId: '/a', instances: 7 }, 'ok');
    r.h.observe('marathon-final', 'm1', [app('/a', { instances: 5, tasksRunning: 5, tasksHealthy: 5 })]);
    expect(checkMarathon(r.h.entries).violations).toEqual([expect.objectContaining({ kind: 'acknowledged-change-lost', op: later.index })]);
  });

  it('judges an app through many operations of unknown outcome (a long partition) without giving up', () => {
    const r = recorder();
    r.op('app-create', { appId: '/a', spec: spec(1) }, 'ok');
    for (let i = 0; i < 60; i++) {
      r.op(i % 2 ? 'app-upgrade' : 'app-scale', i % 2 ? { appId: '/a', version: `u${i}` } : { appId: '/a', instances: 1 + (i % 4) }, 'info');
      r.advance(2_000);
    }
    const last = r.op('app-scale', { appId: '/a', instances: 2 }, 'ok');
    r.h.observe('marathon-final', 'm1', [app('/a', { instances: 9, tasksRunning: 9, tasksHealthy: 9 })]);
    const v = checkMarathon(r.h.entries);
    expect(v.checked.apps_judged).toBe(1);
    expect(v.violations).toEqual([expect.objectContaining({ kind: 'acknowledged-change-lost', op: last.index })]);
  });

  it('reports an acknowledged app that is gone, and an acknowledged delete that came back', () => {
    const { h, op } = recorder();
    const create = op('app-create', { appId: '/lost', spec: spec(2) }, 'ok');
    op('app-create', { appId: '/gone', spec: spec(1) }, 'ok');
    const del = op('app-delete', { appId: '/gone' }, 'ok');
    const back = h.observe('marathon-apps', 'm1', [app('/gone', { instances: 1 })]);
    h.observe('marathon-final', 'm1', []);
    const v = checkMarathon(h.entries);
    expect(v.violations).toEqual(expect.arrayContaining([
      expect.objectContaining({ kind: 'acknowledged-app-lost', subject: '/lost', op: create.index }),
      expect.objectContaining({ kind: 'deleted-app-back', subject: '/gone', op: del.index, observation: back.index }),
    ]));
    expect(v.violations).toHaveLength(2);
  });

  it('does not count an app created again after its delete as coming back', () => {
    const { h, op } = recorder();
    op('app-create', { appId: '/a', spec: spec(1) }, 'ok');
    op('app-delete', { appId: '/a' }, 'ok');
    op('app-create', { appId: '/a', spec: spec(2) }, 'ok');
    h.observe('marathon-final', 'm1', [app('/a', { instances: 2, tasksRunning: 2, tasksHealthy: 2 })]);
    expect(checkMarathon(h.entries).violations).toEqual([]);
  });

  it('reports an app that has not converged after healing', () => {
    const { h, op } = recorder();
    op('app-create', { appId: '/a', spec: spec(3) }, 'ok');
    h.observe('marathon-final', 'm1', [app('/a', { tasksRunning: 2, deploying: true })]);
    expect(checkMarathon(h.entries).violations).toEqual([expect.objectContaining({ kind: 'not-converged', message: '/a runs 2 of 3 instances after healing and is still deploying' })]);
  });

  it('reports an upgrade over floor(N x (1 + maximumOverCapacity)) at any time, faults or not, and does not bound a scale', () => {
    const { h, op } = recorder();
    op('app-create', { appId: '/a', spec: spec(4) }, 'ok');
    h.observe('marathon-apps', 'm1', [app('/a', { instances: 4, tasksRunning: 4, tasksHealthy: 4 })]);
    const f = h.fault('kill', ['marathon-1']);
    const up = op('app-upgrade', { appId: '/a', version: 'v2' }, 'ok');
    const over = h.observe('marathon-apps', 'm1', [app('/a', { instances: 4, version: 'v2', tasksRunning: 5, tasksStaged: 2, deploying: true })]); // 7 > floor(4 x 1.5) = 6
    h.healed(f);
    op('app-scale', { appId: '/a', instances: 1 }, 'ok');
    h.observe('marathon-apps', 'm1', [app('/a', { instances: 1, version: 'v2', tasksRunning: 4, deploying: true })]); // a scale-down still killing
    h.observe('marathon-final', 'm1', [app('/a', { instances: 1, version: 'v2', tasksRunning: 1 })]);
    const v = checkMarathon(h.entries);
    expect(v.violations).toEqual([expect.objectContaining({ kind: 'over-capacity', op: up.index, observation: over.index })]);
    expect(v.checked.deploying_reads).toBe(1);
  });

  it('allows one over floor(N x (1 + maximumOverCapacity)) when that equals ceil(N x minimumHealthCapacity), as Marathon does', () => {
    const { h, op } = recorder();
    op('app-create', { appId: '/one', spec: spec(1) }, 'ok');
    h.observe('marathon-apps', 'm1', [app('/one', { instances: 1, tasksRunning: 1, tasksHealthy: 1 })]);
    op('app-upgrade', { appId: '/one', version: 'v2' }, 'ok');
    h.observe('marathon-apps', 'm1', [app('/one', { instances: 1, version: 'v2', tasksRunning: 2, tasksHealthy: 1, deploying: true })]); // floor(1.5)=1=ceil(0.5): 2 allowed
    const three = h.observe('marathon-apps', 'm1', [app('/one', { instances: 1, version: 'v2', tasksRunning: 3, tasksHealthy: 1, deploying: true })]);
    h.observe('marathon-final', 'm1', [app('/one', { instances: 1, version: 'v2', tasksRunning: 1, tasksHealthy: 1 })]);
    expect(checkMarathon(h.entries).violations).toEqual([expect.objectContaining({ kind: 'over-capacity', observation: three.index })]);
  });

  it('reports an upgrade under ceil(N x minimumHealthCapacity) healthy only when no fault was about', () => {
    const quiet = recorder();
    quiet.op('app-create', { appId: '/a', spec: spec(4) }, 'ok');
    quiet.h.observe('marathon-apps', 'm1', [app('/a', { instances: 4, tasksRunning: 4, tasksHealthy: 4 })]);
    quiet.op('app-upgrade', { appId: '/a', version: 'v2' }, 'ok');
    const low = quiet.h.observe('marathon-apps', 'm1', [app('/a', { instances: 4, version: 'v2', tasksRunning: 4, tasksHealthy: 1, deploying: true })]);
    quiet.h.observe('marathon-final', 'm1', [app('/a', { instances: 4, version: 'v2', tasksRunning: 4, tasksHealthy: 4 })]);
    expect(checkMarathon(quiet.h.entries).violations).toEqual([expect.objectContaining({ kind: 'under-capacity', observation: low.index })]);

    const faulty = recorder();
    faulty.op('app-create', { appId: '/a', spec: spec(4) }, 'ok');
    faulty.h.observe('marathon-apps', 'm1', [app('/a', { instances: 4, tasksRunning: 4, tasksHealthy: 4 })]);
    const f = faulty.h.fault('host-down', ['h4']);
    faulty.op('app-upgrade', { appId: '/a', version: 'v2' }, 'ok');
    faulty.h.observe('marathon-apps', 'm1', [app('/a', { instances: 4, version: 'v2', tasksRunning: 4, tasksHealthy: 1, deploying: true })]);
    faulty.h.healed(f);
    faulty.h.observe('marathon-final', 'm1', [app('/a', { instances: 4, version: 'v2', tasksRunning: 4, tasksHealthy: 4 })]);
    expect(checkMarathon(faulty.h.entries).violations).toEqual([]);
  });

  it('fails a run without a final read', () => {
    const { op, h } = recorder();
    op('app-create', { appId: '/a', spec: spec(1) }, 'ok');
    expect(checkMarathon(h.entries).violations.map((v) => v.kind)).toEqual(['no-final-read']);
  });
});
