import { normalSecretPath, sandboxPathProblem, secretPathProblem, secretScopeProblem } from '@strata/lib/validation';

/** Metronome's `secrets` on a Chronos job: a name the job uses, and the secret store's path. */
export type JobSecrets = Record<string, { source: string }>;
/** An environment variable: a value, or (`secret`) one of the job's secrets by name. */
export type JobEnvVar = { name: string; value: string } | { name: string; secret: string };
/** A file-based secret: the file at containerPath in the sandbox holds it. */
export interface JobSecretVolume {
  containerPath: string;
  secret: string;
}

/**
 * Which secrets a job may use, by DC/OS's scope rule read in Chronos's dotted namespace (the one
 * its permissions use): a secret under `team/etl/` serves jobs named `team.etl.*`, a top-level
 * one every job.
 */
export const jobSecretScopeProblem = (source: string, jobName: string): string | undefined =>
  secretScopeProblem(source, `/${jobName.split('.').join('/')}`)?.replace(/services under \/(\S*)/, (_m, dir: string) => `jobs named ${dir.split('/').join('.')}.*`);

/** Parses `secrets`, throwing `fail(message)` (the caller's 400) on the first problem. */
export function parseJobSecrets(raw: unknown, jobName: string, fail: (message: string) => Error): JobSecrets {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw fail("'secrets' must be an object {NAME: {source}}");
  const out: JobSecrets = {};
  for (const [name, v] of Object.entries(raw as Record<string, unknown>)) {
    const source = (v as { source?: unknown } | null)?.source;
    if (typeof source !== 'string') throw fail(`'secrets.${name}.source' must be a string`);
    const why = secretPathProblem(source) ?? jobSecretScopeProblem(source, jobName);
    if (why) throw fail(`'secrets.${name}.source': ${why}`);
    out[name] = { source };
  }
  return out;
}

/** The job's secret references, checked against its `secrets`: every one names a secret it defines. */
export function checkJobSecretUse(env: JobEnvVar[], volumes: unknown, secrets: JobSecrets, fail: (message: string) => Error): void {
  env.forEach((e, i) => {
    if ('secret' in e && !(e.secret in secrets)) throw fail(`'environmentVariables[${i}]' references an undefined secret named '${e.secret}'`);
  });
  if (!Array.isArray(volumes)) return;
  volumes.forEach((v: unknown, i) => {
    if (!v || typeof v !== 'object' || !('secret' in v)) return;
    const { secret, containerPath } = v as { secret: unknown; containerPath: unknown };
    if (typeof secret !== 'string' || !(secret in secrets)) throw fail(`'container.volumes[${i}]' references an undefined secret named '${String(secret)}'`);
    const why = typeof containerPath !== 'string' || !containerPath ? 'is required' : sandboxPathProblem(containerPath);
    if (why) throw fail(`'container.volumes[${i}].containerPath' ${why}`);
  });
}

export function jobSecretVolumes(container: Record<string, unknown> | null): JobSecretVolume[] {
  const volumes = (container as { volumes?: unknown } | null)?.volumes;
  return Array.isArray(volumes) ? (volumes.filter((v) => v && typeof v === 'object' && 'secret' in v) as JobSecretVolume[]) : [];
}

export const jobSecretSource = (secrets: JobSecrets, name: string): string => normalSecretPath(secrets[name]?.source ?? '');
