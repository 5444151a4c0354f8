import * as res from '@strata/lib/resources';
import type { TaskInfo__Output } from '@strata/proto';

/** Set in every task's environment so a restarted agent can find processes it no longer accounts for. */
export const WORK_DIR_ENV = 'STRATA_AGENT_WORK_DIR';

export interface TaskEnvInput {
  frameworkId: string;
  info: TaskInfo__Output;
  sandbox: string;
  agentId: string;
  workDir: string;
  hostname: string;
  /** The agent's own environment (PATH, locale), which a process task inherits and a container does not. */
  agentEnv: Record<string, string | undefined>;
  inImage: boolean;
}

/**
 * The environment a task sees: PATH and locale from the agent, Mesos's MESOS_* variables,
 * Marathon's HOST/PORT0..n/PORTS for the ports it was given, then its own variables on top. Pure.
 */
export function taskEnv(input: TaskEnvInput): Record<string, string> {
  const { info, sandbox } = input;
  const env: Record<string, string> = {};
  // A container brings its own PATH and locale from its image.
  if (!input.inImage) {
    for (const k of ['PATH', 'LANG', 'LC_ALL', 'TZ']) if (input.agentEnv[k]) env[k] = input.agentEnv[k]!;
    env.PATH ??= '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
  }
  Object.assign(env, {
    HOME: sandbox,
    MESOS_SANDBOX: sandbox,
    MESOS_TASK_ID: info.taskId?.value ?? '',
    MESOS_FRAMEWORK_ID: input.frameworkId,
    MESOS_AGENT_ID: input.agentId,
    STRATA_SANDBOX: sandbox,
    [WORK_DIR_ENV]: input.workDir,
    HOST: input.hostname,
  });
  let ports: number[] = [];
  try {
    ports = res.rangeValues(res.fromProto(info.resources).ranges.ports);
  } catch {
    // validated by the master
  }
  ports.forEach((p, i) => (env[`PORT${i}`] = String(p)));
  if (ports.length) {
    env.PORT = String(ports[0]);
    env.PORTS = ports.join(',');
  }
  // Secret variables are added by the runner from memory: the task info holds their names alone.
  for (const v of info.command?.environment?.variables ?? []) if (v.type !== 'SECRET') env[v.name] = v.value;
  return env;
}
