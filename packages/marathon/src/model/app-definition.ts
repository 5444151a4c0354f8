import type { Network } from './networking';
import type { AppSecrets, EnvValue } from './secrets';
/**
 * An app as Marathon shows it: every field present, every default filled in
 * (../shared/reference/marathon.md §2.2). `normalizeApp` is the only way to make one.
 */
export interface PortDefinition {
  port: number;
  protocol: string;
  name?: string;
  labels: Record<string, string>;
}

export interface HealthCheck {
  protocol: 'HTTP' | 'HTTPS' | 'TCP' | 'COMMAND' | 'MESOS_HTTP' | 'MESOS_HTTPS' | 'MESOS_TCP';
  path?: string;
  portIndex?: number;
  port?: number;
  command?: { value: string };
  gracePeriodSeconds: number;
  intervalSeconds: number;
  timeoutSeconds: number;
  maxConsecutiveFailures: number;
  delaySeconds: number;
  ignoreHttp1xx: boolean;
  ipProtocol: 'IPv4' | 'IPv6';
}

export interface ReadinessCheck {
  name: string;
  protocol: 'HTTP' | 'HTTPS';
  path: string;
  portName: string;
  intervalSeconds: number;
  timeoutSeconds: number;
  httpStatusCodesForReady: number[];
  preserveLastResponse: boolean;
}

export interface AppDefinition {
  id: string;
  cmd?: string;
  args?: string[];
  user?: string;
  instances: number;
  cpus: number;
  mem: number;
  disk: number;
  gpus: number;
  executor: string;
  /** A value, or `{secret: NAME}` naming one of `secrets`. */
  env: Record<string, EnvValue>;
  /** Marathon's `secrets`: name -> `{source}`, a path in the master's secret store (absent in definitions stored before it). */
  secrets: AppSecrets;
  labels: Record<string, string>;
  constraints: string[][];
  acceptedResourceRoles?: string[];
  role: string;
  container?: Record<string, unknown>;
  /** Marathon 1.10's `networks`; `[{mode: 'host'}]` unless said otherwise (absent in definitions stored before it). */
  networks: Network[];
  portDefinitions: PortDefinition[];
  requirePorts: boolean;
  healthChecks: HealthCheck[];
  readinessChecks: ReadinessCheck[];
  dependencies: string[];
  upgradeStrategy: { minimumHealthCapacity: number; maximumOverCapacity: number };
  backoffSeconds: number;
  backoffFactor: number;
  maxLaunchDelaySeconds: number;
  taskKillGracePeriodSeconds?: number;
  killSelection: 'YOUNGEST_FIRST' | 'OLDEST_FIRST';
  unreachableStrategy: { inactiveAfterSeconds: number; expungeAfterSeconds: number } | 'disabled';
  fetch: { uri: string; extract: boolean; executable: boolean; cache: boolean; destPath?: string }[];
  version: string;
  versionInfo: { lastScalingAt: string; lastConfigChangeAt: string };
}

/** The fields whose change needs new tasks (everything but `instances` and the version stamps). */
export function needsRestart(a: AppDefinition, b: AppDefinition): boolean {
  const strip = ({ instances: _i, version: _v, versionInfo: _vi, ...rest }: AppDefinition) => rest;
  return JSON.stringify(strip(a)) !== JSON.stringify(strip(b));
}
