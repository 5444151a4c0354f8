import { CompletedTasks } from './completed-tasks';
import { mkdir } from 'node:fs/promises';
import { res, type Clock, type Logger } from '@strata/lib';
import { isTerminalState, type FrameworkInfo__Output, type ReasonName, type TaskInfo__Output, type TaskStateName, type TaskStatus } from '@strata/proto';
import type { AgentCheckpoint, CheckpointedTask } from '../checkpoint/task-checkpoint';
import { sandboxPath } from '../checkpoint/paths';
import type { AgentConfig } from '../config';
import { isDockerTask, type Containerizer, type ExitInfo } from '../containerizer/containerizer';
import { fetchUris } from '../fetcher/fetcher';
import { TaskHealthChecker } from '../health/task-health-checker';
import type { AgentMetrics } from '../metrics';
import type { StatusUpdateManager } from '../status-updates/status-update-manager';
import { exitStatus } from './exit-status';
import { taskEnv } from './task-env';
import { secretFilePaths, takeSecrets } from './task-secrets';
import { removeSecretFiles, writeSecretFiles } from './secret-files';
import { containerIdOf, taskKeyOf, type TaskRecord } from './task-record';
import { taskUserName, type SystemUser } from '../users/passwd';
import type { UserSwitch } from '../users/user-switch';

const NS_PER_MS = 1_000_000;

/** TaskInfo.launch_deadline in ms since the epoch, when the framework gave one. */
export function launchDeadlineMs(info: TaskInfo__Output): number | undefined {
  const ns = info.launchDeadline?.nanoseconds;
  return ns !== undefined && ns !== '' && Number(ns) > 0 ? Number(ns) / NS_PER_MS : undefined;
}

export interface TaskRunnerDeps {
  config: AgentConfig;
  containerizer: Containerizer;
  checkpoint: AgentCheckpoint;
  updates: StatusUpdateManager;
  clock: Clock;
  log: Logger;
  metrics: AgentMetrics;
  agentId: () => string;
  users: UserSwitch;
}

/**
 * A task's life on the agent: checkpointed, fetched, launched, watched (health checks, max
 * completion time), killed, and its end reported (tasks/exit-status.ts). Every state change is
 * a reliable status update through the StatusUpdateManager.
 */
export class TaskRunner {
  readonly tasks = new Map<string, TaskRecord>();
  /** Forgotten tasks with their sandboxes, for /state. */
  readonly completed = new CompletedTasks();
  /** Cleanups (cgroups, containers) still running, so a shutdown can wait for them. */
  readonly destroying = new Set<Promise<void>>();

  constructor(private readonly deps: TaskRunnerDeps) {}

  async launch(fw: FrameworkInfo__Output, sent: TaskInfo__Output): Promise<void> {
    const { config, checkpoint: store, containerizer, metrics } = this.deps;
    // From here on the task is known without its secrets' values: those live in `secrets` alone.
    const secrets = takeSecrets(sent);
    const info = secrets.redacted;
    const frameworkId = fw.id?.value ?? '';
    const taskId = info.taskId?.value ?? '';
    const key = taskKeyOf(frameworkId, taskId);
    const log = this.deps.log.child({ frameworkId, taskId });
    if (this.tasks.has(key)) {
      log.warn('duplicate launch ignored');
      return;
    }
    const sandbox = sandboxPath(config.workDir, frameworkId, taskId);
    const checkpoint: CheckpointedTask = { frameworkId, frameworkInfo: fw, task: info, sandbox };
    const record: TaskRecord = { containerId: containerIdOf(frameworkId, taskId), frameworkId, info, state: 'TASK_STAGING', sandbox, checkpoint, secretEnv: secrets.env };
    this.tasks.set(key, record);
    const fail = (message: string) => this.report(record, 'TASK_FAILED', message, 'REASON_CONTAINER_LAUNCH_FAILED');
    const deadline = launchDeadlineMs(info);
    if (deadline !== undefined && this.deps.clock.now() > deadline) {
      // Held up on its way here (a partition, a slow master) past the time its framework gave it:
      // not started at all. Mesos's word for a task that never started is TASK_DROPPED to a
      // partition-aware framework, TASK_LOST to the others.
      const state = fw.capabilities.some((c) => c.type === 'PARTITION_AWARE') ? 'TASK_DROPPED' : 'TASK_LOST';
      log.warn({ deadline: new Date(deadline).toISOString() }, 'launch arrived after its deadline: not started');
      return this.report(record, state, `Launch arrived ${this.deps.clock.now() - deadline} ms after its deadline ${new Date(deadline).toISOString()}`, 'REASON_LAUNCH_DEADLINE_PASSED');
    }
    try {
      // Written before the process exists, so a crash in between is noticed on recovery.
      await store.writeTask(checkpoint);
    } catch (err) {
      return fail(`Cannot checkpoint the task: ${(err as Error).message}`);
    }
    if (!info.command && !isDockerTask(info)) return fail('A task needs a command, or a DOCKER container');
    if (secrets.problem) return fail(secrets.problem);
    let user: SystemUser | undefined;
    try {
      user = this.deps.users.userFor(taskUserName(info, fw));
    } catch (err) {
      return fail((err as Error).message);
    }
    if (info.command?.uris.length || user || secrets.files.length) {
      try {
        await mkdir(sandbox, { recursive: true });
        // Before the fetch, into a sandbox nothing has written yet: no link a download brought can redirect them.
        await writeSecretFiles(sandbox, secrets.files);
        if (info.command?.uris.length) await fetchUris(info.command.uris, sandbox);
        if (user) this.deps.users.prepareSandbox(sandbox, user);
      } catch (err) {
        return fail((err as Error).message);
      }
    }
    try {
      record.container = await containerizer.launch({
        containerId: record.containerId,
        frameworkId,
        taskId,
        task: info,
        resources: res.fromProto(info.resources),
        env: this.envOf(record, isDockerTask(info)),
        sandbox,
        statusFile: store.exitStatusFile(frameworkId, taskId),
        ...(user ? { user } : {}),
      });
    } catch (err) {
      return fail(`Failed to launch: ${(err as Error).message}`);
    }
    const container = record.container;
    checkpoint.launched = true;
    checkpoint.executorPid = container.pid;
    checkpoint.executorStartTicks = container.startTicks;
    await store.writeTask(checkpoint).catch((err: unknown) => log.error({ err }, 'cannot checkpoint the launched task'));
    if (record.state === 'TASK_KILLING') container.kill(0); // killed while launching
    else {
      this.report(record, 'TASK_RUNNING', 'Task started', undefined);
      this.startHealthChecks(record);
      this.enforceMaxCompletionTime(record);
    }
    metrics.tasksLaunched.inc();
    log.info({ pid: container.pid, sandbox, user: user?.name }, 'task launched');
    this.onExit(record, await container.exited);
  }

  kill(frameworkId: string, taskId: string, graceNs: string | undefined): void {
    const t = this.tasks.get(taskKeyOf(frameworkId, taskId));
    if (!t) {
      this.deps.log.warn({ frameworkId, taskId }, 'kill for unknown task');
      this.deps.updates.enqueue(frameworkId, { taskId: { value: taskId }, state: 'TASK_LOST', message: 'Cannot find task on agent', source: 'SOURCE_AGENT', reason: 'REASON_TASK_UNKNOWN', timestamp: this.deps.clock.now() / 1000, agentId: { value: this.deps.agentId() } });
      return;
    }
    if (isTerminalState(t.state)) return;
    const graceMs = graceNs !== undefined && graceNs !== '' && Number(graceNs) >= 0 ? Number(graceNs) / NS_PER_MS : this.deps.config.defaultKillGraceMs;
    t.state = 'TASK_KILLING';
    t.checkpoint.killRequested = true;
    this.deps.checkpoint.writeTask(t.checkpoint).catch((err: unknown) => this.deps.log.warn({ err, taskId }, 'cannot checkpoint the kill request'));
    t.container?.kill(graceMs);
  }

  /** A terminal task is forgotten once its last update is acknowledged (Mesos frees its metadata then). */
  acknowledge(frameworkId: string, taskId: string, uuid: Uint8Array): void {
    const { updates, checkpoint } = this.deps;
    updates.acknowledge(frameworkId, taskId, uuid);
    const key = taskKeyOf(frameworkId, taskId);
    const t = this.tasks.get(key);
    if (t && isTerminalState(t.state) && updates.pendingFor(frameworkId, taskId).length === 0) {
      this.tasks.delete(key);
      this.completed.add({ frameworkId, taskId, name: t.info.name, state: t.state, sandbox: t.sandbox, user: taskUserName(t.info, t.checkpoint.frameworkInfo) });
      checkpoint.removeTask(frameworkId, taskId);
    }
  }

  report(t: TaskRecord, state: TaskStateName, message: string, reason: ReasonName | undefined, exitCode?: number, healthy?: boolean): void {
    t.state = state;
    const status: TaskStatus = {
      taskId: { value: t.info.taskId?.value ?? '' },
      state,
      message,
      source: 'SOURCE_EXECUTOR',
      agentId: { value: this.deps.agentId() },
      executorId: { value: t.info.taskId?.value ?? '' },
      timestamp: this.deps.clock.now() / 1000,
      ...(reason !== undefined ? { reason } : {}),
      ...(exitCode !== undefined ? { exitCode } : {}),
      ...(healthy !== undefined ? { healthy } : {}),
    };
    this.deps.metrics.statusUpdates.inc({ state });
    this.deps.updates.enqueue(t.frameworkId, status);
  }

  onExit(t: TaskRecord, exit: ExitInfo): void {
    t.health?.stop();
    t.deadline?.cancel();
    if (isTerminalState(t.state)) return;
    // After the update is on its way: removing cgroups or the container is not on the task's critical path.
    const container = t.container;
    const destroyed = new Promise<void>((resolve) =>
      setImmediate(() => {
        if (!container) return resolve();
        container.destroy().catch((err: unknown) => this.deps.log.warn({ err, taskId: t.info.taskId?.value }, 'container cleanup failed')).finally(resolve);
      }),
    );
    this.destroying.add(destroyed);
    const forget = () => this.destroying.delete(destroyed);
    destroyed.then(forget, forget);
    try {
      removeSecretFiles(t.sandbox, secretFilePaths(t.info));
    } catch (err) {
      this.deps.log.warn({ err, taskId: t.info.taskId?.value }, 'cannot remove the secret files of a finished task');
    }
    const s = exitStatus(exit, t.info, !!t.timedOut);
    this.report(t, s.state, s.message, s.reason, s.exitCode);
  }

  /** Mesos-level health checks (COMMAND, HTTP, TCP) run here, next to the task. */
  startHealthChecks(t: TaskRecord): void {
    const check = t.info.healthCheck;
    if (!check || check.type === 'UNKNOWN') return;
    const frameworkId = t.frameworkId;
    const taskId = t.info.taskId?.value ?? '';
    const target = { env: this.envOf(t, false), cwd: t.sandbox, startedAt: this.deps.clock.now() };
    t.health = new TaskHealthChecker(check, target, (healthy, changed, kill) => {
      if (isTerminalState(t.state) || t.state === 'TASK_KILLING') return;
      if (changed) this.report(t, 'TASK_RUNNING', healthy ? 'Task is healthy' : 'Task is unhealthy', 'REASON_TASK_HEALTH_CHECK_STATUS_UPDATED', undefined, healthy);
      if (kill) {
        this.deps.log.warn({ frameworkId, taskId }, 'killing task after consecutive health check failures');
        this.kill(frameworkId, taskId, undefined);
      }
    }, this.deps.clock);
    t.health.start();
  }

  /** TaskInfo.max_completion_time: a task still running after it is killed and reported TASK_FAILED. */
  private enforceMaxCompletionTime(t: TaskRecord): void {
    const ns = Number(t.info.maxCompletionTime?.nanoseconds ?? 0);
    if (!(ns > 0)) return;
    t.deadline = this.deps.clock.after(
      ns / NS_PER_MS,
      () => {
        if (isTerminalState(t.state)) return;
        t.timedOut = true;
        this.deps.log.warn({ frameworkId: t.frameworkId, taskId: t.info.taskId?.value }, 'task reached its max completion time');
        t.container?.kill(this.deps.config.defaultKillGraceMs);
      },
      { unref: true },
    );
  }

  /** The task's environment, its secrets from memory on top (a recovered task's health checks go without them). */
  private envOf(t: TaskRecord, inImage: boolean): Record<string, string> {
    const { config } = this.deps;
    const env = taskEnv({ frameworkId: t.frameworkId, info: t.info, sandbox: t.sandbox, inImage, agentId: this.deps.agentId(), workDir: config.workDir, hostname: config.hostname, agentEnv: process.env });
    return t.secretEnv ? Object.assign(env, t.secretEnv) : env;
  }
}
