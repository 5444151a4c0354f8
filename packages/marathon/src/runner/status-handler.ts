import { isTerminalState, type TaskStatus__Output } from '@strata/proto';
import { applyStatus } from '../instances/apply-status';
import { condition } from '../instances/conditions';
import { instanceOfTask, isHealthy } from '../instances/instance';
import { LIMIT_WORTHY, onTaskFailure } from '../launch-queue/backoff';
import type { MarathonContext } from '../marathon-state';
import type { InstanceLifecycle } from './instance-lifecycle';

/** Status updates from the master: the instance's state, health, events, backoff, and what follows (forget, replace, kill). */
export class StatusHandler {
  constructor(
    private readonly ctx: MarathonContext,
    private readonly instances: InstanceLifecycle,
  ) {}

  handle(s: TaskStatus__Output): void {
    const { state, deps } = this.ctx;
    const { events, repo, clock, log } = deps;
    const taskId = s.taskId?.value ?? '';
    log.debug({ taskId, agentId: s.agentId?.value, state: s.state, reason: s.reason, message: s.message }, 'status update');
    const inst = state.instances.byTask(taskId);
    const now = clock.now();
    const nowIso = new Date(now).toISOString();
    if (!inst) {
      // A task we do not know (forgotten, expunged, from an older incarnation): it must not run.
      if (!isTerminalState(s.state) && s.state !== 'TASK_UNREACHABLE') {
        log.info({ taskId, agentId: s.agentId?.value, state: s.state }, 'killing a task no instance knows');
        this.ctx.driver()?.kill(taskId, s.agentId?.value);
      }
      else if (isTerminalState(s.state)) {
        const of = instanceOfTask(taskId);
        if (of) events.publish('unknown_instance_terminated_event', { instanceId: of.instanceId, runSpecId: of.appId, condition: condition(s.state) });
      }
      return;
    }
    const app = state.apps.get(inst.appId);
    const out = applyStatus(inst, s, app, now);
    if (out.healthIndex !== undefined && app) {
      events.publish('health_status_changed_event', { appId: app.id, instanceId: inst.instanceId, taskId, version: inst.appVersion, alive: s.healthy });
      events.publish('instance_health_changed_event', { instanceId: inst.instanceId, runSpecId: app.id, runSpecVersion: inst.appVersion, healthy: isHealthy(inst, app.healthChecks.length) });
    }
    events.publish('status_update_event', {
      slaveId: inst.agentId, taskId, taskStatus: s.state, message: s.message, appId: inst.appId, host: inst.host,
      ipAddresses: inst.host ? [{ ipAddress: inst.host, protocol: 'IPv4' }] : [], ports: inst.ports, version: inst.appVersion,
    });
    if (out.changed) events.publish('instance_changed_event', { instanceId: inst.instanceId, condition: condition(s.state), runSpecId: inst.appId, agentId: inst.agentId, host: inst.host, runSpecVersion: inst.appVersion });
    if (out.failed) state.lastTaskFailure.set(inst.appId, { appId: inst.appId, host: inst.host ?? '', message: s.message, state: s.state, taskId, timestamp: nowIso, version: inst.appVersion, slaveId: inst.agentId ?? '' });
    if (app && LIMIT_WORTHY.has(s.state) && inst.goal === 'running') state.delays.set(app.id, onTaskFailure(app, state.delays.get(app.id), now));
    switch (out.effect) {
      case 'forget':
        this.instances.forget(inst);
        break;
      case 'replace':
        this.instances.decommission(inst, 'unreachable: replaced');
        break;
      case 'kill-and-save':
        this.instances.kill(inst, 'decommissioned, came up running');
        this.ctx.persist('saveInstance', repo.saveInstance(inst));
        break;
      default:
        this.ctx.persist('saveInstance', repo.saveInstance(inst));
    }
    this.ctx.converge();
  }
}
