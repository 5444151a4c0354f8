import type { Resources } from '@strata/lib/resources';
import { buildTaskInfo } from '@strata/sdk/offers';
import type { ContainerInfo, TaskInfo, Volume } from '@strata/proto';
import { jobSecretSource, jobSecretVolumes } from '../model/job-secrets';
import { epsilonMs, type Job } from '../model/job';
import type { Run } from '../model/run';

/** A word for a POSIX shell: single-quoted, with embedded single quotes closed, escaped and reopened. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_\/.,:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Chronos's task environment: the job's variables, then Chronos's own (which win). */
export function chronosEnv(job: Job, run: Run, hostname: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const v of job.environmentVariables) if ('value' in v) env[v.name] = v.value;
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

/** The TaskInfo for one run placed on an agent (`hostname`), in `role`, with `resources` (the SDK's builder). */
export function chronosTaskInfo(job: Job, run: Run, hostname: string, role: string, resources: Resources): TaskInfo {
  // Arguments from the API are words, never shell syntax: each is quoted before it joins a shell command line.
  const eps = epsilonMs(job);
  const extra = run.arguments ? run.arguments.split(/\s+/).filter(Boolean) : [];
  const c = job.container as { image?: string; network?: string; forcePullImage?: boolean; volumes?: { containerPath: string; hostPath?: string; mode?: string }[] } | null;
  const secrets = job.secrets ?? {};
  const files: Volume[] = jobSecretVolumes(job.container).map((v) => ({ containerPath: v.containerPath, mode: 'RO', source: { type: 'SECRET', secret: { type: 'REFERENCE', reference: { name: jobSecretSource(secrets, v.secret) } } } }));
  const container: ContainerInfo | undefined = c?.image
    ? {
        type: 'DOCKER',
        docker: { image: c.image, network: (c.network as 'HOST' | 'BRIDGE') ?? 'HOST', forcePullImage: !!c.forcePullImage },
        volumes: [...(c.volumes ?? []).filter((v) => v.hostPath).map((v): Volume => ({ containerPath: v.containerPath, hostPath: v.hostPath!, mode: v.mode === 'RO' ? 'RO' : 'RW' })), ...files],
      }
    : files.length
      ? { type: 'MESOS', volumes: files }
      : undefined;
  const secretEnv = Object.fromEntries(job.environmentVariables.flatMap((v) => ('secret' in v ? [[v.name, jobSecretSource(secrets, v.secret)]] : [])));
  return buildTaskInfo(
    {
      id: run.id,
      name: `ChronosTask:${job.name}`,
      ...(job.shell ? { command: [job.command, ...extra.map(shellQuote)].join(' ') } : { argv: [job.command, ...job.arguments, ...extra] }),
      container,
      cpus: job.cpus,
      mem: job.mem,
      env: chronosEnv(job, run, hostname),
      secretEnv,
      uris: [...job.fetch.map((f) => ({ value: f.uri, executable: f.executable, extract: f.extract, cache: f.cache })), ...job.uris.map((u) => ({ value: u }))],
      maxCompletionMs: job.maxCompletionTime > 0 ? job.maxCompletionTime * 1000 : undefined,
      // A first attempt starts inside its epsilon or not at all, wherever the launch is held up.
      launchDeadlineMs: eps !== undefined && run.attempt === 0 ? run.due + eps : undefined,
      // Chronos's runAsUser (default root): the agent runs the task as it.
      user: job.runAsUser || undefined,
    },
    { agentId: run.agentId!, role, resources },
  );
}
