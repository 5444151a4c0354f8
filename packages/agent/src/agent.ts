import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { systemClock, type Clock, type Logger } from '@strata/lib';
import { MasterLocator } from '@strata/lib/ha';
import { isTerminalState, statusUpdateAcksOf, type FrameworkInfo__Output, type MasterMessage__Output } from '@strata/proto';
import { AgentCheckpoint } from './checkpoint/task-checkpoint';
import { frameworksDir, safeId, sandboxPath } from './checkpoint/paths';
import { secretFilePaths } from './tasks/task-secrets';
import type { AgentConfig } from './config';
import type { Containerizer, ExitInfo } from './containerizer/containerizer';
import { MasterLink } from './grpc/master-link';
import { registrationOf } from './grpc/registration';
import { agentState } from './http/state';
import type { AgentMetrics } from './metrics';
import { killOrphans } from './recovery/orphans';
import { StatusUpdateManager, DEFAULT_RETRY } from './status-updates/status-update-manager';
import { containerIdOf, taskKeyOf, type TaskRecord } from './tasks/task-record';
import { TaskRunner } from './tasks/task-runner';
import { taskUserName } from './users/passwd';
import { UserSwitch } from './users/user-switch';

export type { AgentConfig } from './config';

/**
 * The agent: runs what the master launches (tasks/task-runner.ts), reports every state change
 * reliably (status-updates/), and keeps its link to the master up (grpc/). Everything it must
 * not forget is checkpointed under its work dir first, so a restarted agent reattaches to
 * running tasks and reports those that ended meanwhile.
 */
export class Agent {
  agentId?: string;
  private readonly frameworks = new Map<string, FrameworkInfo__Output>();
  private readonly updates: StatusUpdateManager;
  private readonly link: MasterLink;
  private readonly checkpoint: AgentCheckpoint;
  private readonly runner: TaskRunner;
  private readonly clock: Clock;
  recoveredTasks = 0;

  constructor(
    readonly config: AgentConfig,
    private readonly deps: { containerizer: Containerizer; log: Logger; metrics: AgentMetrics; isolation: string; docker?: string; clock?: Clock },
  ) {
    this.clock = deps.clock ?? systemClock;
    this.checkpoint = new AgentCheckpoint(config.workDir);
    this.updates = new StatusUpdateManager((u) => this.link.send({ statusUpdate: u }), config.statusUpdateRetry ?? DEFAULT_RETRY, {
      update: (u) => this.checkpoint.appendUpdate(u.frameworkId?.value ?? '', u.status?.taskId?.value ?? '', u),
      ack: (fw, task, uuid) => this.checkpoint.appendAck(fw, task, uuid),
    });
    this.runner = new TaskRunner({ config, containerizer: deps.containerizer, checkpoint: this.checkpoint, updates: this.updates, clock: this.clock, log: deps.log, metrics: deps.metrics, agentId: () => this.agentId ?? '', users: new UserSwitch(config.switchUser) });
    this.link = new MasterLink(
      MasterLocator.parse(config.master, deps.log),
      {
        registration: () => registrationOf(config, { agentId: this.agentId, docker: deps.docker, tasks: this.tasks.values(), frameworks: this.frameworks.values() }),
        onRegistered: (r, again) => {
          const id = r.agentId!.value;
          if (id !== this.agentId) this.checkpoint.writeAgentId(id).catch((err: unknown) => deps.log.error({ err, agentId: id }, 'cannot checkpoint the agent id'));
          this.agentId = id;
          deps.log.info({ agentId: id, master: r.masterInfo?.id, reregistered: again, tasks: this.tasks.size }, again ? 'agent reregistered' : 'agent registered');
        },
        onUnknownToMaster: () => this.forgetEverything(),
        onMessage: (m) => this.onMessage(m),
        onConnected: () => this.updates.resendAll(),
        onDisconnected: () => deps.log.warn('disconnected from master'),
      },
      deps.log,
      config.masterAuthorization,
      config.tls,
    );
  }

  private get tasks(): Map<string, TaskRecord> {
    return this.runner.tasks;
  }

  /** Recovers from the checkpoint (if any), then connects to the master. */
  async start(): Promise<void> {
    this.recover();
    this.link.start();
  }

  async stop(): Promise<void> {
    await this.link.stop();
    this.updates.stop();
  }

  /**
   * Kills every task and waits (bounded) for them to exit: what SIGUSR1 does, as for Mesos's
   * agent, and what `strata up` uses on Ctrl-C.
   */
  async shutdownTasks(timeoutMs = 10_000): Promise<void> {
    const running = [...this.tasks.values()].filter((t) => !isTerminalState(t.state));
    for (const t of running) this.runner.kill(t.frameworkId, t.info.taskId?.value ?? '', undefined);
    const exits = running.map((t) => t.container?.exited).filter((p): p is Promise<ExitInfo> => !!p);
    const deadline = new Promise<void>((r) => this.clock.after(timeoutMs, r, { unref: true }));
    await Promise.race([Promise.all(exits), deadline]);
    await new Promise((r) => setImmediate(r)); // let onExit schedule the cleanups
    await Promise.race([Promise.all([...this.runner.destroying]), deadline]);
  }

  get connected(): boolean {
    return this.link.connected;
  }

  /** Reattaches to checkpointed tasks, reports those that ended or never started, kills orphans. */
  private recover(): void {
    this.agentId = this.checkpoint.readAgentId();
    const live = new Set<string>();
    for (const r of this.checkpoint.recoverTasks()) {
      const cp = r.checkpoint;
      const taskId = cp.task.taskId?.value ?? '';
      const key = taskKeyOf(cp.frameworkId, taskId);
      const record: TaskRecord = { containerId: containerIdOf(cp.frameworkId, taskId), frameworkId: cp.frameworkId, info: cp.task, state: r.latestState ?? 'TASK_STAGING', sandbox: cp.sandbox, checkpoint: cp };
      this.tasks.set(key, record);
      this.frameworks.set(cp.frameworkId, cp.frameworkInfo);
      this.updates.restore(r.pending);
      this.recoveredTasks++;
      const log = this.deps.log.child({ frameworkId: cp.frameworkId, taskId });
      if (isTerminalState(record.state)) {
        if (r.pending.length === 0) this.checkpoint.removeTask(cp.frameworkId, taskId);
        continue;
      }
      if (!cp.launched) {
        this.runner.report(record, 'TASK_FAILED', 'The agent restarted before the task was started', 'REASON_AGENT_RESTARTED');
        continue;
      }
      record.container = this.deps.containerizer.recover({
        containerId: record.containerId,
        task: cp.task,
        pid: cp.executorPid,
        startTicks: cp.executorStartTicks,
        statusFile: this.checkpoint.exitStatusFile(cp.frameworkId, taskId),
        sandbox: cp.sandbox,
        killRequested: !!cp.killRequested,
      });
      live.add(key);
      log.info({ pid: cp.executorPid, state: record.state }, 'task recovered');
      if (record.state === 'TASK_RUNNING') this.runner.startHealthChecks(record);
      record.container.exited.then((exit) => this.runner.onExit(record, exit)).catch((err: unknown) => log.error({ err }, "cannot handle the recovered task's exit"));
    }
    killOrphans(this.config.workDir, live, this.deps.log);
    const liveContainers = new Set([...this.tasks.values()].filter((t) => live.has(taskKeyOf(t.frameworkId, t.info.taskId?.value ?? ''))).map((t) => t.containerId));
    this.deps.containerizer.cleanupOrphans?.(liveContainers).catch((err: unknown) => this.deps.log.warn({ err }, 'orphan cleanup failed'));
  }

  /** The master does not know us (its state was wiped): our tasks are orphans nobody can manage; kill them. */
  private forgetEverything(): void {
    for (const t of this.tasks.values()) t.container?.kill(0);
    this.tasks.clear();
    this.updates.stop();
    this.updates.clear();
    rmSync(frameworksDir(this.config.workDir), { recursive: true, force: true });
    this.agentId = undefined;
  }

  private onMessage(m: MasterMessage__Output): void {
    switch (m.msg) {
      case 'heartbeat':
        this.link.send({ heartbeat: { sentAt: m.heartbeat?.sentAt ?? 0 } });
        return;
      case 'launchTasks':
        if (m.launchTasks?.frameworkInfo) {
          const fw = m.launchTasks.frameworkInfo;
          if (fw.id?.value) this.frameworks.set(fw.id.value, fw);
          for (const t of m.launchTasks.tasks) this.runner.launch(fw, t).catch((err: unknown) => this.deps.log.error({ err, taskId: t.taskId?.value }, 'launch failed'));
        }
        return;
      case 'killTask':
        if (m.killTask) this.runner.kill(m.killTask.frameworkId?.value ?? '', m.killTask.taskId?.value ?? '', m.killTask.killPolicy?.gracePeriod?.nanoseconds);
        return;
      case 'statusUpdateAck':
      case 'statusUpdateAcks':
        for (const a of statusUpdateAcksOf(m)) this.runner.acknowledge(a.frameworkId?.value ?? '', a.taskId?.value ?? '', a.uuid);
        return;
      case 'shutdownFramework': {
        const fwId = m.shutdownFramework?.frameworkId?.value ?? '';
        for (const t of this.tasks.values()) if (t.frameworkId === fwId) this.runner.kill(fwId, t.info.taskId?.value ?? '', undefined);
        return;
      }
      case 'frameworkReconnected':
        this.updates.resendAll(m.frameworkReconnected?.frameworkId?.value ?? '');
        return;
    }
  }

  /**
   * Who the task whose sandbox is `fwDir/taskDir` (the directory names under the sandboxes root)
   * runs or ran as: the object of access_sandboxes. Undefined when no known task has it.
   */
  sandboxUser(fwDir: string, taskDir: string): string | undefined {
    const mine = (frameworkId: string, sandbox: string) => safeId(frameworkId) === fwDir && path.basename(sandbox) === taskDir;
    for (const t of this.tasks.values()) if (mine(t.frameworkId, t.sandbox)) return taskUserName(t.info, t.checkpoint.frameworkInfo);
    for (const fw of this.runner.completed.frameworks()) for (const t of this.runner.completed.of(fw)) if (mine(t.frameworkId, t.sandbox)) return t.user;
    return undefined;
  }

  /** Whether `rel` inside the sandbox `fwDir/taskDir` is one of its running task's secret files, which the files API never serves. */
  isSecretFile(fwDir: string, taskDir: string, rel: string): boolean {
    const wanted = path.normalize(rel);
    for (const t of this.tasks.values()) {
      if (safeId(t.frameworkId) !== fwDir || path.basename(t.sandbox) !== taskDir) continue;
      if (secretFilePaths(t.info).some((p) => path.normalize(p) === wanted)) return true;
    }
    return false;
  }

  /** Sandbox directory of a task, for the files API. */
  sandboxOf(frameworkId: string, taskId: string): string {
    return sandboxPath(this.config.workDir, frameworkId, taskId);
  }

  state() {
    const { isolation, docker } = this.deps;
    return agentState({ config: this.config, agentId: this.agentId, connected: this.link.connected, isolation, docker, recoveredTasks: this.recoveredTasks, pendingStatusUpdates: this.updates.pendingCount, frameworks: this.frameworks.values(), tasks: this.tasks.values(), completed: this.runner.completed });
  }
}
