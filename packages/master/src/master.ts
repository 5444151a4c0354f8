import { randomUUID } from 'node:crypto';
import { PERMISSIVE_ACLS, PERMISSIVE_PERMISSIONS, STRATA_VERSION, StrataError, requireAcl, res, type Acls, type Permissions, type Clock, type Logger, type Resources, type StateStore, type Timer } from '@strata/lib';
import type { AgentMessage__Output, Call__Output, Event, MasterInfo, MasterMessage, RegisterAgentRequest__Output, RegisterAgentResponse, ReregisterAgentRequest__Output } from '@strata/proto';
import { DrfAllocator } from './allocator';
import { HierarchicalAllocator, type RoleView } from './allocator/hierarchical';
import type { Allocator } from './allocator/allocator-interface';
import { AgentLifecycle } from './agents/agent-lifecycle';
import { AgentRegistry } from './agents/agent-registry';
import { pingTickMs } from './agents/liveness';
import { AllocationLoop } from './allocation/allocation-loop';
import { CallDispatch } from './calls/dispatch';
import { OfferCalls } from './calls/offer-calls';
import { TaskCalls } from './calls/task-calls';
import type { MasterConfig } from './config';
import { FrameworkLifecycle } from './frameworks/framework-lifecycle';
import { FrameworkMessages } from './frameworks/messages';
import { FrameworkRegistry } from './frameworks/framework-registry';
import type { MasterContext, MasterCore } from './master-context';
import type { MasterMetrics, StateGaugeValues } from './metrics';
import { OfferBook } from './offers';
import { Reservations } from './operator/reservations';
import { RoleSettings } from './operator/role-settings';
import { DynamicReservations } from './registry/dynamic-reservations';
import type { AgentEntry, Outbox } from './registry';
import { SecretBook, SecretOperations } from './secrets';
import { MasterStore } from './state/master-store';
import { StatusUpdates } from './tasks/status-updates';
import { TaskBook } from './tasks/task-book';

export { STRATA_VERSION } from '@strata/lib';

export interface MasterDeps {
  store: StateStore;
  clock: Clock;
  log: Logger;
  metrics: MasterMetrics;
  /** This master's id (a fresh UUID each start, as Mesos's). */
  id?: string;
  /** Mesos's --acls; permissive when absent. */
  acls?: Acls;
  /** --permissions on secrets (who may use which in a launch); permissive when absent. */
  permissions?: Permissions;
}

/**
 * The master: wires its registries, task book, allocator and handlers, and is what the gRPC
 * and HTTP adapters talk to. It owns no sockets: the adapters hand it requests and an Outbox
 * per peer. Its periodic work (allocation, heartbeats, the ping wheel) runs on the injected
 * clock, started by start() and cancelled by stop(). The rules live in the modules it wires;
 * docs/ARCHITECTURE.md has the map.
 */
export class Master {
  readonly id: string;
  readonly startedAt: number;
  private readonly ctx: MasterContext;
  private readonly agentLife: AgentLifecycle;
  private readonly frameworkLife: FrameworkLifecycle;
  private readonly calls: CallDispatch;
  private readonly reservations: Reservations;
  private readonly roles: RoleSettings;
  /** The secret store's API (its rules in secrets/). */
  readonly secrets: SecretOperations;
  private timers: Timer[] = [];
  private advertisedPort = 0;

  constructor(
    private readonly config: MasterConfig,
    deps: MasterDeps,
  ) {
    this.id = deps.id ?? randomUUID();
    this.startedAt = deps.clock.now();
    const allocator: Allocator =
      config.allocator === 'hierarchical' ? new HierarchicalAllocator({ minAllocatable: config.minAllocatableResources }) : new DrfAllocator();
    const core: MasterCore = {
      id: this.id,
      startedAt: this.startedAt,
      config,
      clock: deps.clock,
      log: deps.log,
      metrics: deps.metrics,
      store: new MasterStore(deps.store, deps.log),
      agents: new AgentRegistry(STRATA_VERSION),
      frameworks: new FrameworkRegistry(),
      tasks: new TaskBook(deps.clock, config.maxCompletedTasksPerFramework),
      allocator,
      offers: new OfferBook(),
      dynamic: new DynamicReservations(),
      messages: new FrameworkMessages(deps.log, () => deps.clock.now()),
      secrets: new SecretBook(),
      acls: deps.acls ?? PERMISSIVE_ACLS,
      permissions: deps.permissions ?? PERMISSIVE_PERMISSIONS,
      masterInfo: () => this.masterInfo(),
    };
    this.ctx = { ...core, allocation: new AllocationLoop(core, setImmediate) };
    this.reservations = new Reservations(this.ctx);
    this.roles = new RoleSettings(this.ctx);
    this.secrets = new SecretOperations(this.ctx);
    this.frameworkLife = new FrameworkLifecycle(this.ctx);
    this.agentLife = new AgentLifecycle(this.ctx, { frameworks: this.frameworkLife, reservations: this.reservations, updates: new StatusUpdates(this.ctx) });
    this.calls = new CallDispatch({ offers: new OfferCalls(this.ctx, this.reservations), tasks: new TaskCalls(this.ctx), lifecycle: this.frameworkLife, messages: this.ctx.messages });
  }

  // --- lifecycle ---------------------------------------------------------------------------

  /** Loads what outlives a restart: admitted agents (waiting to reregister), framework ids, dynamic reservations. */
  async recover(): Promise<void> {
    const { agents, frameworks, dynamic, clock, log } = this.ctx;
    const state = await this.ctx.store.recover();
    for (const a of state.agents) {
      const entry = agents.admit(a.info.id!.value!, a.info, a.registeredAt, true, clock.now());
      entry.unreachableAt = a.unreachableAt;
    }
    for (const id of state.frameworkIds) frameworks.remember(id);
    for (const r of state.reservations) dynamic.load(r.agentId, r.record);
    for (const s of state.secrets) this.ctx.secrets.load(s.path, s.record);
    log.info({ agents: agents.size, frameworks: frameworks.knownCount, secrets: this.ctx.secrets.size }, 'recovered state');
  }

  start(advertisedPort: number): void {
    this.advertisedPort = advertisedPort;
    const clock = this.ctx.clock;
    this.timers.push(clock.every(this.config.allocationIntervalMs, () => this.ctx.allocation.tick()));
    this.timers.push(clock.every(this.config.heartbeatIntervalMs, () => this.frameworkLife.heartbeat()));
    this.timers.push(clock.every(pingTickMs(this.config.agentPingIntervalMs), () => this.agentLife.checkLiveness()));
  }

  stop(): void {
    for (const t of this.timers) t.cancel();
    this.timers = [];
    this.frameworkLife.stop();
    this.agentLife.stop();
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

  // --- agents (the agent gRPC service) ------------------------------------------------------

  /** `principal`: who the call authenticated as (undefined when authentication is off). */
  registerAgent(req: RegisterAgentRequest__Output, principal?: string): Promise<RegisterAgentResponse> {
    return this.agentLife.register(req, principal);
  }

  reregisterAgent(req: ReregisterAgentRequest__Output, principal?: string): Promise<RegisterAgentResponse> {
    return this.agentLife.reregister(req, principal);
  }

  agentConnected(agentId: string, outbox: Outbox<MasterMessage>): void {
    this.agentLife.connected(agentId, outbox);
  }

  agentDisconnected(agentId: string, outbox: Outbox<MasterMessage>): void {
    this.agentLife.disconnected(agentId, outbox);
  }

  agentMessage(agentId: string, msg: AgentMessage__Output): void {
    this.agentLife.message(agentId, msg);
  }

  // --- frameworks (the scheduler gRPC service) ---------------------------------------------

  /** `principal`: who the stream authenticated as (undefined when authentication is off). */
  subscribe(call: Call__Output, outbox: Outbox<Event>, principal?: string): Promise<string> {
    return this.frameworkLife.subscribe(call, outbox, principal);
  }

  frameworkCall(frameworkId: string, call: Call__Output): void {
    const fw = this.ctx.frameworks.get(frameworkId);
    if (fw) this.calls.handle(fw, call);
  }

  frameworkDisconnected(frameworkId: string, outbox: Outbox<Event>): void {
    this.frameworkLife.disconnected(frameworkId, outbox);
  }

  // --- operator (HTTP) ----------------------------------------------------------------------

  setWeights(weights: { role: string; weight: number }[]): void {
    this.roles.setWeights(weights);
  }

  weights(): { role: string; weight: number }[] {
    return this.roles.weights();
  }

  setQuota(role: string, guarantee: Resources): void {
    this.roles.setQuota(role, guarantee);
  }

  quotaInfos(): { role: string; guarantee: Resources }[] {
    return this.roles.quotaInfos();
  }

  roleShares(): RoleView[] {
    return this.roles.roleShares();
  }

  operatorReservation(type: 'RESERVE' | 'UNRESERVE', agentId: string, role: string, r: Resources): boolean {
    return this.reservations.operator(type, agentId, role, r);
  }

  /** Mesos's /master/teardown: the framework's tasks are killed and it is forgotten. The principal must be allowed teardown_frameworks of its principal. */
  teardown(frameworkId: string, principal: string | undefined): void {
    const fw = this.ctx.frameworks.get(frameworkId);
    if (!fw) throw new StrataError('UNKNOWN_FRAMEWORK', `No framework found with specified ID '${frameworkId}'`, { status: 400, context: { frameworkId } });
    requireAcl(this.ctx.acls, 'teardown_frameworks', principal, fw.info.principal || undefined, `teardown framework '${frameworkId}'`);
    this.frameworkLife.remove(fw, 'torn down by the operator');
  }

  scheduleAllocation(): void {
    this.ctx.allocation.schedule();
  }

  // --- views -------------------------------------------------------------------------------

  /** What the metrics gauges show, without walking agents or tasks. */
  gauges(): StateGaugeValues {
    const { agents, frameworks, tasks, offers } = this.ctx;
    let connectedFrameworks = 0;
    for (const fw of frameworks.values()) if (fw.outbox) connectedFrameworks++;
    return { agentsConnected: agents.connectedCount, agentsDisconnected: agents.size - agents.connectedCount, frameworks: connectedFrameworks, tasks: tasks.tally.snapshot(), offers: offers.size };
  }

  snapshot() {
    const { agents, frameworks, offers, allocator, dynamic } = this.ctx;
    const sum = (list: { resources: Resources }[]) => list.reduce<Resources>((s, o) => res.add(s, o.resources), res.EMPTY);
    return {
      agents: [...agents.values()],
      frameworks: [...frameworks.values()],
      completedFrameworks: frameworks.completed(),
      offers: (fwId: string) => offers.forFramework(fwId),
      agentOffered: (agentId: string) => sum(offers.forAgent(agentId)),
      frameworkOffered: (fwId: string) => sum(offers.forFramework(fwId)),
      usedOnAgent: (agent: AgentEntry) => [...agents.usedByFramework(agent, (id) => frameworks.get(id)).values()].reduce(res.add, res.EMPTY),
      share: (fwId: string) => allocator.frameworkShare(fwId),
      total: allocator.total(),
      dynamicReserved: (agentId: string) => dynamic.of(agentId),
    };
  }
}
