import { reasonOf, NO_OFFER_MATCH_REASONS } from './offer-matcher';
import { parseResources } from '@strata/lib/resources';
import { validateApp } from '../model/validation';
import type { AppDefinition } from '../model/app-definition';
import { matchOffer, type AgentView } from './offer-matcher';
import { onTaskFailure, isDelayed } from './backoff';
import { killOrder, newInstance, instanceUuidOfTask, taskIdFor } from '../instances/instance';

const app = (extra: Record<string, unknown> = {}): AppDefinition => {
  const r = validateApp({ id: '/web', cmd: 'x', cpus: 0.5, mem: 64, ...extra }, { version: 'v1' });
  if (!r.ok) throw new Error(JSON.stringify(r.details));
  return r.app;
};
const agent = (hostname: string, attributes: Record<string, string> = {}): AgentView => ({ agentId: hostname, hostname, attributes });
const offer = parseResources('cpus:1;mem:128;ports:[31000-31001]');

describe('matchOffer', () => {
  it('takes resources and the first free ports', () => {
    const m = matchOffer(app({ portDefinitions: [{ port: 0 }, { port: 0 }] }), offer, agent('a'), []);
    expect(m).toMatchObject({ ok: true, ports: [31000, 31001] });
  });

  it('says why an offer does not fit', () => {
    const m = matchOffer(app({ cpus: 2, portDefinitions: [{}, {}, {}] }), offer, agent('a'), []);
    expect(m.ok).toBe(false);
    if (!m.ok) expect(m.reasons).toEqual(['insufficient cpus: want 2, offered 1', 'insufficient ports: want 3, offered 2']);
  });

  it('needs the exact ports with requirePorts', () => {
    expect(matchOffer(app({ requirePorts: true, portDefinitions: [{ port: 31001 }] }), offer, agent('a'), []).ok).toBe(true);
    expect(matchOffer(app({ requirePorts: true, portDefinitions: [{ port: 8080 }] }), offer, agent('a'), []).ok).toBe(false);
  });

  it.each([
    [['hostname', 'UNIQUE'], agent('a'), [agent('a')], false],
    [['hostname', 'UNIQUE'], agent('b'), [agent('a')], true],
    [['rack', 'CLUSTER', 'r1'], agent('a', { rack: 'r1' }), [], true],
    [['rack', 'CLUSTER', 'r1'], agent('a', { rack: 'r2' }), [], false],
    [['rack', 'CLUSTER'], agent('b', { rack: 'r2' }), [agent('a', { rack: 'r1' })], false],
    [['rack', 'GROUP_BY'], agent('a', { rack: 'r1' }), [agent('x', { rack: 'r1' })], true],
    [['rack', 'GROUP_BY', '2'], agent('a', { rack: 'r1' }), [agent('x', { rack: 'r1' })], false],
    [['rack', 'GROUP_BY', '2'], agent('a', { rack: 'r2' }), [agent('x', { rack: 'r1' })], true],
    [['hostname', 'LIKE', 'web-.*'], agent('web-1'), [], true],
    [['hostname', 'LIKE', 'web-.*'], agent('db-1'), [], false],
    [['rack', 'UNLIKE', 'r1'], agent('a'), [], true],
    [['rack', 'LIKE', 'r1'], agent('a'), [], false],
    [['hostname', 'MAX_PER', '2'], agent('a'), [agent('a'), agent('a')], false],
    [['hostname', 'MAX_PER', '2'], agent('a'), [agent('a')], true],
    [['zone', 'IS', 'z1'], agent('a', { zone: 'z1' }), [], true],
  ])('constraint %j on %j with %j placed -> %s', (c, candidate, placed, expected) => {
    expect(matchOffer(app({ constraints: [c] }), offer, candidate, placed).ok).toBe(expected);
  });
});

describe('backoff', () => {
  it('starts at backoffSeconds, grows by backoffFactor, caps at maxLaunchDelaySeconds', () => {
    const a = app({ backoffSeconds: 2, backoffFactor: 2, maxLaunchDelaySeconds: 5 });
    let d = onTaskFailure(a, undefined, 0);
    expect(d).toEqual({ delayMs: 2000, until: 2000 });
    d = onTaskFailure(a, d, 1000);
    expect(d.delayMs).toBe(4000);
    d = onTaskFailure(a, d, 1000);
    expect(d.delayMs).toBe(5000);
    expect(isDelayed(d, 5999)).toBe(true);
    expect(isDelayed(d, 6000)).toBe(false);
  });
});

describe('instances', () => {
  it('names tasks after their instance and incarnation, and finds the instance back', () => {
    const i = newInstance('/prod/web', 'v1', '6a8e0c6e-7c2b-4a84-9f0d-3f5d0f6c2a11');
    expect(i.instanceId).toBe('prod_web.marathon-6a8e0c6e-7c2b-4a84-9f0d-3f5d0f6c2a11');
    expect(taskIdFor(i, 2)).toBe('prod_web.instance-6a8e0c6e-7c2b-4a84-9f0d-3f5d0f6c2a11._app.2');
    expect(instanceUuidOfTask(taskIdFor(i, 2))).toBe(i.uuid);
  });

  it('kills unreachable, then staging, then running; youngest first by default', () => {
    const mk = (state: string, startedAt: string) => ({ ...newInstance('/a', 'v', `u-${state}-${startedAt}`), state, startedAt }) as ReturnType<typeof newInstance>;
    const old = mk('TASK_RUNNING', '2026-01-01T00:00:00Z');
    const young = mk('TASK_RUNNING', '2026-01-02T00:00:00Z');
    const staging = mk('TASK_STAGING', '2026-01-03T00:00:00Z');
    const gone = mk('TASK_UNREACHABLE', '2026-01-01T00:00:00Z');
    expect(killOrder([old, young, staging, gone], 'YOUNGEST_FIRST')).toEqual([gone, staging, young, old]);
    expect(killOrder([old, young], 'OLDEST_FIRST')).toEqual([old, young]);
  });
});

describe('reasonOf (Marathon NoOfferMatchReason names)', () => {
  it.each([
    ['insufficient cpus: want 2, offered 1', 'InsufficientCpus'],
    ['insufficient mem: want 2, offered 1', 'InsufficientMemory'],
    ['insufficient disk: want 2, offered 1', 'InsufficientDisk'],
    ['insufficient ports: want 3, offered 2', 'InsufficientPorts'],
    ['required ports 80 not offered', 'InsufficientPorts'],
    ['constraint hostname:UNIQUE', 'UnfulfilledConstraint'],
  ])('%s -> %s', (detail, name) => {
    expect(reasonOf(detail)).toBe(name);
    expect(NO_OFFER_MATCH_REASONS).toContain(name);
  });
});
