import { normalSecretPath } from '@strata/lib/validation';
import type { TaskInfo__Output } from '@strata/proto';

type Variable = NonNullable<NonNullable<TaskInfo__Output['command']>['environment']>['variables'][number];
type Volume = NonNullable<TaskInfo__Output['container']>['volumes'][number];

const referenceOf = (s: { type?: string; reference?: { name?: string } | null } | null | undefined): string | undefined =>
  s && s.type !== 'VALUE' && s.reference?.name ? normalSecretPath(s.reference.name) : undefined;
const isSecretVariable = (v: Variable) => v.type === 'SECRET';
const isSecretVolume = (v: Volume) => v.source?.type === 'SECRET';

/** Every secret a task refers to (environment variables and volumes), in order, once each. */
export function secretReferences(task: TaskInfo__Output): string[] {
  const names = new Set<string>();
  for (const v of task.command?.environment?.variables ?? []) if (isSecretVariable(v)) names.add(referenceOf(v.secret) ?? '');
  for (const v of task.container?.volumes ?? []) if (isSecretVolume(v)) names.add(referenceOf(v.source?.secret) ?? '');
  return [...names];
}

/** Why a task's secrets cannot be resolved (a reference without a name, or to no secret), or undefined. */
export function unresolvable(task: TaskInfo__Output, exists: (path: string) => boolean): string | undefined {
  const refs = secretReferences(task);
  if (refs.includes('')) return 'A secret reference must name a secret';
  const missing = refs.filter((r) => !exists(r));
  return missing.length ? `Secret${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')} not found` : undefined;
}

/**
 * The task as the agent gets it: each reference replaced by the secret's VALUE. A copy: the
 * master records, reports and stores the task with its references only. Tasks without secrets
 * come back as they are (the hot path stays copy-free).
 */
export function withSecretValues(task: TaskInfo__Output, valueOf: (path: string) => string | undefined): TaskInfo__Output {
  const vars = task.command?.environment?.variables ?? [];
  const vols = task.container?.volumes ?? [];
  if (!vars.some(isSecretVariable) && !vols.some(isSecretVolume)) return task;
  // The reference stays beside the value, so the agent's redacted copy still says which secret it was.
  const value = (s: Variable['secret']) => ({ type: 'VALUE' as const, reference: s?.reference ?? null, value: { data: Buffer.from(valueOf(referenceOf(s) ?? '') ?? '', 'utf8') } });
  return {
    ...task,
    command: task.command && {
      ...task.command,
      environment: { variables: vars.map((v) => (isSecretVariable(v) ? { ...v, secret: value(v.secret) } : v)) },
    },
    container: task.container && {
      ...task.container,
      volumes: vols.map((v) => (isSecretVolume(v) ? { ...v, source: { ...v.source!, secret: value(v.source!.secret) } } : v)),
    },
  };
}
