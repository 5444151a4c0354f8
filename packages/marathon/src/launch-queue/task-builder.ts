import type { Resources } from '@strata/lib/resources';
import { buildTaskInfo } from '@strata/sdk/offers';
import type { ContainerInfo, HealthCheck, TaskInfo, Volume } from '@strata/proto';
import type { Instance } from '../instances/instance';
import type { AppDefinition } from '../model/app-definition';
import { isMarathonLevel } from '../model/health-checks';
import { dockerNetworkOf, portMappingsOf } from '../model/networking';
import { secretVolumesOf, sourceOf } from '../model/secrets';

/** Marathon's task environment: MARATHON_APP_*, labels, named ports, then the app's own env (its secrets go apart, as references). */
export function marathonEnv(app: AppDefinition, inst: Instance): Record<string, string> {
  const env: Record<string, string> = {
    MARATHON_APP_ID: app.id,
    MARATHON_APP_VERSION: app.version,
    MARATHON_APP_RESOURCE_CPUS: String(app.cpus),
    MARATHON_APP_RESOURCE_MEM: String(app.mem),
    MARATHON_APP_RESOURCE_DISK: String(app.disk),
    MARATHON_APP_RESOURCE_GPUS: String(app.gpus),
    MARATHON_APP_LABELS: Object.keys(app.labels).join(' '),
    ...Object.fromEntries(Object.entries(app.labels).map(([k, v]) => [`MARATHON_APP_LABEL_${k.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`, v])),
  };
  for (const [k, v] of Object.entries(app.env)) if (typeof v === 'string') env[k] = v;
  // Named ports: $PORT_<NAME> is the host port the name was given (port definitions, or mappings with a host port).
  const hostMapped = portMappingsOf(app).filter((m) => m.hostPort !== undefined);
  const named = app.networks[0]!.mode === 'host' ? app.portDefinitions.map((p) => p.name) : hostMapped.map((m) => m.name);
  named.forEach((name, i) => {
    if (name && inst.ports[i] !== undefined) env[`PORT_${name.toUpperCase()}`] = String(inst.ports[i]);
  });
  return env;
}

/** Environment variables whose values are secrets: name -> the secret's path in the master's store. */
function secretEnv(app: AppDefinition): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(app.env)) if (typeof v !== 'string') out[k] = sourceOf(app.secrets ?? {}, v.secret);
  return out;
}

/** Marathon's secret volumes as Mesos's: a SECRET source, the file at containerPath in the sandbox. */
function secretVolumes(app: AppDefinition): Volume[] {
  return secretVolumesOf(app.container).map((v) => ({ containerPath: v.containerPath, mode: 'RO', source: { type: 'SECRET', secret: { type: 'REFERENCE', reference: { name: sourceOf(app.secrets ?? {}, v.secret) } } } }));
}

/** The Docker container for an app with an image, its host ports bound as the instance got them. */
function dockerContainer(app: AppDefinition, inst: Instance): ContainerInfo | undefined {
  const c = app.container as { docker?: { image?: string; forcePullImage?: boolean; privileged?: boolean }; volumes?: { containerPath: string; hostPath: string; mode?: string }[] } | undefined;
  if (!c?.docker?.image) return undefined;
  const network = dockerNetworkOf(app.networks);
  // The mappings that take a host port, in the order of inst.ports (hostPortSlots' order);
  // containerPort 0 on a bridge means "the same as the host port" (Marathon).
  const hostMapped = portMappingsOf(app).filter((m) => m.hostPort !== undefined);
  const portMappings = network === 'BRIDGE' ? hostMapped.map((m, i) => ({ hostPort: inst.ports[i]!, containerPort: m.containerPort || inst.ports[i]!, protocol: m.protocol })) : [];
  return {
    type: 'DOCKER',
    docker: { image: c.docker.image, network, portMappings, forcePullImage: !!c.docker.forcePullImage, privileged: !!c.docker.privileged },
    volumes: [...(c.volumes ?? []).filter((v) => !('secret' in v)).map((v): Volume => ({ containerPath: v.containerPath, hostPath: v.hostPath, mode: v.mode === 'RO' ? 'RO' : 'RW' })), ...secretVolumes(app)],
  };
}

/** The one Mesos-level check (COMMAND, MESOS_HTTP, MESOS_TCP), for the agent to run next to the task. */
function mesosHealthCheck(app: AppDefinition, inst: Instance): HealthCheck | undefined {
  const h = app.healthChecks.find((x) => !isMarathonLevel(x));
  if (!h) return undefined;
  const port = h.port ?? inst.ports[h.portIndex ?? 0] ?? 0;
  const common = { delaySeconds: h.delaySeconds, intervalSeconds: h.intervalSeconds, timeoutSeconds: h.timeoutSeconds, consecutiveFailures: h.maxConsecutiveFailures, gracePeriodSeconds: h.gracePeriodSeconds };
  if (h.protocol === 'COMMAND') return { type: 'COMMAND', command: { value: h.command?.value ?? 'false', shell: true }, ...common };
  if (h.protocol === 'MESOS_TCP') return { type: 'TCP', tcp: { port }, ...common };
  return { type: 'HTTP', http: { scheme: h.protocol === 'MESOS_HTTPS' ? 'https' : 'http', port, path: h.path ?? '/' }, ...common };
}

/** The TaskInfo for one placed instance (the SDK's builder): command or container, Marathon's environment, labels, health check, kill grace. */
export function marathonTaskInfo(app: AppDefinition, inst: Instance, role: string, resources: Resources): TaskInfo {
  const env = marathonEnv(app, inst);
  // A command task with secret files still needs a container to carry them (Mesos's MESOS type).
  const files = secretVolumes(app);
  const container = dockerContainer(app, inst) ?? (files.length ? { type: 'MESOS' as const, volumes: files } : undefined);
  if (container?.docker) env.MARATHON_APP_DOCKER_IMAGE = container.docker.image!;
  // cmd runs in a shell; args without one: a Docker image's entrypoint takes them, otherwise args[0] is the program.
  const command = app.cmd ? { command: app.cmd } : container?.docker ? { args: app.args ?? [] } : { argv: app.args ?? [] };
  return buildTaskInfo(
    {
      id: inst.taskId!,
      name: app.id.slice(1).split('/').reverse().join('.'),
      ...command,
      container,
      cpus: app.cpus,
      mem: app.mem,
      env,
      secretEnv: secretEnv(app),
      uris: app.fetch.map((f) => ({ value: f.uri, extract: f.extract, executable: f.executable, cache: f.cache })),
      labels: app.labels,
      healthCheck: mesosHealthCheck(app, inst),
      killGraceMs: app.taskKillGracePeriodSeconds !== undefined ? app.taskKillGracePeriodSeconds * 1000 : undefined,
      // Marathon's `user`: the agent runs the task as it (else as the framework's user).
      user: app.user,
    },
    { agentId: inst.agentId!, role, resources },
  );
}
