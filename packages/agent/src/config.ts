import * as os from 'node:os';
import * as path from 'node:path';
import type { BackoffPolicy, Resources, TlsConfig } from '@strata/lib';
import { agentResources } from './resources/detect';
import { DEFAULT_RETRY } from './status-updates/status-update-manager';

export interface AgentConfig {
  master: string;
  /** The Authorization it registers with when the master authenticates (from Mesos's --credential file). */
  masterAuthorization?: string;
  /** TLS (Mesos's LIBPROCESS_SSL_* variables): its listener serves TLS, and it dials the master with its certificate. */
  tls?: TlsConfig;
  hostname: string;
  /** The agent's own HTTP port, advertised to the master. */
  port: number;
  advertiseIp: string;
  workDir: string;
  /** Unreserved resources. */
  resources: Resources;
  /** Static reservations per role (`--resources 'cpus(web):2'`), offered only to that role's frameworks. */
  reservations: Map<string, Resources>;
  attributes: Record<string, string>;
  /** Grace period between SIGTERM and SIGKILL when a kill names none (Mesos's default is 3 s for command tasks). */
  defaultKillGraceMs: number;
  /** Resend interval of unacknowledged status updates (Mesos: 10 s doubling to 10 min). */
  statusUpdateRetry: BackoffPolicy;
  /** 'cgroups' isolates when it can (root, controllers mounted) and falls back to none, saying so; 'none' never isolates. */
  isolation: 'cgroups' | 'none';
  /** Hard-cap cpu with a CFS quota of cpus x period (Mesos: --cgroups_enable_cfs, off by default). */
  cgroupsEnableCfs: boolean;
  /** The Docker engine's socket; empty disables DOCKER tasks. The agent works without an engine either way. */
  dockerSocket: string;
  /** A pull slower than this fails the task; it is not counted as the task's run time. */
  dockerPullTimeoutMs: number;
  /** Mesos's --switch_user (default true): a task runs as its user, not as the agent (only an agent running as root can). */
  switchUser: boolean;
  /** A task run as a user gets private /tmp, /var/tmp (its sandbox's tmp), /dev/shm and /run/lock (default true; needs root). */
  privateTmp: boolean;
}

export function defaultAgentConfig(overrides: Partial<AgentConfig> & { master: string }): AgentConfig {
  const workDir = overrides.workDir ?? path.join(os.tmpdir(), 'strata', 'agent');
  return {
    hostname: os.hostname(),
    port: 5051,
    advertiseIp: '127.0.0.1',
    attributes: {},
    defaultKillGraceMs: 3_000,
    statusUpdateRetry: DEFAULT_RETRY,
    isolation: 'cgroups',
    cgroupsEnableCfs: false,
    dockerSocket: '/var/run/docker.sock',
    dockerPullTimeoutMs: 600_000,
    switchUser: true,
    privateTmp: true,
    ...overrides,
    workDir,
    resources: overrides.resources ?? agentResources(workDir, undefined).unreserved,
    reservations: overrides.reservations ?? new Map(),
  };
}

/** Parses Mesos's `--attributes` syntax: `rack:r1;zone:a`. */
export function parseAttributes(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(';').map((s) => s.trim()).filter(Boolean)) {
    const i = part.indexOf(':');
    if (i <= 0) throw new Error(`malformed attributes '${text}': '${part}' is not name:value`);
    out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}
