import { requireAcl } from '@strata/lib/acls';
import { StrataError } from '@strata/lib/errors';
import { jsonEqual } from '@strata/lib/collections';
import * as res from '@strata/lib/resources';
import {
  statusUpdatesOf,
  type AgentInfo__Output,
  type AgentMessage__Output,
  type MasterMessage,
  type RegisterAgentRequest__Output,
  type RegisterAgentResponse,
  type ReregisterAgentRequest__Output,
} from '@strata/proto';
import { splitTaskKey, taskKey, type AgentEntry, type Outbox } from '../registry';
import type { MasterContext } from '../master-context';
import type { FrameworkLifecycle } from '../frameworks/framework-lifecycle';
import type { Reservations } from '../operator/reservations';
import type { StatusUpdates } from '../tasks/status-updates';
import { validAgentResources } from './agent-registry';
import { PingWheel } from './liveness';
import { diffReregistration } from './reregistration';

/**
 * An agent's life on this master: admission, reregistration (with its tasks), its stream coming
 * and going, its messages, and liveness (pings, unreachable).
 */
export class AgentLifecycle {
  private nextAgent = 0;
  private readonly wheel: PingWheel;

  constructor(
    private readonly ctx: MasterContext,
    private readonly parts: { frameworks: FrameworkLifecycle; reservations: Reservations; updates: StatusUpdates },
  ) {
    this.wheel = new PingWheel(ctx.config, ctx.startedAt);
  }

  /** `principal`: who the agent authenticated as; Mesos's register_agents ACL decides whether it may join. */
  async register(req: RegisterAgentRequest__Output, principal?: string): Promise<RegisterAgentResponse> {
    const { store, clock, agents, log } = this.ctx;
    requireAcl(this.ctx.acls, 'register_agents', principal, undefined, 'register agents');
    const info = req.agentInfo;
    if (!info) throw new StrataError('INVALID_AGENT', 'agent_info is required', { status: 400 });
    const resources = validAgentResources(info);
    const id = `${this.ctx.id}-S${this.nextAgent++}`;
    const stored: AgentInfo__Output = { ...info, id: { value: id } };
    const now = clock.now();
    await store.putAgent(id, { info: stored, registeredAt: now });
    const entry = Object.assign(agents.admit(id, stored, now, false, now), resources);
    log.info({ agentId: id, hostname: entry.hostname, resources: res.formatReservedResources(resources) }, 'agent registered');
    return this.response(id);
  }

  /**
   * An agent this master (or a predecessor sharing its state store) admitted comes back, with
   * the tasks it is running: they are adopted, so no running task is lost to a master restart.
   */
  async reregister(req: ReregisterAgentRequest__Output, principal?: string): Promise<RegisterAgentResponse> {
    const { agents, allocator, allocation, frameworks, tasks, messages, clock, store, log } = this.ctx;
    requireAcl(this.ctx.acls, 'register_agents', principal, undefined, 'register agents');
    const info = req.agentInfo;
    const id = info?.id?.value;
    if (!info || !id) throw new StrataError('INVALID_AGENT', 'agent_info.id is required to reregister', { status: 400 });
    const existing = agents.get(id);
    if (!existing) throw new StrataError('UNKNOWN_AGENT', `agent '${id}' is not known to this master; register anew`, { status: 404, context: { agentId: id } });
    const resources = validAgentResources(info);
    if (allocator.hasAgent(id)) allocation.removeAgent(id);
    const before = existing.info;
    existing.info = { ...info, id: { value: id } };
    Object.assign(existing, resources);
    existing.hostname = info.hostname || existing.hostname;
    existing.port = info.port || existing.port;
    existing.recovered = false;
    existing.lastSeen = clock.now();
    const wasUnreachable = existing.unreachableAt !== undefined;
    existing.unreachableAt = undefined;
    for (const fwInfo of req.frameworks) {
      const fwId = fwInfo.id?.value;
      if (fwId && !frameworks.has(fwId) && !frameworks.isRemoved(fwId)) this.parts.frameworks.adopt(fwId, fwInfo);
    }
    const diff = diffReregistration({
      known: existing.tasks,
      reported: req.tasks.flatMap((rt) => (rt.taskInfo ? [{ frameworkId: rt.frameworkId?.value ?? '', taskId: rt.taskInfo.taskId?.value ?? '', state: rt.state, info: rt.taskInfo }] : [])),
      givenUp: existing.givenUp,
      hasFramework: (fwId) => frameworks.has(fwId),
    });
    for (const key of diff.lost) {
      const [fwId, taskId] = splitTaskKey(key);
      existing.tasks.delete(key);
      const fw = frameworks.get(fwId);
      const task = fw?.tasks.get(taskId);
      if (!fw || !task) continue;
      tasks.setState(task, fw.partitionAware ? 'TASK_DROPPED' : 'TASK_LOST');
      tasks.complete(fw, task);
      messages.update(fw, taskId, id, task.state, 'REASON_AGENT_RESTARTED', 'Task was not found on the agent when it reregistered');
    }
    existing.pendingKills.push(...diff.kill);
    for (const t of diff.adopt) {
      const fw = frameworks.get(t.frameworkId)!;
      existing.tasks.add(taskKey(t.frameworkId, t.taskId));
      const known = fw.tasks.get(t.taskId);
      if (!known) {
        tasks.record(fw, tasks.create(t.frameworkId, id, t.info, res.fromProto(t.info.resources), t.state));
      } else if (known.state === 'TASK_UNREACHABLE') {
        tasks.setState(known, t.state);
        known.latest = { ...known.latest, state: t.state, unreachableTime: undefined };
        messages.update(fw, t.taskId, id, t.state, 'REASON_AGENT_REREGISTERED', 'Agent reregistered');
      }
    }
    for (const t of diff.ended) {
      const fw = frameworks.get(t.frameworkId)!;
      if (fw.tasks.has(t.taskId) || fw.completed.some((c) => c.id === t.taskId)) continue;
      tasks.complete(fw, tasks.create(t.frameworkId, id, t.info, res.fromProto(t.info.resources), t.state));
    }
    existing.givenUp.clear();
    // As Mesos's registrar: an admitted agent coming back as it was needs no registry write (after
    // a failover every agent reregisters at once, and one write each was what held them back);
    // one coming back from unreachable, or with a changed info, is written.
    if (wasUnreachable || !jsonEqual(existing.info, before)) await store.putAgent(id, { info: existing.info, registeredAt: existing.registeredAt });
    log.info({ agentId: id, tasks: req.tasks.length, wasUnreachable, killing: existing.pendingKills.length }, 'agent reregistered');
    return this.response(id);
  }

  connected(agentId: string, outbox: Outbox<MasterMessage>): void {
    const { agents, allocator, frameworks, dynamic, clock, log, allocation } = this.ctx;
    const agent = agents.get(agentId);
    if (!agent || agent.recovered) throw new StrataError('UNKNOWN_AGENT', `agent '${agentId}' must register or reregister before connecting`, { status: 404 });
    if (agent.outbox && agent.outbox !== outbox) agent.outbox.close();
    agents.setOutbox(agent, outbox);
    agent.lastSeen = clock.now();
    for (const k of agent.pendingKills.splice(0)) outbox.send({ killTask: { frameworkId: { value: k.frameworkId }, taskId: { value: k.taskId } } });
    if (!allocator.hasAgent(agentId)) {
      const used = agents.usedByFramework(agent, (id) => frameworks.get(id));
      const shape = dynamic.overlay(agentId, agent.unreserved, agent.reserved);
      if (shape.dropped.length) {
        log.warn({ agentId, roles: shape.dropped }, 'agent came back without room for its dynamic reservations: dropped');
        this.parts.reservations.store(agentId);
      }
      allocator.addAgent(agentId, shape.unreserved, used, true, shape.reserved);
    } else {
      allocator.setAgentActive(agentId, true);
    }
    log.info({ agentId }, 'agent connected');
    allocation.schedule();
  }

  disconnected(agentId: string, outbox: Outbox<MasterMessage>): void {
    const { agents, allocator, allocation, log } = this.ctx;
    const agent = agents.get(agentId);
    if (!agent || agent.outbox !== outbox) return; // an older stream of a reconnected agent
    agents.setOutbox(agent, undefined);
    allocator.setAgentActive(agentId, false);
    allocation.rescindAgentOffers(agentId);
    log.warn({ agentId }, 'agent disconnected');
  }

  message(agentId: string, msg: AgentMessage__Output): void {
    const agent = this.ctx.agents.get(agentId);
    if (agent) agent.lastSeen = this.ctx.clock.now();
    switch (msg.msg) {
      case 'statusUpdate':
      case 'statusUpdates':
        for (const u of statusUpdatesOf(msg)) this.parts.updates.receive(agentId, u);
        return;
      case 'heartbeat':
        return;
      default:
        this.ctx.log.warn({ agentId, kind: msg.msg }, 'unexpected agent message');
    }
  }

  /** One turn of the ping wheel. */
  checkLiveness(): void {
    const now = this.ctx.clock.now();
    const { ping, unreachable } = this.wheel.turn(now, this.ctx.agents);
    for (const a of ping) a.outbox?.send({ heartbeat: { sentAt: now } });
    for (const { agent, why } of unreachable) this.markUnreachable(agent, why);
  }

  /**
   * Mesos's markUnreachable: the agent's offers are rescinded and its resources leave the
   * allocator; partition-aware frameworks see TASK_UNREACHABLE (the task may come back),
   * the others TASK_LOST (and the task is killed if the agent returns).
   */
  private markUnreachable(agent: AgentEntry, why: string): void {
    const { clock, log, agents, allocator, allocation, frameworks, tasks, messages, store } = this.ctx;
    const now = clock.now();
    agent.unreachableAt = now;
    log.warn({ agentId: agent.id, why, tasks: agent.tasks.size }, 'agent unreachable');
    const outbox = agent.outbox;
    agents.setOutbox(agent, undefined);
    outbox?.close();
    if (allocator.hasAgent(agent.id)) allocation.removeAgent(agent.id);
    for (const key of [...agent.tasks]) {
      const [fwId, taskId] = splitTaskKey(key);
      const fw = frameworks.get(fwId);
      const task = fw?.tasks.get(taskId);
      if (!fw || !task) continue;
      if (fw.partitionAware) {
        tasks.setState(task, 'TASK_UNREACHABLE', now / 1000);
        const unreachableTime = { nanoseconds: String(now * 1_000_000) };
        task.latest = { ...task.latest, state: 'TASK_UNREACHABLE', unreachableTime };
        fw.outbox?.send({ type: 'UPDATE', update: { status: { taskId: { value: taskId }, agentId: { value: agent.id }, state: 'TASK_UNREACHABLE', reason: 'REASON_AGENT_REMOVED', message: `Agent ${agent.id} is unreachable`, source: 'SOURCE_MASTER', timestamp: now / 1000, unreachableTime } } });
      } else {
        agent.givenUp.add(key);
        agent.tasks.delete(key);
        tasks.setState(task, 'TASK_LOST', now / 1000);
        task.latest = { ...task.latest, state: 'TASK_LOST' };
        tasks.complete(fw, task);
        messages.update(fw, taskId, agent.id, 'TASK_LOST', 'REASON_AGENT_REMOVED', `Agent ${agent.id} is unreachable`);
      }
    }
    store.markUnreachable(agent.id, { info: agent.info, registeredAt: agent.registeredAt, unreachableAt: now });
  }

  private response(id: string): RegisterAgentResponse {
    return { agentId: { value: id }, masterInfo: this.ctx.masterInfo(), heartbeatIntervalSeconds: this.ctx.config.heartbeatIntervalMs / 1000 };
  }

  stop(): void {
    for (const a of this.ctx.agents.values()) a.outbox?.close();
  }
}
