import type { TaskStatus__Output } from '@strata/proto';
import type { AppDefinition } from '../model/app-definition';
import { validateApp } from '../model/validation';
import { applyStatus } from './apply-status';
import { newInstance, type Instance } from './instance';

const app = (extra: Record<string, unknown> = {}): AppDefinition => {
  const v = validateApp({ id: '/web', cmd: 'sleep 100', ...extra }, { version: '2026-12-01T00:00:00.000Z' });
  if (!v.ok) throw new Error(JSON.stringify(v.details));
  return v.app;
};
const status = (state: string, extra: Partial<TaskStatus__Output> = {}) => ({ state, message: '', reason: 'REASON_UNKNOWN', agentId: { value: 'a1' }, ...extra }) as unknown as TaskStatus__Output;
const inst = (extra: Partial<Instance> = {}): Instance => ({ ...newInstance('/web', 'v', '00000000-0000-4000-8000-000000000001'), state: 'TASK_STAGING', ...extra });
const NOW = Date.parse('2026-12-01T12:00:00Z');

describe('applyStatus (Marathon\'s status reducer)', () => {
  it('records a task coming up: state, agent, first start time; saves it', () => {
    const i = inst();
    expect(applyStatus(i, status('TASK_RUNNING'), app(), NOW)).toEqual({ changed: true, healthIndex: undefined, failed: false, effect: 'save' });
    expect([i.state, i.agentId, i.startedAt]).toEqual(['TASK_RUNNING', 'a1', '2026-12-01T12:00:00.000Z']);
    expect(applyStatus(i, status('TASK_RUNNING'), app(), NOW + 5000).changed).toBe(false);
    expect(i.startedAt).toBe('2026-12-01T12:00:00.000Z');
  });

  it('counts a failure of a wanted instance, not a kill or a finish', () => {
    expect(applyStatus(inst(), status('TASK_FAILED'), app(), NOW).failed).toBe(true);
    expect(applyStatus(inst(), status('TASK_KILLED'), app(), NOW).failed).toBe(false);
    expect(applyStatus(inst(), status('TASK_FINISHED'), app(), NOW).failed).toBe(false);
    expect(applyStatus(inst(), status('TASK_FAILED'), undefined, NOW).failed).toBe(false);
  });

  it('forgets a decommissioned instance whose task ended, and kills one whose task came up', () => {
    expect(applyStatus(inst({ goal: 'decommissioned' }), status('TASK_KILLED'), app(), NOW).effect).toBe('forget');
    expect(applyStatus(inst({ goal: 'decommissioned' }), status('TASK_RUNNING'), app(), NOW).effect).toBe('kill-and-save');
  });

  it('replaces an unreachable instance under the default {0, 0} strategy, and keeps it otherwise', () => {
    expect(applyStatus(inst(), status('TASK_UNREACHABLE'), app(), NOW).effect).toBe('replace');
    expect(applyStatus(inst(), status('TASK_UNREACHABLE'), app({ unreachableStrategy: { inactiveAfterSeconds: 60, expungeAfterSeconds: 120 } }), NOW).effect).toBe('save');
    expect(applyStatus(inst(), status('TASK_UNREACHABLE'), app({ unreachableStrategy: 'disabled' }), NOW).effect).toBe('save');
  });

  it('records a Mesos-level health verdict against the check it belongs to', () => {
    const a = app({ healthChecks: [{ protocol: 'HTTP', path: '/' }, { protocol: 'COMMAND', command: { value: 'true' } }], portDefinitions: [{ port: 0 }] });
    const i = inst({ state: 'TASK_RUNNING' });
    const out = applyStatus(i, status('TASK_RUNNING', { healthy: false, reason: 'REASON_TASK_HEALTH_CHECK_STATUS_UPDATED', message: 'exit 1' }), a, NOW);
    expect(out.healthIndex).toBe(1);
    expect(i.health?.[1]).toMatchObject({ alive: false, consecutiveFailures: 1, lastFailure: NOW, lastFailureCause: 'exit 1' });
    applyStatus(i, status('TASK_RUNNING', { healthy: true, reason: 'REASON_TASK_HEALTH_CHECK_STATUS_UPDATED' }), a, NOW + 1);
    expect(i.health?.[1]).toMatchObject({ alive: true, consecutiveFailures: 0, firstSuccess: NOW + 1 });
  });
});
