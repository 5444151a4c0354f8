import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import type { FrameworkInfo__Output, StatusUpdate, TaskInfo__Output, TaskStateName } from '@strata/proto';
import { agentFile, exitStatusFile, frameworksDir, taskFile, taskMetaDir, updatesLog } from './paths';

/** What the agent writes about a task before starting it, and updates once the executor runs. */
export interface CheckpointedTask {
  frameworkId: string;
  frameworkInfo: FrameworkInfo__Output;
  task: TaskInfo__Output;
  sandbox: string;
  /** Set once the containerizer started the task (a process or a Docker container). */
  launched?: boolean;
  /** The executor (the task's process group leader) and its start time in clock ticks, to tell it from a reused pid. */
  executorPid?: number;
  executorStartTicks?: number;
  /** Set when the agent asked the task to die, so an exit seen after a restart is TASK_KILLED. */
  killRequested?: boolean;
}

export interface RecoveredTask {
  dir: string;
  checkpoint: CheckpointedTask;
  /** Updates not yet acknowledged, oldest first. */
  pending: StatusUpdate[];
  latestState?: TaskStateName;
}

type LogRecord = { t: 'u'; u: unknown } | { t: 'a'; uuid: string };

/**
 * The agent's checkpoint: small JSON files replaced atomically (temp file + rename), and a per-task
 * append-only log of status updates and acknowledgements, written before an update leaves the
 * agent (Mesos's status update stream files). A torn last line is ignored on replay.
 *
 * Why no fsync: the checkpoint exists so tasks survive a crash or restart of the agent *process*;
 * written data is in the kernel's page cache then and survives it. A machine that loses power or
 * reboots loses its tasks too, and (like Mesos after a reboot) the agent starts over. Skipping
 * fsync keeps four disk flushes out of every task launch.
 */
export class AgentCheckpoint {
  constructor(private readonly workDir: string) {}

  readAgentId(): string | undefined {
    try {
      return (JSON.parse(readFileSync(agentFile(this.workDir), 'utf8')) as { agentId?: string }).agentId;
    } catch {
      return undefined;
    }
  }

  async writeAgentId(agentId: string | undefined): Promise<void> {
    replaceFile(agentFile(this.workDir), JSON.stringify({ agentId: agentId ?? null }));
  }

  taskDir(frameworkId: string, taskId: string): string {
    return taskMetaDir(this.workDir, frameworkId, taskId);
  }

  async writeTask(t: CheckpointedTask): Promise<void> {
    replaceFile(taskFile(this.taskDir(t.frameworkId, t.task.taskId?.value ?? '')), JSON.stringify(t));
  }

  appendUpdate(frameworkId: string, taskId: string, update: StatusUpdate): void {
    const u = { ...update, status: { ...update.status, uuid: Buffer.from(update.status!.uuid as Uint8Array).toString('base64'), data: undefined } };
    this.append(frameworkId, taskId, { t: 'u', u });
  }

  appendAck(frameworkId: string, taskId: string, uuid: Uint8Array): void {
    this.append(frameworkId, taskId, { t: 'a', uuid: Buffer.from(uuid).toString('base64') });
  }

  private append(frameworkId: string, taskId: string, rec: LogRecord): void {
    const dir = this.taskDir(frameworkId, taskId);
    mkdirSync(dir, { recursive: true });
    const fd = openSync(updatesLog(dir), 'a');
    try {
      writeSync(fd, JSON.stringify(rec) + '\n'); // one write() per record: never interleaved
    } finally {
      closeSync(fd);
    }
  }

  exitStatusFile(frameworkId: string, taskId: string): string {
    return exitStatusFile(this.taskDir(frameworkId, taskId));
  }

  removeTask(frameworkId: string, taskId: string): void {
    rmSync(this.taskDir(frameworkId, taskId), { recursive: true, force: true });
  }

  /** Every checkpointed task with its unacknowledged updates, for recovery after a restart. */
  recoverTasks(): RecoveredTask[] {
    const out: RecoveredTask[] = [];
    const root = frameworksDir(this.workDir);
    if (!existsSync(root)) return out;
    for (const fw of readdirSync(root)) {
      const tasksDir = `${root}/${fw}/tasks`;
      if (!existsSync(tasksDir)) continue;
      for (const task of readdirSync(tasksDir)) {
        const dir = `${tasksDir}/${task}`;
        let checkpoint: CheckpointedTask;
        try {
          checkpoint = JSON.parse(readFileSync(taskFile(dir), 'utf8')) as CheckpointedTask;
        } catch {
          rmSync(dir, { recursive: true, force: true }); // never got as far as launching
          continue;
        }
        const { pending, latestState } = replayLog(dir);
        out.push({ dir, checkpoint, pending, latestState });
      }
    }
    return out;
  }
}

/** Replaces a file so readers see the old or the new content, never a torn one. */
function replaceFile(file: string, data: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

function replayLog(dir: string): { pending: StatusUpdate[]; latestState?: TaskStateName } {
  let text = '';
  try {
    text = readFileSync(updatesLog(dir), 'utf8');
  } catch {
    return { pending: [] };
  }
  const pending: StatusUpdate[] = [];
  let latestState: TaskStateName | undefined;
  for (const line of text.split('\n')) {
    if (!line) continue;
    let rec: LogRecord;
    try {
      rec = JSON.parse(line) as LogRecord;
    } catch {
      continue; // a torn write from a crash: the update was never sent
    }
    if (rec.t === 'u') {
      const u = rec.u as StatusUpdate & { status: { uuid: string } };
      const update: StatusUpdate = { ...u, status: { ...u.status, uuid: Buffer.from(u.status.uuid, 'base64') } };
      pending.push(update);
      latestState = update.status!.state as TaskStateName;
    } else if (rec.t === 'a') {
      const i = pending.findIndex((p) => Buffer.from(p.status!.uuid as Uint8Array).toString('base64') === rec.uuid);
      if (i >= 0) pending.splice(i, 1);
    }
  }
  return { pending, latestState };
}
