import * as os from 'node:os';
import { res, type Logger, type Resources } from '@strata/lib';
import {
  isTerminalState,
  type FrameworkInfo__Output,
  type MasterMessage__Output,
  type ReasonName,
  type TaskInfo__Output,
  type TaskStateName,
  type TaskStatus,
} from '@strata/proto';
import type { Container, Containerizer, ExitInfo } from './containerizer/containerizer';
import { sandboxPath } from './containerizer/sandbox';
import { StatusUpdateManager } from './status-updates/status-update-manager';
import { MasterLink } from './grpc/master-link';
import type { AgentMetrics } from './metrics';

export interface AgentConfig {
  master: string;
  hostname: string;
  /** The agent's own HTTP port, advertised to the master. */
  port: number;
  advertiseIp: string;
  workDir: string;
  resources: Resources;
  attributes: Record<string, string>;
  /** Grace period between SIGTERM and SIGKILL when a kill names none (Mesos's default is 3 s for command tasks). */
  defaultKillGraceMs: number;
}

interface TaskRecord {
  frameworkId: string;
  info: TaskInfo__Output;
  state: TaskStateName;
  sandbox: string;
  container?: Container;
  startedAt: number;
}

const NS_PER_MS = 1_000_000;

/**
 * The agent: runs what the master launches, reports every state change reliably, and keeps
 * its link to the master up. Containers are reached only through the Containerizer seam.
 */
export class Agent {
  agentId?: string;
  private readonly tasks = new Map<string, TaskRecord>();
  private readonly frameworks = new Map<string, FrameworkInfo__Output>();
  private readonly updates: StatusUpdateManager;
  private readonly link: MasterLink;

  constructor(
    readonly config: AgentConfig,
    private readonly deps: { containerizer: Containerizer; log: Logger; metrics: AgentMetrics },
  ) {
    this.updates = new StatusUpdateManager((u) => this.link.send({ statusUpdate: u }));
    this.link = new MasterLink(config.master, {
      registration: () => this.registration(),
      onRegistered: (r, again) => {
        this.agentId = r.agentId!.value;
        deps.log.info({ agentId: this.agentId, master: r.masterInfo?.id, reregistered: again }, again ? 'agent reregistered' : 'agent registered');
      },
      onUnknownToMaster: () => this.forgetEverything(),
      onMessage: (m) => this.onMessage(m),
      onConnected: () => this.updates.resendAll(),
      onDisconnected: () => deps.log.warn('disconnected from master'),
    }, deps.log);
  }

  start(): void {
    this.link.start();
  }

  async stop(): Promise<void> {
    this.link.stop();
    this.updates.stop();
  }

  /**
   * Kills every task and waits (bounded) for them to exit and for their final updates to be
   * sent: what SIGUSR1 does, as for Mesos's agent, and what `strata up` uses on Ctrl-C.
   */
  async shutdownTasks(timeoutMs = 10_000): Promise<void> {
    const running = [...this.tasks.values()].filter((t) => !isTerminalState(t.state));
    for (const t of running) this.kill(t.frameworkId, t.info.taskId?.value ?? '', undefined);
    const exits = running.map((t) => t.container?.exited).filter((p): p is Promise<ExitInfo> => !!p);
    await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }

  get connected(): boolean {
    return this.link.connected;
  }

  private registration() {
    const agentInfo = {
      hostname: this.config.hostname,
      port: this.config.port,
      resources: res.toProto(this.config.resources),
      attributes: Object.entries(this.config.attributes).map(([name, value]) => ({ name, type: 'TEXT' as const, text: { value } })),
      address: { hostname: this.config.hostname, ip: this.config.advertiseIp, port: this.config.port },
      capabilities: ['process'],
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

  /** The master no longer knows us: our tasks are orphans nobody can manage; kill them. */
  private forgetEverything(): void {
    for (const t of this.tasks.values()) t.container?.kill(0);
    this.tasks.clear();
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
          for (const t of m.launchTasks.tasks) void this.launch(fw.id?.value ?? '', t);
        }
        return;
      case 'killTask':
        if (m.killTask) this.kill(m.killTask.frameworkId?.value ?? '', m.killTask.taskId?.value ?? '', m.killTask.killPolicy?.gracePeriod?.nanoseconds);
        return;
      case 'statusUpdateAck':
        if (m.statusUpdateAck) this.acknowledge(m.statusUpdateAck.frameworkId?.value ?? '', m.statusUpdateAck.taskId?.value ?? '', m.statusUpdateAck.uuid);
        return;
      case 'shutdownFramework': {
        const fwId = m.shutdownFramework?.frameworkId?.value ?? '';
        for (const t of this.tasks.values()) if (t.frameworkId === fwId) this.kill(fwId, t.info.taskId?.value ?? '', undefined);
        return;
      }
    }
  }

  private async launch(frameworkId: string, info: TaskInfo__Output): Promise<void> {
    const taskId = info.taskId?.value ?? '';
    const key = `${frameworkId}/${taskId}`;
    const log = this.deps.log.child({ frameworkId, taskId });
    if (this.tasks.has(key)) {
      log.warn('duplicate launch ignored');
      return;
    }
    const sandbox = sandboxPath(this.config.workDir, frameworkId, taskId);
    const record: TaskRecord = { frameworkId, info, state: 'TASK_STAGING', sandbox, startedAt: Date.now() };
    this.tasks.set(key, record);
    if (!info.command) {
      this.report(record, 'TASK_FAILED', 'Only command tasks are supported by this agent (no Docker containerizer yet)', 'REASON_CONTAINER_LAUNCH_FAILED');
      return;
    }
    try {
      record.container = await this.deps.containerizer.launch({ taskId, command: info.command, env: this.taskEnv(frameworkId, info, sandbox), sandbox });
    } catch (err) {
      this.report(record, 'TASK_FAILED', `Failed to launch: ${(err as Error).message}`, 'REASON_CONTAINER_LAUNCH_FAILED');
      return;
    }
    if (record.state === 'TASK_KILLING') record.container.kill(0); // killed while launching
    else if (record.container.pid !== undefined) this.report(record, 'TASK_RUNNING', 'Task started', undefined);
    this.deps.metrics.tasksLaunched.inc();
    log.info({ pid: record.container.pid, sandbox }, 'task launched');
    const exit = await record.container.exited;
    this.onExit(record, exit);
  }

  private onExit(t: TaskRecord, exit: ExitInfo): void {
    if (exit.launchError) {
      this.report(t, 'TASK_FAILED', `Failed to launch: ${exit.launchError}`, 'REASON_CONTAINER_LAUNCH_FAILED');
    } else if (exit.killed) {
      this.report(t, 'TASK_KILLED', exit.signal ? `Command terminated with signal ${exit.signal}` : `Command exited with status ${exit.code}`, undefined, exit.code ?? undefined);
    } else if (exit.code === 0) {
      this.report(t, 'TASK_FINISHED', 'Command exited with status 0', undefined, 0);
    } else if (exit.signal) {
      this.report(t, 'TASK_FAILED', `Command terminated with signal ${exit.signal}`, 'REASON_COMMAND_EXECUTOR_FAILED');
    } else {
      this.report(t, 'TASK_FAILED', `Command exited with status ${exit.code}`, 'REASON_COMMAND_EXECUTOR_FAILED', exit.code ?? undefined);
    }
  }

  private kill(frameworkId: string, taskId: string, graceNs: string | undefined): void {
    const t = this.tasks.get(`${frameworkId}/${taskId}`);
    if (!t) {
      this.deps.log.warn({ frameworkId, taskId }, 'kill for unknown task');
      const status: TaskStatus = { taskId: { value: taskId }, state: 'TASK_LOST', message: 'Cannot find task on agent', source: 'SOURCE_AGENT', reason: 'REASON_TASK_UNKNOWN', timestamp: Date.now() / 1000, agentId: { value: this.agentId ?? '' } };
      this.updates.enqueue(frameworkId, status);
      return;
    }
    if (isTerminalState(t.state)) return;
    const graceMs = graceNs !== undefined && graceNs !== '' && Number(graceNs) >= 0 ? Number(graceNs) / NS_PER_MS : this.config.defaultKillGraceMs;
    if (t.state !== 'TASK_KILLING') t.state = 'TASK_KILLING';
    t.container?.kill(graceMs);
  }

  private acknowledge(frameworkId: string, taskId: string, uuid: Uint8Array): void {
    this.updates.acknowledge(frameworkId, taskId, uuid);
    const key = `${frameworkId}/${taskId}`;
    const t = this.tasks.get(key);
    // A terminal task is forgotten once its last update is acknowledged (Mesos frees its metadata then).
    if (t && isTerminalState(t.state) && this.updates.pendingFor(frameworkId, taskId).length === 0) this.tasks.delete(key);
  }

  private report(t: TaskRecord, state: TaskStateName, message: string, reason: ReasonName | undefined, exitCode?: number): void {
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
    };
    this.deps.metrics.statusUpdates.inc({ state });
    this.updates.enqueue(t.frameworkId, status);
  }

  /**
   * The environment a task sees: PATH and locale from the agent, Mesos's MESOS_* variables,
   * Marathon's HOST/PORT0..n/PORTS for the ports it was given, then its own variables on top.
   */
  private taskEnv(frameworkId: string, info: TaskInfo__Output, sandbox: string): Record<string, string> {
    const env: Record<string, string> = {};
    for (const k of ['PATH', 'LANG', 'LC_ALL', 'TZ']) if (process.env[k]) env[k] = process.env[k]!;
    env.PATH ??= '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
    Object.assign(env, {
      HOME: sandbox,
      MESOS_SANDBOX: sandbox,
      MESOS_TASK_ID: info.taskId?.value ?? '',
      MESOS_FRAMEWORK_ID: frameworkId,
      MESOS_AGENT_ID: this.agentId ?? '',
      STRATA_SANDBOX: sandbox,
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

  state() {
    return {
      id: this.agentId ?? null,
      hostname: this.config.hostname,
      port: this.config.port,
      master: this.config.master,
      connected: this.link.connected,
      resources: res.toStateJson(this.config.resources),
      attributes: this.config.attributes,
      isolation: 'posix/process-group',
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

export const defaultHostname = () => os.hostname();
