import { readFileSync, readdirSync } from 'node:fs';
import type { Logger } from '@strata/lib';
import { WORK_DIR_ENV } from '../tasks/task-env';

/**
 * Which task a process belongs to, from its environment, if this agent's work dir started it
 * (Mesos's launcher finds its orphans in recover(); Strata marks each task's environment).
 */
export function taskOfProcess(environ: readonly string[], workDir: string): { frameworkId: string; taskId: string } | undefined {
  if (!environ.includes(`${WORK_DIR_ENV}=${workDir}`)) return undefined;
  const value = (name: string) => environ.find((e) => e.startsWith(`${name}=`))?.slice(name.length + 1) ?? '';
  return { frameworkId: value('MESOS_FRAMEWORK_ID'), taskId: value('MESOS_TASK_ID') };
}

/** Kills processes started by this work dir's agents that no checkpoint accounts for (`live`: `framework/task` keys). */
export function killOrphans(workDir: string, live: ReadonlySet<string>, log: Logger): void {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let environ: string[];
    try {
      environ = readFileSync(`/proc/${d}/environ`, 'latin1').split('\0');
    } catch {
      continue;
    }
    const task = taskOfProcess(environ, workDir);
    if (!task || live.has(`${task.frameworkId}/${task.taskId}`)) continue;
    log.warn({ pid: Number(d), frameworkId: task.frameworkId, taskId: task.taskId }, 'killing orphan process');
    try {
      process.kill(Number(d), 'SIGKILL');
    } catch {
      // gone already
    }
  }
}
