import * as os from 'node:os';
import * as path from 'node:path';
import type { AgentConfig } from './agent';
import { agentResources } from './resources/detect';
import { DEFAULT_RETRY } from './status-updates/status-update-manager';

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
