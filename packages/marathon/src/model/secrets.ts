import { normalSecretPath, sandboxPathProblem, secretPathProblem, secretScopeProblem } from '@strata/lib/validation';

/** Marathon's `secrets`: a name the app uses for a secret, and the secret store's path to it. */
export type AppSecrets = Record<string, { source: string }>;
/** An `env` value: a string, or a reference to one of the app's `secrets` by name. */
export type EnvValue = string | { secret: string };

/** A file-based secret (Marathon's secret volume): a file at containerPath in the sandbox holds the secret. */
export interface SecretVolume {
  containerPath: string;
  secret: string;
}

export function secretVolumesOf(container: Record<string, unknown> | undefined): SecretVolume[] {
  const volumes = (container as { volumes?: unknown } | undefined)?.volumes;
  if (!Array.isArray(volumes)) return [];
  return volumes.filter((v): v is SecretVolume => !!v && typeof v === 'object' && 'secret' in v) as SecretVolume[];
}

/**
 * What is wrong with an app's secrets, as 422 details: an env or a volume naming no secret of the
 * app (Marathon's words), a source that is not a store path, or one the app may not use (DC/OS:
 * a secret under `a/b/` serves the services under `/a/b`).
 */
export function secretProblems(app: { id: string; env: Record<string, EnvValue>; secrets: AppSecrets; container?: Record<string, unknown> }): { path: string; error: string }[] {
  const problems: { path: string; error: string }[] = [];
  for (const [name, s] of Object.entries(app.secrets)) {
    const why = secretPathProblem(s.source) ?? secretScopeProblem(s.source, app.id);
    if (why) problems.push({ path: `/secrets/${name}/source`, error: why });
  }
  for (const [k, v] of Object.entries(app.env)) {
    if (typeof v !== 'string' && !(v.secret in app.secrets)) problems.push({ path: `/env/${k}`, error: `references an undefined secret named '${v.secret}'` });
  }
  const volumes = ((app.container as { volumes?: unknown } | undefined)?.volumes ?? []) as unknown[];
  volumes.forEach((v, i) => {
    if (!v || typeof v !== 'object' || !('secret' in v)) return;
    const { secret, containerPath } = v as { secret: unknown; containerPath: unknown };
    if (typeof secret !== 'string' || !(secret in app.secrets)) problems.push({ path: `/container/volumes/${i}/secret`, error: `references an undefined secret named '${String(secret)}'` });
    const why = typeof containerPath !== 'string' || !containerPath ? 'is required' : sandboxPathProblem(containerPath);
    if (why) problems.push({ path: `/container/volumes/${i}/containerPath`, error: why });
  });
  return problems;
}

/** The store path an app's secret name stands for. */
export const sourceOf = (secrets: AppSecrets, name: string): string => normalSecretPath(secrets[name]?.source ?? '');
