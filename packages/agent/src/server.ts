import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpApp, createMetricsRegistry, finishHttpApp, type Logger, type Resources } from '@strata/lib';
import { Agent, type AgentConfig } from './agent';
import { ProcessContainerizer } from './containerizer/process-containerizer';
import { createAgentMetrics } from './metrics';
import { defaultAgentConfig } from './config';
import { addFileRoutes } from './http/files';
import { createHash } from 'node:crypto';
import { CgroupsIsolator } from './isolation/cgroups-isolator';
import { noIsolation, type Isolator } from './isolation/isolator';
import { sandboxesDir } from './checkpoint/paths';

export interface RunningAgent {
  agent: Agent;
  port: number;
  stop(): Promise<void>;
}

/** Composition root: HTTP (health, metrics, state) on the agent's port, then the link to the master. */
export async function startAgent(opts: { config: Partial<AgentConfig> & { master: string; resources?: Resources }; log: Logger; host?: string }): Promise<RunningAgent> {
  const registry = createMetricsRegistry('agent');
  const metrics = createAgentMetrics(registry);
  const config = defaultAgentConfig(opts.config);
  const host = opts.host ?? '0.0.0.0';

  let agent: Agent | undefined;
  const app = createHttpApp({ metrics: registry, health: () => ({ healthy: true, connected: agent?.connected ?? false }) });
  app.get(['/state', '/slave\\(1\\)/state', '/agent/state'], (_req, res) => res.json(agent!.state()));
  addFileRoutes(app, sandboxesDir(config.workDir));
  finishHttpApp(app, opts.log);
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  let isolator: Isolator = noIsolation;
  if (config.isolation === 'cgroups') {
    const name = createHash('sha1').update(config.workDir).digest('hex').slice(0, 12);
    const found = CgroupsIsolator.detect(name, config.cgroupsEnableCfs, opts.log);
    if (found.isolator) isolator = found.isolator;
    else opts.log.warn({ why: found.why }, 'running tasks without cgroups isolation');
  }
  agent = new Agent({ ...config, port }, { containerizer: new ProcessContainerizer(), isolator, log: opts.log, metrics });
  await agent.start();
  opts.log.info({ port, master: config.master, workDir: config.workDir, isolation: isolator.description }, 'agent listening');
  return {
    agent,
    port,
    stop: async () => {
      await agent!.stop();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
