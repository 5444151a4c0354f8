import { readFileSync, readdirSync } from 'node:fs';

/** Live pids whose environment says they belong to this task (the agent sets MESOS_TASK_ID). */
export function pidsOfTask(taskId: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/environ`, 'latin1').split('\0').includes(`MESOS_TASK_ID=${taskId}`)) {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        if (stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z') out.push(Number(d));
      }
    } catch {
      // exited meanwhile
    }
  }
  return out.sort((a, b) => a - b);
}

/** The task's executor: the process leading its process group (it lives as long as the task). */
export function taskLeader(taskId: string): number | undefined {
  for (const pid of pidsOfTask(taskId)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const pgid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      if (pgid === pid) return pid;
    } catch {
      // exited
    }
  }
  return undefined;
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
