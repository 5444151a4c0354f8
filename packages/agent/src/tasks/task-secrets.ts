import { sandboxPathProblem } from '@strata/lib/validation';
import type { TaskInfo__Output } from '@strata/proto';

export interface TaskSecrets {
  /** The task as the agent keeps it (checkpoint, /state, health checks): every secret's value removed. */
  redacted: TaskInfo__Output;
  /** Environment variables whose values are secrets. */
  env: Record<string, string>;
  /** Files to write into the sandbox before the task starts: path relative to it, and content. */
  files: { path: string; content: Buffer }[];
  /** Why the task cannot start (a secret file outside the sandbox), or undefined. */
  problem?: string;
}

type Secret = NonNullable<NonNullable<NonNullable<TaskInfo__Output['command']>['environment']>['variables'][number]['secret']>;

const dataOf = (s: Secret | null | undefined): Buffer => Buffer.from(s?.type === 'VALUE' && s.value?.data ? s.value.data : Buffer.alloc(0));
const redact = (s: Secret | null | undefined): Secret | null => (s ? { ...s, type: 'REFERENCE', value: null } : null);

/**
 * Takes the secret values the master resolved out of a launch: they reach the task's environment
 * and files, and nothing the agent writes down or shows. A task without secrets is returned as is.
 */
export function takeSecrets(info: TaskInfo__Output): TaskSecrets {
  const vars = info.command?.environment?.variables ?? [];
  const vols = info.container?.volumes ?? [];
  const secretVars = vars.filter((v) => v.type === 'SECRET');
  const secretVols = vols.filter((v) => v.source?.type === 'SECRET');
  if (!secretVars.length && !secretVols.length) return { redacted: info, env: {}, files: [] };
  const env = Object.fromEntries(secretVars.map((v) => [v.name, dataOf(v.secret).toString('utf8')]));
  const files = secretVols.map((v) => ({ path: v.containerPath, content: dataOf(v.source?.secret) }));
  const outside = secretVols.find((v) => !v.containerPath || sandboxPathProblem(v.containerPath));
  const problem = outside ? `A secret volume's container_path '${outside.containerPath}' ${outside.containerPath ? sandboxPathProblem(outside.containerPath) : 'must not be empty'}` : undefined;
  const redacted: TaskInfo__Output = {
    ...info,
    command: info.command && { ...info.command, environment: { variables: vars.map((v) => (v.type === 'SECRET' ? { ...v, value: '', secret: redact(v.secret) } : v)) } },
    container: info.container && { ...info.container, volumes: vols.map((v) => (v.source?.type === 'SECRET' ? { ...v, source: { ...v.source, secret: redact(v.source.secret) } } : v)) },
  };
  return { redacted, env, files, ...(problem ? { problem } : {}) };
}

/** The sandbox paths of a task's secret files, which the files API does not serve. */
export function secretFilePaths(info: TaskInfo__Output): string[] {
  return (info.container?.volumes ?? []).filter((v) => v.source?.type === 'SECRET').map((v) => v.containerPath);
}
