import * as res from '@strata/lib/resources';
import type { Resources } from '@strata/lib/resources';
import type { TaskInfo } from '@strata/proto';
import type { Job } from '../model/job';
import type { Run } from '../model/run';

/** A word for a POSIX shell: single-quoted, with embedded single quotes closed, escaped and reopened. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_\/.,:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Chronos's task environment: the job's variables, then Chronos's own (which win). */
export function chronosEnv(job: Job, run: Run, hostname: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const v of job.environmentVariables) env[v.name] = v.value;
  return Object.assign(env, {
    mesos_task_id: run.id,
    MESOS_TASK_ID: run.id,
    CHRONOS_JOB_OWNER: job.owner,
    CHRONOS_JOB_NAME: job.name,
    HOST: hostname,
    CHRONOS_RESOURCE_MEM: String(job.mem),
    CHRONOS_RESOURCE_CPU: String(job.cpus),
    CHRONOS_RESOURCE_DISK: String(job.disk),
    CHRONOS_JOB_RUN_TIME: String(run.due),
    CHRONOS_JOB_RUN_ATTEMPT: String(run.attempt),
  });
}

/** The TaskInfo for one run placed on an agent (`hostname`), in `role`, with `resources`. */
export function chronosTaskInfo(job: Job, run: Run, hostname: string, role: string, resources: Resources): TaskInfo {
  const env = chronosEnv(job, run, hostname);
  // Arguments from the API are words, never shell syntax: each is quoted before it joins a shell command line.
  const extra = run.arguments ? run.arguments.split(/\s+/).filter(Boolean) : [];
  const command = job.shell ? [job.command, ...extra.map(shellQuote)].join(' ') : job.command;
  const c = job.container as { image?: string; network?: string; forcePullImage?: boolean; volumes?: { containerPath: string; hostPath?: string; mode?: string }[] } | null;
  return {
    name: `ChronosTask:${job.name}`,
    taskId: { value: run.id },
    agentId: { value: run.agentId! },
    resources: res.toProto(resources, role, { allocatedTo: role }),
    command: {
      ...(job.shell ? { value: command, shell: true } : { value: job.command, shell: false, arguments: [job.command, ...job.arguments, ...extra] }),
      environment: { variables: Object.entries(env).map(([name, value]) => ({ name, value })) },
      uris: [...job.fetch.map((f) => ({ value: f.uri, executable: f.executable, extract: f.extract, cache: f.cache })), ...job.uris.map((u) => ({ value: u }))],
    },
    ...(c?.image
      ? { container: { type: 'DOCKER', docker: { image: c.image, network: (c.network as 'HOST' | 'BRIDGE') ?? 'HOST', forcePullImage: !!c.forcePullImage }, volumes: (c.volumes ?? []).filter((v) => v.hostPath).map((v) => ({ containerPath: v.containerPath, hostPath: v.hostPath!, mode: v.mode === 'RO' ? 'RO' : 'RW' })) } }
      : {}),
    ...(job.maxCompletionTime > 0 ? { maxCompletionTime: { nanoseconds: String(Math.round(job.maxCompletionTime * 1e9)) } } : {}),
  };
}
