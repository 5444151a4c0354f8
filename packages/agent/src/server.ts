import { realpathSync } from 'node:fs';
import * as path from 'node:path';
import { PERMISSIVE_ACLS, StrataError, createHttpApp, createMetricsRegistry, finishHttpApp, listenHttp, principalOf, requireAcl, type Acls, type HttpSecurity, type Logger, type RateLimit, type Resources } from '@strata/lib';
import { Agent } from './agent';
import type { AgentConfig } from './config';
import { ProcessContainerizer } from './containerizer/process-containerizer';
import { probePrivateDirs } from './containerizer/private-dirs';
import { createAgentMetrics } from './metrics';
import { defaultAgentConfig } from './config';
import { addFileRoutes } from './http/files';
import { createHash } from 'node:crypto';
import { CgroupsIsolator } from './isolation/cgroups-isolator';
import { DockerContainerizer } from './containerizer/docker/docker-containerizer';
import { ComposingContainerizer } from './containerizer/composing-containerizer';
import { noIsolation, type Isolator } from './isolation/isolator';
import { sandboxesDir } from './checkpoint/paths';

export interface RunningAgent {
  agent: Agent;
  port: number;
  stop(): Promise<void>;
}

/** Composition root: HTTP (health, metrics, state) on the agent's port, then the link to the master. */
export async function startAgent(opts: { config: Partial<AgentConfig> & { master: string; resources?: Resources }; log: Logger; host?: string; security?: HttpSecurity; acls?: Acls; rateLimit?: RateLimit }): Promise<RunningAgent> {
  const registry = createMetricsRegistry('agent');
  const metrics = createAgentMetrics(registry);
  const config = defaultAgentConfig(opts.config);
  const host = opts.host ?? '0.0.0.0';

  let agent: Agent | undefined;
  const app = createHttpApp({ metrics: registry, security: opts.security, ...(opts.rateLimit ? { rateLimit: opts.rateLimit } : {}), health: () => ({ healthy: true, connected: agent?.connected ?? false }) });
  app.get(['/state', '/slave\\(1\\)/state', '/agent/state'], (_req, res) => res.json(agent!.state()));
  const sandboxes = sandboxesDir(config.workDir);
  const acls = opts.acls ?? PERMISSIVE_ACLS;
  addFileRoutes(app, sandboxes, (res, real) => {
    // access_sandboxes is about the user a sandbox's task runs as; above a task's sandbox (the
    // root, a framework's directory) nothing names one, so only a rule for ANY user lets it in.
    const [fwDir, taskDir, ...rest] = path.relative(realpathSync(sandboxes), real).split(path.sep);
    const user = fwDir && taskDir ? agent?.sandboxUser(fwDir, taskDir) : undefined;
    requireAcl(acls, 'access_sandboxes', principalOf(res), user, user ? `access the sandboxes of tasks run as '${user}'` : 'access this directory of sandboxes');
    // `real` has its links resolved: a link to a secret file is refused as the file is.
    if (fwDir && taskDir && rest.length && agent?.isSecretFile(fwDir, taskDir, rest.join(path.sep))) throw new StrataError('FORBIDDEN_PATH', 'A secret file is not served', { status: 403 });
  });
  finishHttpApp(app, opts.log);
  const http = await listenHttp(app, config.port, host, config.tls);
  const port = http.port;

  // Names this agent's cgroups and containers: one machine may run several agents.
  const agentKey = createHash('sha1').update(config.workDir).digest('hex').slice(0, 12);
  let isolator: Isolator = noIsolation;
  if (config.isolation === 'cgroups') {
    const found = CgroupsIsolator.detect(agentKey, config.cgroupsEnableCfs, opts.log);
    if (found.isolator) isolator = found.isolator;
    else opts.log.warn({ why: found.why }, 'running tasks without cgroups isolation');
  }
  let docker: DockerContainerizer | undefined;
  let dockerWhy = 'Docker is disabled on this agent';
  let dockerVersion: string | undefined;
  if (config.dockerSocket) {
    const probe = await DockerContainerizer.probe(config.dockerSocket);
    if (probe.version) {
      dockerVersion = `${probe.version}${probe.bridge ? '' : ' (no bridge network)'}`;
      docker = new DockerContainerizer({ socketPath: config.dockerSocket, pullTimeoutMs: config.dockerPullTimeoutMs, agentKey, agentId: () => agent?.agentId ?? '' }, opts.log);
    } else {
      dockerWhy = probe.why!;
      opts.log.warn({ why: probe.why }, 'DOCKER tasks will fail on this agent');
    }
  }
  let privateDirs = false;
  // Only an agent running as root switches users, so only it has user tasks to keep out of the host's dirs.
  if (config.privateTmp && config.switchUser && process.getuid?.() === 0) {
    const probe = probePrivateDirs();
    privateDirs = probe.ok;
    if (!probe.ok) opts.log.warn({ why: probe.why }, "tasks run as a user share the host's /tmp, /var/tmp, /dev/shm and /run/lock");
  }
  const containerizer = new ComposingContainerizer(new ProcessContainerizer(isolator, { privateDirs }), docker, dockerWhy);
  agent = new Agent({ ...config, port }, { containerizer, log: opts.log, metrics, isolation: isolator.description, docker: dockerVersion });
  await agent.start();
  opts.log.info({ port, master: config.master, workDir: config.workDir, isolation: isolator.description, privateDirs, docker: dockerVersion ?? dockerWhy }, 'agent listening');
  return {
    agent,
    port,
    stop: async () => {
      await agent!.stop();
      await http.close();
    },
  };
}
