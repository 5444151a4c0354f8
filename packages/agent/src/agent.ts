import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { res, type Logger, type Resources } from '@strata/lib';
import {
  isTerminalState,
  statusUpdateAcksOf,
  type FrameworkInfo__Output,
  type MasterMessage__Output,
  type ReasonName,
  type TaskInfo__Output,
  type TaskStateName,
  type TaskStatus,
} from '@strata/proto';
import { isDockerTask, type Container, type Containerizer, type ExitInfo } from './containerizer/containerizer';
import { AgentCheckpoint, type CheckpointedTask } from './checkpoint/task-checkpoint';
import { frameworksDir, sandboxPath } from './checkpoint/paths';
import { StatusUpdateManager, DEFAULT_RETRY } from './status-updates/status-update-manager';
import { MasterLink } from './grpc/master-link';
import { TaskHealthChecker } from './health/task-health-checker';
import { fetchUris } from './fetcher/fetcher';
import { mkdir } from 'node:fs/promises';
import type { AgentMetrics } from './metrics';
import { safeId } from './checkpoint/paths';
import type { BackoffPolicy } from '@strata/lib';

export interface AgentConfig {
  master: string;
  hostname: string;
  /** The agent's own HTTP port, advertised to the master. */
  port: number;
  advertiseIp: string;
  workDir: string;
  /** Unreserved resources. */
  resources: Resources;
  /** Static reservations per role (`--resources 'cpus(web):2'`), offered only to that role's frameworks. */
  reservations: Map<string, Resources>;
  attributes: Record<string, string>;
  /** Grace period between SIGTERM and SIGKILL when a kill names none (Mesos's default is 3 s for command tasks). */
  defaultKillGraceMs: number;
  /** Resend interval of unacknowledged status updates (Mesos: 10 s doubling to 10 min). */
  statusUpdateRetry: BackoffPolicy;
  /** 'cgroups' isolates when it can (root, controllers mounted) and falls back to none, saying so; 'none' never isolates. */
  isolation: 'cgroups' | 'none';
  /** Hard-cap cpu with a CFS quota of cpus x period (Mesos: --cgroups_enable_cfs, off by default). */
  cgroupsEnableCfs: boolean;
  /** The Docker engine's socket; empty disables DOCKER tasks. The agent works without an engine either way. */
  dockerSocket: string;
  /** A pull slower than this fails the task; it is not counted as the task's run time. */
  dockerPullTimeoutMs: number;
}

interface TaskRecord {
  /** Names the task's cgroups: derived from its ids, so a restarted agent finds them again. */
  containerId: string;
  frameworkId: string;
  info: TaskInfo__Output;
  state: TaskStateName;
  sandbox: string;
  checkpoint: CheckpointedTask;
  container?: Container;
  health?: TaskHealthChecker;
  /** Set when the agent killed the task for running past its max_completion_time. */
  timedOut?: boolean;
  deadline?: NodeJS.Timeout;
}

const NS_PER_MS = 1_000_000;
/** Set in every task's environment so a restarted agent can find processes it no longer accounts for. */
const WORK_DIR_ENV = 'STRATA_AGENT_WORK_DIR';

/**
 * The agent: runs what the master launches, reports every state change reliably, and keeps
 * its link to the master up. Everything it must not forget is checkpointed under its work dir
 * first, so a restarted agent reattaches to running tasks and reports those that ended meanwhile.
 */
const containerIdOf = (frameworkId: string, taskId: string) => `${safeId(frameworkId)}.${safeId(taskId)}`;

export class Agent {
  agentId?: string;
  private readonly tasks = new Map<string, TaskRecord>();
  private readonly frameworks = new Map<string, FrameworkInfo__Output>();
  private readonly updates: StatusUpdateManager;
  private readonly link: MasterLink;
  private readonly checkpoint: AgentCheckpoint;
  /** Cleanups (cgroups, containers) still running, so a shutdown can wait for them. */
  private readonly destroying = new Set<Promise<void>>();
  recoveredTasks = 0;

  constructor(
    readonly config: AgentConfig,
    private readonly deps: { containerizer: Containerizer; log: Logger; metrics: AgentMetrics; isolation: string; docker?: string },
  ) {
    this.checkpoint = new AgentCheckpoint(config.workDir);
    this.updates = new StatusUpdateManager((u) => this.link.send({ statusUpdate: u }), config.statusUpdateRetry ?? DEFAULT_RETRY, {
      update: (u) => this.checkpoint.appendUpdate(u.frameworkId?.value ?? '', u.status?.taskId?.value ?? '', u),
      ack: (fw, task, uuid) => this.checkpoint.appendAck(fw, task, uuid),
    });
    this.link = new MasterLink(config.master, {
      registration: () => this.registration(),
      onRegistered: (r, again) => {
        const id = r.agentId!.value;
        if (id !== this.agentId) this.checkpoint.writeAgentId(id).catch((err: unknown) => this.deps.log.error({ err, agentId: id }, 'cannot checkpoint the agent id'));
        this.agentId = id;
        deps.log.info({ agentId: id, master: r.masterInfo?.id, reregistered: again, tasks: this.tasks.size }, again ? 'agent reregistered' : 'agent registered');
      },
      onUnknownToMaster: () => this.forgetEverything(),
      onMessage: (m) => this.onMessage(m),
      onConnected: () => this.updates.resendAll(),
      onDisconnected: () => deps.log.warn('disconnected from master'),
    }, deps.log);
  }

  /** Recovers from the checkpoint (if any), then connects to the master. */
  async start(): Promise<void> {
    this.recover();
    this.link.start();
  }

  async stop(): Promise<void> {
    this.link.stop();
    this.updates.stop();
  }

  /**
   * Kills every task and waits (bounded) for them to exit: what SIGUSR1 does, as for Mesos's
   * agent, and what `strata up` uses on Ctrl-C.
   */
  async shutdownTasks(timeoutMs = 10_000): Promise<void> {
    const running = [...this.tasks.values()].filter((t) => !isTerminalState(t.state));
    for (const t of running) this.kill(t.frameworkId, t.info.taskId?.value ?? '', undefined);
    const exits = running.map((t) => t.container?.exited).filter((p): p is Promise<ExitInfo> => !!p);
    const deadline = new Promise((r) => setTimeout(r, timeoutMs).unref());
    await Promise.race([Promise.all(exits), deadline]);
    await new Promise((r) => setImmediate(r)); // let onExit schedule the cleanups
    await Promise.race([Promise.all([...this.destroying]), deadline]);
  }

  get connected(): boolean {
    return this.link.connected;
  }

  // --- recovery ----------------------------------------------------------------------------

  private recover(): void {
    this.agentId = this.checkpoint.readAgentId();
    const live = new Set<string>();
    for (const r of this.checkpoint.recoverTasks()) {
      const cp = r.checkpoint;
      const taskId = cp.task.taskId?.value ?? '';
      const key = `${cp.frameworkId}/${taskId}`;
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
        this.report(record, 'TASK_FAILED', 'The agent restarted before the task was started', 'REASON_AGENT_RESTARTED');
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
      if (record.state === 'TASK_RUNNING') this.startHealthChecks(record, cp.sandbox);
      record.container.exited.then((exit) => this.onExit(record, exit)).catch((err: unknown) => log.error({ err }, 'cannot handle the recovered task\'s exit'));
    }
    this.killOrphans(live);
    const liveContainers = new Set([...this.tasks.values()].filter((t) => live.has(`${t.frameworkId}/${t.info.taskId?.value}`)).map((t) => t.containerId));
    this.deps.containerizer.cleanupOrphans?.(liveContainers).catch((err) => this.deps.log.warn({ err }, 'orphan cleanup failed'));
  }

  /** Processes started by this work dir's agents that no checkpoint accounts for are killed. */
  private killOrphans(live: Set<string>): void {
    const marker = `${WORK_DIR_ENV}=${this.config.workDir}`;
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      let env: string[];
      try {
        env = readFileSync(`/proc/${d}/environ`, 'latin1').split('\0');
      } catch {
        continue;
      }
      if (!env.includes(marker)) continue;
      const fw = env.find((e) => e.startsWith('MESOS_FRAMEWORK_ID='))?.slice('MESOS_FRAMEWORK_ID='.length) ?? '';
      const task = env.find((e) => e.startsWith('MESOS_TASK_ID='))?.slice('MESOS_TASK_ID='.length) ?? '';
      if (live.has(`${fw}/${task}`)) continue;
      this.deps.log.warn({ pid: Number(d), frameworkId: fw, taskId: task }, 'killing orphan process');
      try {
        process.kill(Number(d), 'SIGKILL');
      } catch {
        // gone already
      }
    }
  }

  private registration() {
    const agentInfo = {
      hostname: this.config.hostname,
      port: this.config.port,
      resources: [...res.toProto(this.config.resources), ...[...this.config.reservations].flatMap(([role, r]) => res.toProtoReserved(r, role))],
      attributes: Object.entries(this.config.attributes).map(([name, value]) => ({ name, type: 'TEXT' as const, text: { value } })),
      address: { hostname: this.config.hostname, ip: this.config.advertiseIp, port: this.config.port },
      capabilities: this.deps.docker ? ['process', 'docker'] : ['process'],
      ...(this.agentId ? { id: { value: this.agentId } } : {}),
    };
    const reregister = this.agentId
      ? {
          agentInfo,
          tasks: [...this.tasks.values()].map((t) => ({ taskInfo: t.info, frameworkId: { value: t.frameworkId }, state: t.state })),
          frameworks: [...this.frameworks.values()],
          version: '0.1.0',
        }
      : undefined;
    return { register: { agentInfo, version: '0.1.0' }, reregister };
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

  // --- messages from the master ------------------------------------------------------------

  private onMessage(m: MasterMessage__Output): void {
    switch (m.msg) {
      case 'heartbeat':
        this.link.send({ heartbeat: { sentAt: m.heartbeat?.sentAt ?? 0 } });
        return;
      case 'launchTasks':
        if (m.launchTasks?.frameworkInfo) {
          const fw = m.launchTasks.frameworkInfo;
          if (fw.id?.value) this.frameworks.set(fw.id.value, fw);
          for (const t of m.launchTasks.tasks) this.launch(fw, t).catch((err: unknown) => this.deps.log.error({ err, taskId: t.taskId?.value }, 'launch failed'));
        }
        return;
      case 'killTask':
        if (m.killTask) this.kill(m.killTask.frameworkId?.value ?? '', m.killTask.taskId?.value ?? '', m.killTask.killPolicy?.gracePeriod?.nanoseconds);
        return;
      case 'statusUpdateAck':
      case 'statusUpdateAcks':
        for (const a of statusUpdateAcksOf(m)) this.acknowledge(a.frameworkId?.value ?? '', a.taskId?.value ?? '', a.uuid);
        return;
      case 'shutdownFramework': {
        const fwId = m.shutdownFramework?.frameworkId?.value ?? '';
        for (const t of this.tasks.values()) if (t.frameworkId === fwId) this.kill(fwId, t.info.taskId?.value ?? '', undefined);
        return;
      }
      case 'frameworkReconnected':
        this.updates.resendAll(m.frameworkReconnected?.frameworkId?.value ?? '');
        return;
    }
  }

  private async launch(fw: FrameworkInfo__Output, info: TaskInfo__Output): Promise<void> {
    const frameworkId = fw.id?.value ?? '';
    const taskId = info.taskId?.value ?? '';
    const key = `${frameworkId}/${taskId}`;
    const log = this.deps.log.child({ frameworkId, taskId });
    if (this.tasks.has(key)) {
      log.warn('duplicate launch ignored');
      return;
    }
    const sandbox = sandboxPath(this.config.workDir, frameworkId, taskId);
    const checkpoint: CheckpointedTask = { frameworkId, frameworkInfo: fw, task: info, sandbox };
    const record: TaskRecord = { containerId: containerIdOf(frameworkId, taskId), frameworkId, info, state: 'TASK_STAGING', sandbox, checkpoint };
    this.tasks.set(key, record);
    try {
      // Written before the process exists, so a crash in between is noticed on recovery.
      await this.checkpoint.writeTask(checkpoint);
    } catch (err) {
      this.report(record, 'TASK_FAILED', `Cannot checkpoint the task: ${(err as Error).message}`, 'REASON_CONTAINER_LAUNCH_FAILED');
      return;
    }
    if (!info.command && !isDockerTask(info)) {
      this.report(record, 'TASK_FAILED', 'A task needs a command, or a DOCKER container', 'REASON_CONTAINER_LAUNCH_FAILED');
      return;
    }
    if (info.command?.uris.length) {
      try {
        await mkdir(sandbox, { recursive: true });
        await fetchUris(info.command.uris, sandbox);
      } catch (err) {
        this.report(record, 'TASK_FAILED', (err as Error).message, 'REASON_CONTAINER_LAUNCH_FAILED');
        return;
      }
    }
    try {
      record.container = await this.deps.containerizer.launch({
        containerId: record.containerId,
        frameworkId,
        taskId,
        task: info,
        resources: res.fromProto(info.resources),
        env: this.taskEnv(frameworkId, info, sandbox, isDockerTask(info)),
        sandbox,
        statusFile: this.checkpoint.exitStatusFile(frameworkId, taskId),
      });
    } catch (err) {
      this.report(record, 'TASK_FAILED', `Failed to launch: ${(err as Error).message}`, 'REASON_CONTAINER_LAUNCH_FAILED');
      return;
    }
    const container = record.container;
    checkpoint.launched = true;
    checkpoint.executorPid = container.pid;
    checkpoint.executorStartTicks = container.startTicks;
    await this.checkpoint.writeTask(checkpoint).catch((err) => log.error({ err }, 'cannot checkpoint the launched task'));
    if (record.state === 'TASK_KILLING') container.kill(0); // killed while launching
    else {
      this.report(record, 'TASK_RUNNING', 'Task started', undefined);
      this.startHealthChecks(record, sandbox);
      this.enforceMaxCompletionTime(record);
    }
    this.deps.metrics.tasksLaunched.inc();
    log.info({ pid: container.pid, sandbox }, 'task launched');
    this.onExit(record, await container.exited);
  }

  /** TaskInfo.max_completion_time: a task still running after it is killed and reported TASK_FAILED. */
  private enforceMaxCompletionTime(t: TaskRecord): void {
    const ns = Number(t.info.maxCompletionTime?.nanoseconds ?? 0);
    if (!(ns > 0)) return;
    t.deadline = setTimeout(() => {
      if (isTerminalState(t.state)) return;
      t.timedOut = true;
      this.deps.log.warn({ frameworkId: t.frameworkId, taskId: t.info.taskId?.value }, 'task reached its max completion time');
      t.container?.kill(this.config.defaultKillGraceMs);
    }, ns / NS_PER_MS);
    t.deadline.unref();
  }

  /** Mesos-level health checks (COMMAND, HTTP, TCP) run here, next to the task. */
  private startHealthChecks(t: TaskRecord, sandbox: string): void {
    const check = t.info.healthCheck;
    if (!check || check.type === 'UNKNOWN') return;
    const frameworkId = t.frameworkId;
    const taskId = t.info.taskId?.value ?? '';
    t.health = new TaskHealthChecker(check, { env: this.taskEnv(frameworkId, t.info, sandbox), cwd: sandbox, startedAt: Date.now() }, (healthy, changed, kill) => {
      if (isTerminalState(t.state) || t.state === 'TASK_KILLING') return;
      if (changed) this.report(t, 'TASK_RUNNING', healthy ? 'Task is healthy' : 'Task is unhealthy', 'REASON_TASK_HEALTH_CHECK_STATUS_UPDATED', undefined, healthy);
      if (kill) {
        this.deps.log.warn({ frameworkId, taskId }, 'killing task after consecutive health check failures');
        this.kill(frameworkId, taskId, undefined);
      }
    });
    t.health.start();
  }

  private onExit(t: TaskRecord, exit: ExitInfo): void {
    t.health?.stop();
    if (t.deadline) clearTimeout(t.deadline);
    if (isTerminalState(t.state)) return;
    // After the update is on its way: removing cgroups or the container is not on the task's critical path.
    const container = t.container;
    const destroyed = new Promise<void>((resolve) => setImmediate(() => {
      if (!container) return resolve();
      container.destroy().catch((err) => this.deps.log.warn({ err, taskId: t.info.taskId?.value }, 'container cleanup failed')).finally(resolve);
    }));
    this.destroying.add(destroyed);
    const forget = () => this.destroying.delete(destroyed);
    destroyed.then(forget, forget);
    if (t.timedOut) {
      const limit = Number(t.info.maxCompletionTime?.nanoseconds ?? 0) / 1e9;
      this.report(t, 'TASK_FAILED', `Task exceeded its maximum completion time of ${limit} seconds`, 'REASON_MAX_COMPLETION_TIME_REACHED', exit.code ?? undefined);
    } else if (exit.oom && !exit.killed) {
      const wanted = res.scalar(res.fromProto(t.info.resources), 'mem');
      const used = exit.peakMemoryBytes !== undefined ? `${Math.round(exit.peakMemoryBytes / 1024 / 1024)}MB` : 'unknown';
      this.report(t, 'TASK_FAILED', `Memory limit exceeded: Requested: ${wanted}MB Maximum Used: ${used}`, 'REASON_CONTAINER_LIMITATION_MEMORY', exit.code ?? undefined);
    } else if (exit.launchError) {
      this.report(t, 'TASK_FAILED', `Failed to launch: ${exit.launchError}`, 'REASON_CONTAINER_LAUNCH_FAILED');
    } else if (exit.killed) {
      this.report(t, 'TASK_KILLED', exit.signal ? `Command terminated with signal ${exit.signal}` : `Command exited with status ${exit.code}`, undefined, exit.code ?? undefined);
    } else if (exit.lost) {
      this.report(t, 'TASK_FAILED', 'The executor ended without an exit status while the agent was down', 'REASON_EXECUTOR_TERMINATED');
    } else if (exit.code === 0) {
      this.report(t, 'TASK_FINISHED', 'Command exited with status 0', undefined, 0);
    } else if (exit.signal) {
      this.report(t, 'TASK_FAILED', `Command terminated with signal ${exit.signal}`, 'REASON_COMMAND_EXECUTOR_FAILED', exit.code ?? undefined);
    } else {
      this.report(t, 'TASK_FAILED', `Command exited with status ${exit.code}`, 'REASON_COMMAND_EXECUTOR_FAILED', exit.code ?? undefined);
    }
  }

  private kill(frameworkId: string, taskId: string, graceNs: string | undefined): void {
    const t = this.tasks.get(`${frameworkId}/${taskId}`);
    if (!t) {
      this.deps.log.warn({ frameworkId, taskId }, 'kill for unknown task');
      this.updates.enqueue(frameworkId, { taskId: { value: taskId }, state: 'TASK_LOST', message: 'Cannot find task on agent', source: 'SOURCE_AGENT', reason: 'REASON_TASK_UNKNOWN', timestamp: Date.now() / 1000, agentId: { value: this.agentId ?? '' } });
      return;
    }
    if (isTerminalState(t.state)) return;
    const graceMs = graceNs !== undefined && graceNs !== '' && Number(graceNs) >= 0 ? Number(graceNs) / NS_PER_MS : this.config.defaultKillGraceMs;
    t.state = 'TASK_KILLING';
    t.checkpoint.killRequested = true;
    void this.checkpoint.writeTask(t.checkpoint).catch(() => undefined);
    t.container?.kill(graceMs);
  }

  private acknowledge(frameworkId: string, taskId: string, uuid: Uint8Array): void {
    this.updates.acknowledge(frameworkId, taskId, uuid);
    const key = `${frameworkId}/${taskId}`;
    const t = this.tasks.get(key);
    // A terminal task is forgotten once its last update is acknowledged (Mesos frees its metadata then).
    if (t && isTerminalState(t.state) && this.updates.pendingFor(frameworkId, taskId).length === 0) {
      this.tasks.delete(key);
      this.checkpoint.removeTask(frameworkId, taskId);
    }
  }

  private report(t: TaskRecord, state: TaskStateName, message: string, reason: ReasonName | undefined, exitCode?: number, healthy?: boolean): void {
    t.state = state;
    const status: TaskStatus = {
      taskId: { value: t.info.taskId?.value ?? '' },
      state,
      message,
      source: 'SOURCE_EXECUTOR',
      agentId: { value: this.agentId ?? '' },
      executorId: { value: t.info.taskId?.value ?? '' },
      timestamp: Date.now() / 1000,
      ...(reason !== undefined ? { reason } : {}),
      ...(exitCode !== undefined ? { exitCode } : {}),
      ...(healthy !== undefined ? { healthy } : {}),
    };
    this.deps.metrics.statusUpdates.inc({ state });
    this.updates.enqueue(t.frameworkId, status);
  }

  /**
   * The environment a task sees: PATH and locale from the agent, Mesos's MESOS_* variables,
   * Marathon's HOST/PORT0..n/PORTS for the ports it was given, then its own variables on top.
   */
  private taskEnv(frameworkId: string, info: TaskInfo__Output, sandbox: string, inImage = false): Record<string, string> {
    const env: Record<string, string> = {};
    // A container brings its own PATH and locale from its image.
    if (!inImage) {
      for (const k of ['PATH', 'LANG', 'LC_ALL', 'TZ']) if (process.env[k]) env[k] = process.env[k]!;
      env.PATH ??= '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
    }
    Object.assign(env, {
      HOME: sandbox,
      MESOS_SANDBOX: sandbox,
      MESOS_TASK_ID: info.taskId?.value ?? '',
      MESOS_FRAMEWORK_ID: frameworkId,
      MESOS_AGENT_ID: this.agentId ?? '',
      STRATA_SANDBOX: sandbox,
      [WORK_DIR_ENV]: this.config.workDir,
      HOST: this.config.hostname,
    });
    let ports: number[] = [];
    try {
      const r = res.fromProto(info.resources);
      ports = (r.ranges.ports ?? []).flatMap((x) => Array.from({ length: x.end - x.begin + 1 }, (_, i) => x.begin + i));
    } catch {
      // validated by the master
    }
    ports.forEach((p, i) => (env[`PORT${i}`] = String(p)));
    if (ports.length) {
      env.PORT = String(ports[0]);
      env.PORTS = ports.join(',');
    }
    for (const v of info.command?.environment?.variables ?? []) env[v.name] = v.value;
    return env;
  }

  /** Sandbox directory of a task, for the files API. */
  sandboxOf(frameworkId: string, taskId: string): string {
    return sandboxPath(this.config.workDir, frameworkId, taskId);
  }

  state() {
    return {
      id: this.agentId ?? null,
      hostname: this.config.hostname,
      port: this.config.port,
      master: this.config.master,
      connected: this.link.connected,
      resources: res.toStateJson(this.config.resources),
      reserved_resources: Object.fromEntries([...this.config.reservations].map(([role, r]) => [role, res.toStateJson(r)])),
      attributes: this.config.attributes,
      isolation: this.deps.isolation,
      docker: this.deps.docker ?? null,
      recovered_tasks: this.recoveredTasks,
      pending_status_updates: this.updates.pendingCount,
      frameworks: [...this.frameworks.values()].map((fw) => ({
        id: fw.id?.value,
        name: fw.name,
        executors: [...this.tasks.values()]
          .filter((t) => t.frameworkId === fw.id?.value)
          .map((t) => ({ id: t.info.taskId?.value, directory: t.sandbox, tasks: [{ id: t.info.taskId?.value, name: t.info.name, state: t.state, pid: t.container?.pid }] })),
      })),
    };
  }
}
