import { randomUUID } from 'node:crypto';
import {
  StrataError,
  res,
  roleProblem,
  type Clock,
  type Logger,
  type Timer,
  type Resources,
  type StateStore,
} from '@strata/lib';
import {
  isTerminalState,
  statusUpdatesOf,
  type AgentInfo__Output,
  type AgentMessage__Output,
  type Call__Output,
  type Event,
  type FrameworkInfo__Output,
  type MasterInfo,
  type MasterMessage,
  type ReasonName,
  type RegisterAgentRequest__Output,
  type RegisterAgentResponse,
  type ReregisterAgentRequest__Output,
  type StatusUpdate__Output,
  type TaskStateName,
  type TaskStatus,
} from '@strata/proto';
import { DrfAllocator } from './allocator';
import { offerShapesOf } from './allocator/offer-shapes';
import { HierarchicalAllocator, type RoleView } from './allocator/hierarchical';
import type { Allocator } from './allocator/allocator-interface';
import { OfferBook, planAccept, planReservations, reservationProblem, type OutstandingOffer, type ReservationChange, type ReservationOp } from './offers';
import { DynamicReservations, type PersistedReservations } from './registry/dynamic-reservations';
import { TaskTally, taskKey, type AgentEntry, type FrameworkEntry, type Outbox, type TaskEntry } from './registry';
import type { MasterConfig } from './config';
import type { MasterMetrics, StateGaugeValues } from './metrics';

export const STRATA_VERSION = '0.1.0';

interface PersistedAgent {
  info: AgentInfo__Output;
  registeredAt: number;
  unreachableAt?: number;
}
interface PersistedFramework {
  info: FrameworkInfo__Output;
  registeredAt: number;
}

/**
 * The master's brain: agents, frameworks, tasks and offers, and the rules between them. It owns
 * no sockets: the gRPC adapters hand it requests and an Outbox per peer, and it writes events
 * and agent messages to those outboxes. Timers are limited to the allocation loop, heartbeats
 * and failover timeouts, all started by start() and cleared by stop().
 */
export class Master {
  readonly id = randomUUID();
  readonly startedAt: number;
  private readonly agents = new Map<string, AgentEntry>();
  private readonly frameworks = new Map<string, FrameworkEntry>();
  /** Live tasks per state and connected agents, kept as they change: what a metrics scrape reads. */
  private readonly taskTally = new TaskTally();
  private connectedAgents = 0;
  /** UPDATE_FRAMEWORK calls in flight, chained per framework. */
  private readonly frameworkUpdates = new Map<string, Promise<unknown>>();
  private readonly knownFrameworkIds = new Set<string>();
  private readonly completedFrameworks: FrameworkEntry[] = [];
  private readonly allocator: Allocator;
  private readonly offers = new OfferBook();
  private readonly dynamic = new DynamicReservations();
  private nextAgent = 0;
  private nextFramework = 0;
  private nextOffer = 0;
  private allocationPending = false;
  private timers: Timer[] = [];
  private advertisedPort = 0;

  constructor(
    private readonly config: MasterConfig,
    private readonly deps: { store: StateStore; clock: Clock; log: Logger; metrics: MasterMetrics },
  ) {
    this.startedAt = deps.clock.now();
    this.allocator = config.allocator === 'hierarchical' ? new HierarchicalAllocator({ minAllocatable: config.minAllocatableResources }) : new DrfAllocator();
  }

  /** Role weights (Mesos's /weights); only the hierarchical allocator has them. */
  setWeights(weights: { role: string; weight: number }[]): void {
    if (!this.allocator.supportsRoles) {
      throw new StrataError('INVALID', 'Weights need the hierarchical allocator (start the master with --allocator hierarchical)', { status: 400 });
    }
    for (const w of weights) {
      this.allocator.setWeight(w.role, w.weight);
      // Weight 1 is the default: setting it removes the role from /weights, as in Mesos.
      if (w.weight === 1) this.weightsSet.delete(w.role);
      else this.weightsSet.set(w.role, w.weight);
    }
    this.scheduleAllocation();
  }

  /** Weights an operator set (not the default 1 of every role the allocator knows). */
  private readonly weightsSet = new Map<string, number>();

  /** Role quota (Mesos's /quota): a guarantee served before fair sharing. */
  setQuota(role: string, guarantee: Resources): void {
    if (!this.allocator.supportsRoles) {
      throw new StrataError('INVALID', 'Quota needs the hierarchical allocator (start the master with --allocator hierarchical)', { status: 400 });
    }
    this.allocator.setQuota(role, guarantee);
    this.quotas.set(role, guarantee);
    this.scheduleAllocation();
  }

  quotaInfos(): { role: string; guarantee: Resources }[] {
    return [...this.quotas].filter(([, g]) => !res.isEmpty(g)).map(([role, guarantee]) => ({ role, guarantee }));
  }

  private readonly quotas = new Map<string, Resources>();

  weights(): { role: string; weight: number }[] {
    return [...this.weightsSet].sort(([a], [b]) => (a < b ? -1 : 1)).map(([role, weight]) => ({ role, weight }));
  }

  roleShares(): RoleView[] {
    return this.allocator.roleShares().sort((a, b) => (a.role < b.role ? -1 : a.role > b.role ? 1 : 0));
  }

  // --- lifecycle ---------------------------------------------------------------------------

  /** Loads what outlives a restart: admitted agents (waiting to reregister) and framework ids. */
  async recover(): Promise<void> {
    for (const { value } of await this.deps.store.list<PersistedAgent>('agents/')) {
      const id = value.info.id?.value;
      if (!id) continue;
      const entry = this.agentEntry(id, value.info, value.registeredAt, true);
      entry.unreachableAt = value.unreachableAt;
      this.agents.set(id, entry);
    }
    for (const { key } of await this.deps.store.list<PersistedFramework>('frameworks/')) {
      this.knownFrameworkIds.add(key.slice('frameworks/'.length));
    }
    for (const { key, value } of await this.deps.store.list<PersistedReservations>('reservations/')) {
      this.dynamic.load(key.slice('reservations/'.length), value);
    }
    this.deps.log.info({ agents: this.agents.size, frameworks: this.knownFrameworkIds.size }, 'recovered state');
  }

  start(advertisedPort: number): void {
    this.advertisedPort = advertisedPort;
    const clock = this.deps.clock;
    this.timers.push(clock.every(this.config.allocationIntervalMs, () => this.tick()));
    this.timers.push(clock.every(this.config.heartbeatIntervalMs, () => this.heartbeat()));
    this.timers.push(clock.every(this.pingTickMs(), () => this.pingAgents()));
  }

  stop(): void {
    for (const t of this.timers) t.cancel();
    this.timers = [];
    for (const fw of this.frameworks.values()) {
      fw.failoverTimer?.cancel();
      fw.outbox?.close();
    }
    for (const a of this.agents.values()) a.outbox?.close();
  }

  masterInfo(): MasterInfo {
    return {
      id: this.id,
      hostname: this.config.hostname,
      port: this.advertisedPort,
      version: STRATA_VERSION,
      address: { hostname: this.config.hostname, ip: this.config.host, port: this.advertisedPort },
    };
  }

  // --- agents ------------------------------------------------------------------------------

  async registerAgent(req: RegisterAgentRequest__Output): Promise<RegisterAgentResponse> {
    const info = req.agentInfo;
    if (!info) throw new StrataError('INVALID_AGENT', 'agent_info is required', { status: 400 });
    const resources = this.validateAgentResources(info);
    const id = `${this.id}-S${this.nextAgent++}`;
    const stored: AgentInfo__Output = { ...info, id: { value: id } };
    const now = this.deps.clock.now();
    await this.deps.store.put<PersistedAgent>(`agents/${id}`, { info: stored, registeredAt: now });
    const entry = { ...this.agentEntry(id, stored, now, false), ...resources };
    this.agents.set(id, entry);
    this.deps.log.info({ agentId: id, hostname: entry.hostname, resources: res.formatReservedResources(resources) }, 'agent registered');
    return this.agentResponse(id);
  }

  /**
   * An agent this master (or a predecessor sharing its state store) admitted comes back, with
   * the tasks it is running: they are adopted, so no running task is lost to a master restart.
   */
  async reregisterAgent(req: ReregisterAgentRequest__Output): Promise<RegisterAgentResponse> {
    const info = req.agentInfo;
    const id = info?.id?.value;
    if (!info || !id) throw new StrataError('INVALID_AGENT', 'agent_info.id is required to reregister', { status: 400 });
    const existing = this.agents.get(id);
    if (!existing) {
      throw new StrataError('UNKNOWN_AGENT', `agent '${id}' is not known to this master; register anew`, { status: 404, context: { agentId: id } });
    }
    const resources = this.validateAgentResources(info);
    if (this.allocator.hasAgent(id)) this.removeAgentFromAllocator(existing);
    existing.info = { ...info, id: { value: id } };
    Object.assign(existing, resources);
    existing.hostname = info.hostname || existing.hostname;
    existing.port = info.port || existing.port;
    existing.recovered = false;
    existing.lastSeen = this.deps.clock.now();
    const wasUnreachable = existing.unreachableAt !== undefined;
    existing.unreachableAt = undefined;
    for (const fwInfo of req.frameworks) {
      const fwId = fwInfo.id?.value;
      if (fwId && !this.frameworks.has(fwId) && !this.isRemovedFramework(fwId)) this.recoverFramework(fwId, fwInfo);
    }
    const reported = new Set(req.tasks.map((rt) => taskKey(rt.frameworkId?.value ?? '', rt.taskInfo?.taskId?.value ?? '')));
    for (const key of [...existing.tasks]) {
      if (reported.has(key)) continue;
      // The master sent it, the agent does not have it: the launch was lost with the old connection or process.
      const [fwId, taskId] = splitKey(key);
      const fw = this.frameworks.get(fwId);
      const task = fw?.tasks.get(taskId);
      existing.tasks.delete(key);
      if (!fw || !task) continue;
      this.setTaskState(task, fw.partitionAware ? 'TASK_DROPPED' : 'TASK_LOST');
      this.forgetTask(fw, task);
      fw.completed.push(task);
      this.sendMasterUpdate(fw, taskId, id, task.state, 'REASON_AGENT_RESTARTED', 'Task was not found on the agent when it reregistered');
    }
    for (const rt of req.tasks) {
      const fwId = rt.frameworkId?.value;
      const taskId = rt.taskInfo?.taskId?.value;
      if (!fwId || !taskId || !rt.taskInfo || isTerminalState(rt.state)) continue;
      const key = taskKey(fwId, taskId);
      const fw = this.frameworks.get(fwId);
      if (!fw || existing.givenUp.has(key)) {
        // Its framework is gone, or was told TASK_LOST and has replaced it: it must not run on (Mesos < 1.5 rule, as the issue asks).
        existing.pendingKills.push({ frameworkId: fwId, taskId });
        continue;
      }
      existing.tasks.add(key);
      const known = fw.tasks.get(taskId);
      if (!known) {
        this.recordTask(fw, this.newTask(fwId, id, rt.taskInfo, res.fromProto(rt.taskInfo.resources), rt.state));
      } else if (known.state === 'TASK_UNREACHABLE') {
        this.setTaskState(known, rt.state);
        known.latest = { ...known.latest, state: rt.state, unreachableTime: undefined };
        this.sendMasterUpdate(fw, taskId, id, rt.state, 'REASON_AGENT_REREGISTERED', 'Agent reregistered');
      }
    }
    existing.givenUp.clear();
    await this.deps.store.put<PersistedAgent>(`agents/${id}`, { info: existing.info, registeredAt: existing.registeredAt });
    this.deps.log.info({ agentId: id, tasks: req.tasks.length, wasUnreachable, killing: existing.pendingKills.length }, 'agent reregistered');
    return this.agentResponse(id);
  }

  agentConnected(agentId: string, outbox: Outbox<MasterMessage>): void {
    const agent = this.agents.get(agentId);
    if (!agent || agent.recovered) {
      throw new StrataError('UNKNOWN_AGENT', `agent '${agentId}' must register or reregister before connecting`, { status: 404 });
    }
    if (agent.outbox && agent.outbox !== outbox) agent.outbox.close();
    this.setAgentOutbox(agent, outbox);
    agent.lastSeen = this.deps.clock.now();
    for (const k of agent.pendingKills.splice(0)) outbox.send({ killTask: { frameworkId: { value: k.frameworkId }, taskId: { value: k.taskId } } });
    if (!this.allocator.hasAgent(agentId)) {
      const used = new Map<string, Resources>();
      for (const key of agent.tasks) {
        const [fwId, taskId] = splitKey(key);
        const t = this.frameworks.get(fwId)?.tasks.get(taskId);
        if (t) used.set(fwId, res.add(used.get(fwId) ?? res.EMPTY, t.resources));
      }
      const shape = this.dynamic.overlay(agentId, agent.unreserved, agent.reserved);
      if (shape.dropped.length) {
        this.deps.log.warn({ agentId, roles: shape.dropped }, 'agent came back without room for its dynamic reservations: dropped');
        this.storeReservations(agentId);
      }
      this.allocator.addAgent(agentId, shape.unreserved, used, true, shape.reserved);
    } else {
      this.allocator.setAgentActive(agentId, true);
    }
    this.deps.log.info({ agentId }, 'agent connected');
    this.scheduleAllocation();
  }

  agentDisconnected(agentId: string, outbox: Outbox<MasterMessage>): void {
    const agent = this.agents.get(agentId);
    if (!agent || agent.outbox !== outbox) return; // an older stream of a reconnected agent
    this.setAgentOutbox(agent, undefined);
    this.allocator.setAgentActive(agentId, false);
    for (const o of this.offers.removeForAgent(agentId)) this.rescind(o);
    this.deps.log.warn({ agentId }, 'agent disconnected');
  }

  agentMessage(agentId: string, msg: AgentMessage__Output): void {
    const agent = this.agents.get(agentId);
    if (agent) agent.lastSeen = this.deps.clock.now();
    switch (msg.msg) {
      case 'statusUpdate':
      case 'statusUpdates':
        for (const u of statusUpdatesOf(msg)) this.statusUpdate(agentId, u);
        return;
      case 'heartbeat':
        return;
      default:
        this.deps.log.warn({ agentId, kind: msg.msg }, 'unexpected agent message');
    }
  }

  private statusUpdate(agentId: string, update: StatusUpdate__Output): void {
    const status = update.status;
    const fwId = update.frameworkId?.value ?? '';
    const taskId = status?.taskId?.value ?? '';
    if (!status || !fwId || !taskId) return;
    this.deps.metrics.statusUpdates.inc({ state: status.state });
    const fw = this.frameworks.get(fwId);
    const task = fw?.tasks.get(taskId);
    // The decoded status itself goes on to the framework (a spread copy encodes slowly).
    status.agentId = { value: agentId };
    if (task) {
      if (task.state !== status.state) this.setTaskState(task, status.state, status.timestamp);
      task.latest = { ...status, uuid: undefined };
      if (isTerminalState(status.state)) this.finishTask(fw!, task);
    }
    if (fw?.outbox) {
      fw.outbox.send({ type: 'UPDATE', update: { status } });
    } else if (!fw && !this.knownFrameworkIds.has(fwId) && status.uuid.length) {
      // Nobody will ever acknowledge this: the framework is gone. Ack on its behalf so the agent stops retrying.
      this.agents.get(agentId)?.outbox?.send({ statusUpdateAck: { frameworkId: { value: fwId }, taskId: { value: taskId }, uuid: status.uuid } });
    }
  }

  /** Releases a task's resources on its terminal update (not on the ack), as Mesos does. */
  private finishTask(fw: FrameworkEntry, task: TaskEntry): void {
    this.forgetTask(fw, task);
    fw.completed.push(task);
    if (fw.completed.length > this.config.maxCompletedTasksPerFramework) fw.completed.shift();
    this.agents.get(task.agentId)?.tasks.delete(taskKey(fw.id, task.id));
    this.allocator.recover(fw.id, task.agentId, task.resources, undefined, taskRole(task));
    this.scheduleAllocation();
  }

  // --- frameworks --------------------------------------------------------------------------

  /** Handles SUBSCRIBE: a new framework gets an id; a known id fails over to this stream. */
  async subscribe(call: Call__Output, outbox: Outbox<Event>): Promise<string> {
    if (call.type !== 'SUBSCRIBE' || !call.subscribe?.frameworkInfo) {
      throw new StrataError('NOT_SUBSCRIBED', 'the first call on a stream must be SUBSCRIBE with framework_info', { status: 400 });
    }
    const info = call.subscribe.frameworkInfo;
    const requestedId = info.id?.value || call.frameworkId?.value || '';
    if (info.id?.value && call.frameworkId?.value && info.id.value !== call.frameworkId.value) {
      throw new StrataError('INVALID_FRAMEWORK', "'framework_id' differs from 'subscribe.framework_info.id'", { status: 400 });
    }
    const { roles, minAllocatable } = validFrameworkInfo(info);
    let id = requestedId;
    const now = this.deps.clock.now();
    let fw = id ? this.frameworks.get(id) : undefined;
    if (id && !fw && !this.knownFrameworkIds.has(id)) {
      throw new StrataError('UNKNOWN_FRAMEWORK', `Framework '${id}' is unknown (it was never registered, or has been removed)`, { status: 404, context: { frameworkId: id } });
    }
    if (!id) id = `${this.id}-${String(this.nextFramework++).padStart(4, '0')}`;
    const stored: FrameworkInfo__Output = { ...info, id: { value: id }, roles };
    await this.deps.store.put<PersistedFramework>(`frameworks/${id}`, { info: stored, registeredAt: fw?.registeredAt ?? now });
    this.knownFrameworkIds.add(id);
    // Look again after the write: an agent that reregistered meanwhile may have brought this
    // framework back with its tasks (recoverFramework). A new entry would drop them, and the
    // framework would be told they are gone while they run on.
    fw = this.frameworks.get(id);
    if (fw) {
      fw.failoverTimer?.cancel();
      fw.failoverTimer = undefined;
      if (fw.outbox && fw.outbox !== outbox) {
        fw.outbox.send({ type: 'ERROR', error: { message: 'Framework failed over' } });
        fw.outbox.close();
        for (const o of this.offers.removeForFramework(id)) this.allocator.recover(id, o.agentId, o.resources, undefined, o.role);
      }
      fw.info = stored;
      fw.partitionAware = isPartitionAware(stored);
    } else {
      fw = {
        id,
        info: stored,
        registeredAt: now,
        partitionAware: isPartitionAware(stored),
        tasks: new Map(),
        completed: [],
      };
      this.frameworks.set(id, fw);
    }
    fw.outbox = outbox;
    this.allocator.addFramework(id, { roles, suppressedRoles: call.subscribe.suppressedRoles, minAllocatable });
    if (requestedId) {
      // Updates it missed while away are waiting on agents: ask for them now, not at the next retry.
      for (const agent of this.agents.values()) agent.outbox?.send({ frameworkReconnected: { frameworkId: { value: id } } });
    }
    outbox.send({
      type: 'SUBSCRIBED',
      subscribed: { frameworkId: { value: id }, heartbeatIntervalSeconds: this.config.heartbeatIntervalMs / 1000, masterInfo: this.masterInfo() },
    });
    this.deps.log.info({ frameworkId: id, name: info.name, roles }, requestedId ? 'framework resubscribed' : 'framework subscribed');
    this.scheduleAllocation();
    return id;
  }

  /**
   * A framework an agent reports running tasks for, before the framework itself resubscribed
   * (the master restarted). It is kept disconnected, with its failover timeout running, so its
   * tasks are adopted rather than killed.
   */
  private recoverFramework(id: string, info: FrameworkInfo__Output): void {
    const fw: FrameworkEntry = { id, info, registeredAt: this.deps.clock.now(), partitionAware: isPartitionAware(info), tasks: new Map(), completed: [] };
    this.frameworks.set(id, fw);
    this.knownFrameworkIds.add(id);
    const roles = rolesOf(info);
    this.allocator.addFramework(id, { roles, active: false, minAllocatable: offerShapesOf(info, roles) });
    const timeoutMs = Math.max(info.failoverTimeout * 1000, this.config.recoveredFrameworkGraceMs);
    fw.failoverTimer = this.deps.clock.after(timeoutMs, () => this.removeFramework(fw, 'failover timeout elapsed before the framework resubscribed'), { unref: true });
  }

  /** Any call after SUBSCRIBE. Problems are answered with an ERROR event; the stream stays open. */
  frameworkCall(frameworkId: string, call: Call__Output): void {
    const fw = this.frameworks.get(frameworkId);
    if (!fw) return;
    const claimed = call.frameworkId?.value;
    if (claimed && claimed !== frameworkId) {
      return this.sendError(fw, `Call's framework_id '${claimed}' does not match the subscribed framework '${frameworkId}'`);
    }
    switch (call.type) {
      case 'ACCEPT':
        return this.accept(fw, call);
      case 'DECLINE':
        return this.decline(fw, call);
      case 'REVIVE':
        this.allocator.revive(frameworkId, call.revive?.roles ?? []);
        this.scheduleAllocation();
        return;
      case 'SUPPRESS':
        this.allocator.suppress(frameworkId, call.suppress?.roles ?? []);
        return;
      case 'KILL':
        return this.kill(fw, call);
      case 'ACKNOWLEDGE':
        return this.acknowledge(fw, call);
      case 'RECONCILE':
        return this.reconcile(fw, call);
      case 'TEARDOWN':
        this.removeFramework(fw, 'framework asked for teardown');
        return;
      case 'UPDATE_FRAMEWORK': {
        // One after another per framework: each is stored before it applies, and a later update must not be overwritten by an earlier write.
        const next = (this.frameworkUpdates.get(fw.id) ?? Promise.resolve())
          .then(() => this.updateFramework(fw, call))
          .catch((err) => this.sendError(fw, (err as Error).message))
          .finally(() => this.frameworkUpdates.get(fw.id) === next && this.frameworkUpdates.delete(fw.id));
        this.frameworkUpdates.set(fw.id, next);
        return;
      }
      case 'SUBSCRIBE':
        return this.sendError(fw, 'Framework is already subscribed on this stream');
      case 'BATCH':
        for (const inner of call.batch?.calls ?? []) {
          if (inner.type === 'BATCH') this.sendError(fw, 'A BATCH call cannot hold another BATCH');
          else this.frameworkCall(frameworkId, inner);
        }
        return;
      default:
        return this.sendError(fw, `Unsupported call type '${call.type}'`);
    }
  }

  frameworkDisconnected(frameworkId: string, outbox: Outbox<Event>): void {
    const fw = this.frameworks.get(frameworkId);
    if (!fw || fw.outbox !== outbox) return;
    fw.outbox = undefined;
    this.allocator.setFrameworkActive(frameworkId, false);
    for (const o of this.offers.removeForFramework(frameworkId)) this.allocator.recover(frameworkId, o.agentId, o.resources, undefined, o.role);
    const timeoutMs = fw.info.failoverTimeout * 1000;
    this.deps.log.info({ frameworkId, failoverTimeoutMs: timeoutMs }, 'framework disconnected');
    if (timeoutMs <= 0) this.removeFramework(fw, 'framework disconnected with failover_timeout 0');
    else {
      fw.failoverTimer = this.deps.clock.after(timeoutMs, () => this.removeFramework(fw, 'failover timeout elapsed'), { unref: true });
    }
  }

  private accept(fw: FrameworkEntry, call: Call__Output): void {
    const accept = call.accept;
    if (!accept) return this.sendError(fw, "Expecting 'accept' to be present");
    const offerIds = accept.offerIds.map((o) => o.value);
    const tasks = accept.operations.flatMap((op) => (op.type === 'LAUNCH' ? op.launch?.taskInfos ?? [] : []));
    const reservationOps = accept.operations.flatMap((op): ReservationOp[] =>
      op.type === 'RESERVE' ? [{ type: 'RESERVE', resources: op.reserve?.resources ?? [] }] : op.type === 'UNRESERVE' ? [{ type: 'UNRESERVE', resources: op.unreserve?.resources ?? [] }] : [],
    );
    const unsupported = accept.operations.find((op) => op.type !== 'LAUNCH' && op.type !== 'RESERVE' && op.type !== 'UNRESERVE');
    const looked = offerIds.map((id) => this.offers.get(id));
    const plan = planAccept({
      frameworkId: fw.id,
      partitionAware: fw.partitionAware,
      offerIds,
      offers: looked,
      tasks,
      isTaskIdInUse: (taskId) => fw.tasks.has(taskId),
    });
    // Only the caller's own, valid offers are consumed; someone else's offer stays theirs.
    for (const o of looked) if (o && o.frameworkId === fw.id) this.offers.remove(o.id);
    if (unsupported) this.sendError(fw, `Unsupported offer operation '${unsupported.type}'`);
    this.deps.metrics.offersAccepted.inc(looked.filter((o) => o && o.frameworkId === fw.id).length);

    const now = this.deps.clock.now();
    for (const r of plan.rejected) {
      this.deps.log.warn({ frameworkId: fw.id, taskId: r.task.taskId?.value, reason: r.reason }, r.message);
      this.sendMasterUpdate(fw, r.task.taskId?.value ?? '', plan.agentId ?? '', r.state, r.reason, r.message);
    }
    const agentId = plan.agentId;
    if (!agentId && reservationOps.length) this.sendError(fw, `Dropping ${reservationOps.length} reservation operation(s): ${plan.rejected[0]?.message ?? 'the offers are not valid'}`);
    if (agentId && reservationOps.length) {
      const mine = looked.filter((o): o is OutstandingOffer => !!o && o.frameworkId === fw.id);
      const { changes, errors } = planReservations({ offers: mine, ops: reservationOps, dynamicReserved: (role) => this.dynamic.role(agentId, role) });
      for (const e of errors) this.sendError(fw, e);
      this.applyReservations(agentId, changes, 'held');
    }
    if (agentId && plan.launch.length) {
      const agent = this.agents.get(agentId)!;
      // The decoded task itself, given its agent, is recorded and sent (nothing changes it after):
      // no copy, and no spread (a spread-built object encodes several times slower).
      for (const { task, resources } of plan.launch) {
        task.agentId = { value: agentId };
        const entry = this.newTask(fw.id, agentId, task, resources, 'TASK_STAGING');
        this.recordTask(fw, entry);
        agent.tasks.add(taskKey(fw.id, entry.id));
      }
      this.deps.metrics.tasksLaunched.inc(plan.launch.length);
      agent.outbox?.send({ launchTasks: { frameworkInfo: fw.info, tasks: plan.launch.map((p) => p.task) } });
    }
    if (agentId) {
      const role = looked.find((o) => o && o.frameworkId === fw.id)?.role;
      this.allocator.recover(fw.id, agentId, plan.unused, { refuseMs: this.refuseMs(accept.filters?.refuseSeconds), now }, role);
    }
    this.scheduleAllocation();
  }

  private decline(fw: FrameworkEntry, call: Call__Output): void {
    const decline = call.decline;
    if (!decline) return this.sendError(fw, "Expecting 'decline' to be present");
    const now = this.deps.clock.now();
    const refuseMs = this.refuseMs(decline.filters?.refuseSeconds);
    for (const { value } of decline.offerIds) {
      const o = this.offers.get(value);
      if (!o || o.frameworkId !== fw.id) continue; // Mesos ignores declines of invalid offers
      this.offers.remove(value);
      this.allocator.recover(fw.id, o.agentId, o.resources, { refuseMs, now }, o.role);
      this.deps.metrics.offersDeclined.inc();
    }
    this.scheduleAllocation();
  }

  private kill(fw: FrameworkEntry, call: Call__Output): void {
    const taskId = call.kill?.taskId?.value;
    if (!taskId) return this.sendError(fw, "Expecting 'kill.task_id' to be present");
    const task = fw.tasks.get(taskId);
    if (!task) {
      return this.sendMasterUpdate(fw, taskId, call.kill?.agentId?.value ?? '', 'TASK_LOST', 'REASON_RECONCILIATION', 'Attempted to kill an unknown task');
    }
    const agent = this.agents.get(task.agentId);
    if (!agent?.outbox) {
      this.deps.log.warn({ frameworkId: fw.id, taskId, agentId: task.agentId }, 'kill deferred: agent not connected');
      return;
    }
    agent.outbox.send({ killTask: { frameworkId: { value: fw.id }, taskId: { value: taskId }, killPolicy: call.kill?.killPolicy ?? task.info.killPolicy } });
  }

  private acknowledge(fw: FrameworkEntry, call: Call__Output): void {
    const ack = call.acknowledge;
    const agentId = ack?.agentId?.value ?? '';
    const taskId = ack?.taskId?.value ?? '';
    if (!ack || !agentId || !taskId || ack.uuid.length === 0) {
      return this.sendError(fw, "Expecting 'acknowledge' with agent_id, task_id and uuid");
    }
    const agent = this.agents.get(agentId);
    if (!agent) return this.sendError(fw, `Cannot acknowledge status update for task '${taskId}': agent '${agentId}' is unknown`);
    agent.outbox?.send({ statusUpdateAck: { frameworkId: { value: fw.id }, taskId: { value: taskId }, uuid: ack.uuid } });
  }

  /** Mesos's reconciliation: explicit (latest state per named task) or implicit (every known task). */
  private reconcile(fw: FrameworkEntry, call: Call__Output): void {
    const wanted = call.reconcile?.tasks ?? [];
    const send = (t: TaskEntry) => fw.outbox?.send({ type: 'UPDATE', update: { status: { ...t.latest, reason: 'REASON_RECONCILIATION', uuid: undefined, message: 'Reconciliation: Latest task state' } } });
    if (wanted.length === 0) {
      for (const t of fw.tasks.values()) send(t);
      return;
    }
    for (const w of wanted) {
      const taskId = w.taskId?.value ?? '';
      const known = fw.tasks.get(taskId) ?? fw.completed.find((t) => t.id === taskId);
      if (known) { send(known); continue; }
      const agentId = w.agentId?.value ?? '';
      const agent = agentId ? this.agents.get(agentId) : undefined;
      if (agent?.recovered) continue; // the agent may still bring it back: no answer yet (Mesos case 2)
      const state: TaskStateName = !agent ? 'TASK_UNKNOWN' : agent.unreachableAt !== undefined ? 'TASK_UNREACHABLE' : 'TASK_GONE';
      this.sendMasterUpdate(fw, taskId, agentId, fw.partitionAware ? state : 'TASK_LOST', 'REASON_RECONCILIATION', 'Reconciliation: Task is unknown');
    }
  }

  private isRemovedFramework(id: string): boolean {
    return this.completedFrameworks.some((f) => f.id === id);
  }

  /**
   * UPDATE_FRAMEWORK: new roles, offer filters, name or failover timeout without resubscribing.
   * Stored first, then applied; offers in roles it no longer has are rescinded.
   */
  private async updateFramework(fw: FrameworkEntry, call: Call__Output): Promise<void> {
    const info = call.updateFramework?.frameworkInfo;
    if (!info) throw new StrataError('INVALID_FRAMEWORK', "Expecting 'update_framework.framework_info' to be present", { status: 400 });
    if (info.id?.value !== fw.id) throw new StrataError('INVALID_FRAMEWORK', `update_framework.framework_info.id must be '${fw.id}'`, { status: 400 });
    for (const field of ['user', 'principal', 'checkpoint'] as const) {
      if (info[field] !== fw.info[field]) throw new StrataError('INVALID_FRAMEWORK', `framework_info.${field} cannot be changed by UPDATE_FRAMEWORK`, { status: 400 });
    }
    const { roles, minAllocatable } = validFrameworkInfo(info);
    const stored: FrameworkInfo__Output = { ...info, id: { value: fw.id }, roles };
    await this.deps.store.put<PersistedFramework>(`frameworks/${fw.id}`, { info: stored, registeredAt: fw.registeredAt });
    if (!this.frameworks.has(fw.id)) return; // removed while the write was in flight
    fw.info = stored;
    fw.partitionAware = isPartitionAware(stored);
    this.allocator.addFramework(fw.id, { roles, suppressedRoles: call.updateFramework!.suppressedRoles, minAllocatable });
    for (const o of this.offers.forFramework(fw.id)) {
      if (roles.includes(o.role)) continue;
      this.offers.remove(o.id);
      this.rescind(o);
    }
    this.deps.log.info({ frameworkId: fw.id, roles }, 'framework updated');
    this.scheduleAllocation();
  }

  /** Records dynamic reservation changes, tells the allocator and stores the agent's reservations. */
  private applyReservations(agentId: string, changes: ReservationChange[], source: 'free' | 'held'): boolean {
    let applied = 0;
    for (const c of changes) {
      const ok = c.type === 'RESERVE' ? this.allocator.reserve(agentId, c.role, c.resources, source) : this.allocator.unreserve(agentId, c.role, c.resources, source);
      if (!ok) break;
      if (c.type === 'RESERVE') this.dynamic.add(agentId, c.role, c.resources);
      else this.dynamic.remove(agentId, c.role, c.resources);
      applied++;
      this.deps.log.info({ agentId, role: c.role, resources: res.formatResources(c.resources) }, c.type === 'RESERVE' ? 'resources reserved' : 'resources unreserved');
    }
    // What was applied is stored even if a later change was refused: memory and store agree.
    if (applied) this.storeReservations(agentId);
    return applied === changes.length;
  }

  private storeReservations(agentId: string): void {
    const record = this.dynamic.record(agentId);
    const key = `reservations/${agentId}`;
    const write = Object.keys(record).length ? this.deps.store.put(key, record) : this.deps.store.delete(key);
    void write.catch((err) => this.deps.log.error({ err, agentId }, 'cannot store dynamic reservations'));
  }

  /**
   * The operator's /reserve and /unreserve: free resources of an agent become a role's (or stop
   * being). Offers on the agent are rescinded first, as Mesos does, so what they held counts as
   * free. False when the agent lacks them (409 in the HTTP API).
   */
  operatorReservation(type: 'RESERVE' | 'UNRESERVE', agentId: string, role: string, r: Resources): boolean {
    if (!this.agents.has(agentId) || !this.allocator.hasAgent(agentId)) {
      throw new StrataError('UNKNOWN_AGENT', `agent '${agentId}' is not connected`, { status: 404, context: { agentId } });
    }
    const problem = reservationProblem(role, r);
    if (problem) throw new StrataError('INVALID_RESERVATION', problem, { status: 400 });
    if (type === 'UNRESERVE' && !res.contains(this.dynamic.role(agentId, role), r)) return false;
    for (const o of this.offers.removeForAgent(agentId)) this.rescind(o);
    const ok = this.applyReservations(agentId, [{ type, role, resources: r }], 'free');
    this.scheduleAllocation();
    return ok;
  }

  private removeFramework(fw: FrameworkEntry, why: string): void {
    fw.failoverTimer?.cancel();
    fw.failoverTimer = undefined;
    const agentsWithTasks = new Set<string>();
    for (const t of fw.tasks.values()) {
      agentsWithTasks.add(t.agentId);
      this.setTaskState(t, 'TASK_KILLED');
      this.agents.get(t.agentId)?.tasks.delete(taskKey(fw.id, t.id));
      this.forgetTask(fw, t); // deleting the entry being visited is safe in a Map iteration
      fw.completed.push(t);
    }
    for (const agentId of agentsWithTasks) this.agents.get(agentId)?.outbox?.send({ shutdownFramework: { frameworkId: { value: fw.id } } });
    for (const o of this.offers.removeForFramework(fw.id)) {
      fw.outbox?.send({ type: 'RESCIND', rescind: { offerId: { value: o.id } } });
    }
    this.allocator.removeFramework(fw.id);
    fw.outbox?.close();
    fw.outbox = undefined;
    this.frameworks.delete(fw.id);
    this.knownFrameworkIds.delete(fw.id);
    this.completedFrameworks.push(fw);
    if (this.completedFrameworks.length > 50) this.completedFrameworks.shift();
    void this.deps.store.delete(`frameworks/${fw.id}`).catch((err) => this.deps.log.error({ err, frameworkId: fw.id }, 'cannot forget framework'));
    this.deps.log.info({ frameworkId: fw.id, why }, 'framework removed');
    this.scheduleAllocation();
  }

  // --- allocation --------------------------------------------------------------------------

  /** Coalesces a burst of events (many tasks ending at once) into one allocation pass. */
  scheduleAllocation(): void {
    if (this.allocationPending) return;
    this.allocationPending = true;
    setImmediate(() => {
      this.allocationPending = false;
      this.allocate();
    });
  }

  private tick(): void {
    const now = this.deps.clock.now();
    for (const o of this.offers.expire(now, this.config.offerTimeoutMs)) this.rescind(o);
    this.allocate();
  }

  private allocate(): void {
    const end = this.deps.metrics.allocationSeconds.startTimer();
    const now = this.deps.clock.now();
    const cap = this.config.maxOffersPerFramework;
    const proposals = this.allocator.allocate(now, cap > 0 ? (fwId) => cap - this.offers.countForFramework(fwId) : undefined, OFFERS_PER_PASS);
    end();
    if (proposals.length === 0) return;
    // A cut pass goes on after the I/O that queued meanwhile (setImmediate), so a framework
    // offered a thousand agents does not stall everyone's status updates for a hundred ms.
    if (proposals.length >= OFFERS_PER_PASS) this.scheduleAllocation();
    const byFramework = new Map<string, OutstandingOffer[]>();
    for (const p of proposals) {
      const o: OutstandingOffer = { id: `${this.id}-O${this.nextOffer++}`, frameworkId: p.frameworkId, agentId: p.agentId, role: p.role, resources: p.resources, reservation: p.reservation, createdAt: now };
      this.offers.add(o);
      const list = byFramework.get(p.frameworkId) ?? [];
      list.push(o);
      byFramework.set(p.frameworkId, list);
    }
    for (const [fwId, list] of byFramework) {
      const fw = this.frameworks.get(fwId);
      this.deps.metrics.offersSent.inc(list.length);
      fw?.outbox?.send({ type: 'OFFERS', offers: { offers: list.map((o) => this.offerProto(o)) } });
    }
  }

  private rescind(o: OutstandingOffer): void {
    this.allocator.recover(o.frameworkId, o.agentId, o.resources, undefined, o.role);
    this.deps.metrics.offersRescinded.inc();
    this.frameworks.get(o.frameworkId)?.outbox?.send({ type: 'RESCIND', rescind: { offerId: { value: o.id } } });
    this.scheduleAllocation();
  }

  private heartbeat(): void {
    for (const fw of this.frameworks.values()) fw.outbox?.send({ type: 'HEARTBEAT' });
  }

  /** Pings are sent from a wheel that turns every tick, at most 100 ms, five or more ticks per interval. */
  private pingTickMs(): number {
    return Math.max(1, Math.min(100, this.config.agentPingIntervalMs / 5));
  }

  private pingCursor?: Iterator<AgentEntry>;

  /**
   * Each tick looks at the next slice of agents, so every agent is looked at once per interval
   * and 50,000 agents cost a steady trickle rather than one burst. An agent heard from in the
   * last half interval (status updates, pongs) is alive and is not pinged; one silent for
   * maxMissedPings intervals (or not back in time after a master restart) is unreachable.
   */
  private pingAgents(): void {
    const now = this.deps.clock.now();
    const limit = this.config.agentPingIntervalMs * this.config.maxMissedPings;
    const slice = Math.min(this.agents.size, Math.ceil((this.agents.size * this.pingTickMs()) / this.config.agentPingIntervalMs));
    for (let i = 0; i < slice; i++) {
      let next = this.pingCursor?.next();
      if (!next || next.done) {
        // Map iterators are live: agents added since the last turn are in the next one.
        this.pingCursor = this.agents.values();
        next = this.pingCursor.next();
        if (next.done) return;
      }
      const a = next.value;
      if (a.unreachableAt !== undefined) continue;
      if (a.recovered) {
        if (now - this.startedAt > this.config.agentReregisterTimeoutMs) this.markUnreachable(a, 'did not reregister after the master restarted');
        continue;
      }
      if (now - a.lastSeen > limit) this.markUnreachable(a, `no answer for ${now - a.lastSeen} ms`);
      else if (now - a.lastSeen >= this.config.agentPingIntervalMs / 2) a.outbox?.send({ heartbeat: { sentAt: now } });
    }
  }

  /**
   * Mesos's markUnreachable: the agent's offers are rescinded and its resources leave the
   * allocator; partition-aware frameworks see TASK_UNREACHABLE (the task may come back),
   * the others TASK_LOST (and the task is killed if the agent returns).
   */
  private markUnreachable(agent: AgentEntry, why: string): void {
    const now = this.deps.clock.now();
    agent.unreachableAt = now;
    this.deps.log.warn({ agentId: agent.id, why, tasks: agent.tasks.size }, 'agent unreachable');
    const outbox = agent.outbox;
    this.setAgentOutbox(agent, undefined);
    outbox?.close();
    if (this.allocator.hasAgent(agent.id)) this.removeAgentFromAllocator(agent);
    for (const key of [...agent.tasks]) {
      const [fwId, taskId] = splitKey(key);
      const fw = this.frameworks.get(fwId);
      const task = fw?.tasks.get(taskId);
      if (!fw || !task) continue;
      if (fw.partitionAware) {
        this.setTaskState(task, 'TASK_UNREACHABLE', now / 1000);
        const unreachableTime = { nanoseconds: String(now * 1_000_000) };
        task.latest = { ...task.latest, state: 'TASK_UNREACHABLE', unreachableTime };
        fw.outbox?.send({ type: 'UPDATE', update: { status: { taskId: { value: taskId }, agentId: { value: agent.id }, state: 'TASK_UNREACHABLE', reason: 'REASON_AGENT_REMOVED', message: `Agent ${agent.id} is unreachable`, source: 'SOURCE_MASTER', timestamp: now / 1000, unreachableTime } } });
      } else {
        agent.givenUp.add(key);
        agent.tasks.delete(key);
        this.setTaskState(task, 'TASK_LOST', now / 1000);
        task.latest = { ...task.latest, state: 'TASK_LOST' };
        this.forgetTask(fw, task);
        fw.completed.push(task);
        this.sendMasterUpdate(fw, taskId, agent.id, 'TASK_LOST', 'REASON_AGENT_REMOVED', `Agent ${agent.id} is unreachable`);
      }
    }
    void this.deps.store.put<PersistedAgent>(`agents/${agent.id}`, { info: agent.info, registeredAt: agent.registeredAt, unreachableAt: now })
      .catch((err) => this.deps.log.error({ err, agentId: agent.id }, 'cannot record unreachable agent'));
  }

  // --- helpers -----------------------------------------------------------------------------

  private refuseMs(refuseSeconds: number | undefined): number {
    const s = refuseSeconds === undefined || refuseSeconds < 0 || !Number.isFinite(refuseSeconds) ? this.config.defaultRefuseSeconds : refuseSeconds;
    return Math.min(s, 365 * 24 * 3600) * 1000; // Mesos caps filters at a year
  }

  private validateAgentResources(info: AgentInfo__Output): AgentResources {
    try {
      return agentResourcesOf(info);
    } catch (err) {
      throw new StrataError('INVALID_AGENT', `agent resources are invalid: ${(err as Error).message}`, { status: 400, cause: err });
    }
  }

  private agentEntry(id: string, info: AgentInfo__Output, registeredAt: number, recovered: boolean): AgentEntry {
    let split: AgentResources = { total: res.EMPTY, unreserved: res.EMPTY, reserved: new Map() };
    try {
      split = agentResourcesOf(info);
    } catch {
      // validated on admission; a corrupt record just shows no resources until the agent reregisters
    }
    return {
      id,
      info,
      ...split,
      hostname: info.hostname,
      port: info.port,
      registeredAt,
      recovered,
      tasks: new Set(),
      lastSeen: this.deps.clock.now(),
      givenUp: new Set(),
      pendingKills: [],
      version: STRATA_VERSION,
    };
  }

  private agentResponse(id: string): RegisterAgentResponse {
    return { agentId: { value: id }, masterInfo: this.masterInfo(), heartbeatIntervalSeconds: this.config.heartbeatIntervalMs / 1000 };
  }

  private removeAgentFromAllocator(agent: AgentEntry): void {
    for (const o of this.offers.removeForAgent(agent.id)) this.rescind(o);
    this.allocator.removeAgent(agent.id);
  }

  /** A live task: in its framework's table and in the tally. */
  private recordTask(fw: FrameworkEntry, task: TaskEntry): void {
    const before = fw.tasks.get(task.id);
    if (before) this.taskTally.remove(before.state);
    fw.tasks.set(task.id, task);
    this.taskTally.add(task.state);
  }

  /** No longer live (terminal, lost, or its framework removed); the caller keeps it among the completed if it should. */
  private forgetTask(fw: FrameworkEntry, task: TaskEntry): void {
    if (fw.tasks.get(task.id) === task && fw.tasks.delete(task.id)) this.taskTally.remove(task.state);
  }

  /** Every state change of a live task goes through here: its history and the tally stay true. */
  private setTaskState(task: TaskEntry, state: TaskStateName, timestamp = this.deps.clock.now() / 1000): void {
    this.taskTally.move(task.state, state);
    task.state = state;
    task.statuses.push({ state, timestamp });
  }

  private setAgentOutbox(agent: AgentEntry, outbox: Outbox<MasterMessage> | undefined): void {
    this.connectedAgents += (outbox ? 1 : 0) - (agent.outbox ? 1 : 0);
    agent.outbox = outbox;
  }

  /** What the metrics gauges show, without walking agents or tasks. */
  gauges(): StateGaugeValues {
    let frameworks = 0;
    for (const fw of this.frameworks.values()) if (fw.outbox) frameworks++;
    return { agentsConnected: this.connectedAgents, agentsDisconnected: this.agents.size - this.connectedAgents, frameworks, tasks: this.taskTally.snapshot(), offers: this.offers.size };
  }

  private newTask(frameworkId: string, agentId: string, info: TaskEntry['info'], resources: Resources, state: TaskStateName): TaskEntry {
    const ts = this.deps.clock.now() / 1000;
    return {
      id: info.taskId?.value ?? '',
      frameworkId,
      agentId,
      info,
      resources,
      state,
      latest: { taskId: { value: info.taskId?.value ?? '' }, state, agentId: { value: agentId }, source: 'SOURCE_MASTER', timestamp: ts },
      statuses: [{ state, timestamp: ts }],
    };
  }

  /** Reserved offers say which part is dynamically reserved (what can be unreserved) and which is the agent's static reservation. */
  private offerResources(o: OutstandingOffer) {
    if (!o.reservation) return res.toProto(o.resources, '*', { allocatedTo: o.role });
    const dynamic = res.minScalars(o.resources, this.dynamic.role(o.agentId, o.reservation));
    const fixed = res.subtract(o.resources, dynamic);
    return [...res.toProtoReserved(dynamic, o.reservation, 'DYNAMIC', o.role), ...res.toProtoReserved(fixed, o.reservation, 'STATIC', o.role)];
  }

  private offerProto(o: OutstandingOffer) {
    const agent = this.agents.get(o.agentId);
    const host = agent?.hostname ?? '';
    const resources = this.offerResources(o);
    return {
      id: { value: o.id },
      frameworkId: { value: o.frameworkId },
      agentId: { value: o.agentId },
      hostname: host,
      url: { scheme: 'http', address: { hostname: host, ip: agent?.info.address?.ip || host, port: agent?.port ?? 0 }, path: '/agent' },
      resources,
      attributes: agent?.info.attributes ?? [],
      allocationInfo: { role: o.role },
    };
  }

  /** Master-generated updates are not reliable: no uuid, no acknowledgement (Mesos §3.1). */
  private sendMasterUpdate(fw: FrameworkEntry, taskId: string, agentId: string, state: TaskStateName, reason: ReasonName, message: string): void {
    this.deps.log.debug({ frameworkId: fw.id, taskId, agentId, state, reason, message }, 'master status update');
    const status: TaskStatus = {
      taskId: { value: taskId },
      state,
      reason,
      message,
      source: 'SOURCE_MASTER',
      timestamp: this.deps.clock.now() / 1000,
      ...(agentId ? { agentId: { value: agentId } } : {}),
    };
    fw.outbox?.send({ type: 'UPDATE', update: { status } });
  }

  private sendError(fw: FrameworkEntry, message: string): void {
    this.deps.log.warn({ frameworkId: fw.id }, message);
    fw.outbox?.send({ type: 'ERROR', error: { message } });
  }

  // --- views -------------------------------------------------------------------------------

  snapshot() {
    return {
      agents: [...this.agents.values()],
      frameworks: [...this.frameworks.values()],
      completedFrameworks: [...this.completedFrameworks],
      offers: (fwId: string) => this.offers.forFramework(fwId),
      agentOffered: (agentId: string) => this.offers.forAgent(agentId).reduce<Resources>((s, o) => res.add(s, o.resources), res.EMPTY),
      frameworkOffered: (fwId: string) => this.offers.forFramework(fwId).reduce<Resources>((s, o) => res.add(s, o.resources), res.EMPTY),
      usedOnAgent: (agent: AgentEntry) => {
        let used = res.EMPTY;
        for (const key of agent.tasks) {
          const [fwId, taskId] = splitKey(key);
          const t = this.frameworks.get(fwId)?.tasks.get(taskId);
          if (t) used = res.add(used, t.resources);
        }
        return used;
      },
      share: (fwId: string) => this.allocator.frameworkShare(fwId),
      total: this.allocator.total(),
      dynamicReserved: (agentId: string) => this.dynamic.of(agentId),
    };
  }
}

/** What SUBSCRIBE and UPDATE_FRAMEWORK both require of a FrameworkInfo; its roles and offer shapes. */
function validFrameworkInfo(info: FrameworkInfo__Output): { roles: string[]; minAllocatable?: Record<string, Resources[]> } {
  if (!info.name) throw new StrataError('INVALID_FRAMEWORK', 'framework_info.name is required', { status: 400 });
  if (!(info.failoverTimeout >= 0) || !Number.isFinite(info.failoverTimeout)) {
    throw new StrataError('INVALID_FRAMEWORK', 'framework_info.failover_timeout must be a non-negative number', { status: 400 });
  }
  const roles = rolesOf(info);
  for (const r of roles) {
    const why = roleProblem(r);
    if (why) throw new StrataError('INVALID_FRAMEWORK', `framework_info.roles: ${why}`, { status: 400 });
  }
  return { roles, minAllocatable: offerShapesOf(info, roles) };
}

/** A framework's roles: `roles` (MULTI_ROLE), else the old single `role`, else `*`. */
const rolesOf = (info: FrameworkInfo__Output) => (info.roles.length ? info.roles : [info.role || '*']);

/**
 * The most offers one allocation pass makes. Mesos's allocator is an actor of its own and a long
 * pass does not hold up the master; here they share a thread, so a long pass is cut into pieces
 * (64: at 50,000 agents the paper's probe framework then took ~30 ms, against ~130 ms with 256).
 */
const OFFERS_PER_PASS = 64;

function isPartitionAware(info: FrameworkInfo__Output): boolean {
  return info.capabilities.some((c) => c.type === 'PARTITION_AWARE');
}

function splitKey(key: string): [string, string] {
  const i = key.indexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
}

interface AgentResources {
  total: Resources;
  unreserved: Resources;
  reserved: Map<string, Resources>;
}

/** An agent's advertised resources, split by static reservation. */
function agentResourcesOf(info: AgentInfo__Output): AgentResources {
  const split = res.splitByRole(info.resources);
  return { total: res.totalOf(split), ...split };
}

/** The role a task's resources were allocated in (its allocation_info), if it says. */
function taskRole(task: TaskEntry): string | undefined {
  for (const r of task.info.resources ?? []) if (r.allocationInfo?.role) return r.allocationInfo.role;
  return undefined;
}
