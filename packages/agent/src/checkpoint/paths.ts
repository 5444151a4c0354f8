import * as path from 'node:path';

/**
 * The agent's on-disk layout, after Mesos's slave/paths.cpp. Pure: no I/O.
 *
 *   <work>/meta/agent.json                                  the agent id this work dir belongs to
 *   <work>/meta/frameworks/<fw>/tasks/<task>/task.json      TaskInfo, FrameworkInfo, executor pid
 *   <work>/meta/frameworks/<fw>/tasks/<task>/updates.log    status updates and acks, append-only
 *   <work>/meta/frameworks/<fw>/tasks/<task>/exit_status    written by the executor when the task exits
 *   <work>/sandboxes/<fw>/<task>/                           the task's working dir: stdout, stderr
 */
export const metaDir = (work: string) => path.join(work, 'meta');
export const agentFile = (work: string) => path.join(metaDir(work), 'agent.json');
export const frameworksDir = (work: string) => path.join(metaDir(work), 'frameworks');
export const taskMetaDir = (work: string, frameworkId: string, taskId: string) => path.join(frameworksDir(work), safeId(frameworkId), 'tasks', safeId(taskId));
export const taskFile = (dir: string) => path.join(dir, 'task.json');
export const updatesLog = (dir: string) => path.join(dir, 'updates.log');
export const exitStatusFile = (dir: string) => path.join(dir, 'exit_status');
export const sandboxesDir = (work: string) => path.join(work, 'sandboxes');
export const sandboxPath = (work: string, frameworkId: string, taskId: string) => path.join(sandboxesDir(work), safeId(frameworkId), safeId(taskId));

/** Task and framework ids are user-chosen: keep them from naming other directories. */
export function safeId(id: string): string {
  const cleaned = id.replace(/[^A-Za-z0-9._-]/g, '_');
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? `_${cleaned}` : cleaned;
}
