import type { AppDefinition } from './app-definition';
/**
 * Marathon 1.10's networking model: an app has `networks` (`host`, `container/bridge` or
 * `container`) and, for the latter two, `container.portMappings`; the pre-1.5 way of saying it
 * (`container.docker.network` and `container.docker.portMappings`) is accepted and rewritten
 * into it, as Marathon does. Pure: validation and the host ports an instance needs.
 */
export type NetworkMode = 'host' | 'container/bridge' | 'container';
export interface Network {
  mode: NetworkMode;
  name?: string;
  labels?: Record<string, string>;
}
export interface PortMapping {
  containerPort: number;
  /** Absent: no host port (container networks only). 0: any port from the offer. */
  hostPort?: number;
  servicePort: number;
  protocol: string;
  name?: string;
  labels: Record<string, string>;
}

const LEGACY_MODES: Record<string, NetworkMode> = { HOST: 'host', BRIDGE: 'container/bridge', USER: 'container' };
const DOCKER_NETWORKS: Record<NetworkMode, 'HOST' | 'BRIDGE' | 'USER'> = { host: 'HOST', 'container/bridge': 'BRIDGE', container: 'USER' };

export interface NetworkingInput {
  networks?: { mode?: string; name?: string; labels?: Record<string, string> }[];
  container?: Record<string, unknown>;
}

/**
 * The app's networks and its container with `portMappings` at the container level (defaults
 * filled, `docker.network` and `docker.portMappings` gone), or the problems as 422 details.
 */
export function normalizeNetworking(input: NetworkingInput, base?: { networks: Network[] }): { networks: Network[]; container?: Record<string, unknown>; problems: { path: string; error: string }[] } {
  const problems: { path: string; error: string }[] = [];
  const container = input.container ? { ...input.container } : undefined;
  const docker = container?.docker && typeof container.docker === 'object' ? { ...(container.docker as Record<string, unknown>) } : undefined;
  const legacy = typeof docker?.network === 'string' ? LEGACY_MODES[docker.network as string] : undefined;
  if (docker?.network !== undefined && !legacy) problems.push({ path: '/container/docker/network', error: `must be one of HOST, BRIDGE, USER` });
  let networks: Network[];
  if (input.networks) {
    networks = input.networks.map((n, i) => {
      const mode = n.mode ?? 'container';
      if (!['host', 'container/bridge', 'container'].includes(mode)) problems.push({ path: `/networks/${i}/mode`, error: 'must be one of host, container/bridge, container' });
      return { mode: mode as NetworkMode, ...(n.name ? { name: n.name } : {}), ...(n.labels ? { labels: n.labels } : {}) };
    });
    if (legacy && !(networks.length === 1 && networks[0]!.mode === legacy)) problems.push({ path: '/container/docker/network', error: `says ${docker!.network as string}, but networks say ${networks.map((n) => n.mode).join(', ')}` });
  } else if (legacy) {
    networks = [{ mode: legacy }];
  } else {
    networks = base?.networks ?? [{ mode: 'host' }];
  }
  if (networks.length === 0) networks = [{ mode: 'host' }];
  if (networks.some((n) => n.mode === 'host') && networks.length > 1) problems.push({ path: '/networks', error: 'host networking cannot be combined with other networks' });
  if (networks.filter((n) => n.mode === 'container/bridge').length > 1 || (networks.some((n) => n.mode === 'container/bridge') && networks.length > 1)) problems.push({ path: '/networks', error: 'bridge networking cannot be combined with other networks' });

  if (container && docker) {
    const legacyMappings = docker.portMappings;
    delete docker.network;
    delete docker.portMappings;
    container.docker = docker;
    if (legacyMappings !== undefined && container.portMappings === undefined) container.portMappings = legacyMappings;
  }
  if (container && container.portMappings !== undefined) {
    const mode = networks[0]!.mode;
    const raw = container.portMappings;
    if (!Array.isArray(raw)) {
      problems.push({ path: '/container/portMappings', error: 'must be an array' });
    } else {
      if (mode === 'host' && raw.length) problems.push({ path: '/container/portMappings', error: 'portMappings are only allowed with container networks (container/bridge or container); host networking uses portDefinitions' });
      container.portMappings = raw.map((m, i): PortMapping | undefined => {
        const pm = (m ?? {}) as Record<string, unknown>;
        const port = (v: unknown, field: string, optional: boolean) => {
          if (v === undefined && optional) return undefined;
          if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65535) problems.push({ path: `/container/portMappings/${i}/${field}`, error: 'must be a port number (0-65535)' });
          return v as number;
        };
        const containerPort = port(pm.containerPort ?? 0, 'containerPort', false)!;
        // Bridge mappings always get a host port (0 = any); on container networks only when asked.
        const hostPort = port(pm.hostPort, 'hostPort', true) ?? (mode === 'container/bridge' ? 0 : undefined);
        return {
          containerPort,
          ...(hostPort !== undefined ? { hostPort } : {}),
          servicePort: port(pm.servicePort ?? 0, 'servicePort', false)!,
          protocol: typeof pm.protocol === 'string' ? pm.protocol : 'tcp',
          ...(typeof pm.name === 'string' ? { name: pm.name } : {}),
          labels: (pm.labels as Record<string, string>) ?? {},
        };
      });
    }
  }
  return { networks, container, problems };
}

/** The docker network a TaskInfo says for these networks. */
export function dockerNetworkOf(networks: Network[]): 'HOST' | 'BRIDGE' | 'USER' {
  return DOCKER_NETWORKS[networks[0]?.mode ?? 'host'];
}

/** An app's port mappings (container networks); none on host networking. */
export function portMappingsOf(app: { container?: Record<string, unknown> }): PortMapping[] {
  return (app.container?.portMappings as PortMapping[] | undefined) ?? [];
}

/** The service ports of an app: of its port definitions, or of its port mappings on container networks. */
export function servicePortsOf(app: { portDefinitions: { port: number }[]; container?: Record<string, unknown> }): number[] {
  return app.portDefinitions.length ? app.portDefinitions.map((p) => p.port) : portMappingsOf(app).map((m) => m.servicePort);
}

/**
 * The host ports one instance needs from an offer, in order (`$PORT0`, `$PORT1`, …): a fixed
 * port, or 0 for any. Host networking: one per port definition (fixed with requirePorts).
 * Container networks: one per port mapping that has a host port. The same for a Docker app and
 * a command app: how networking is said decides, not whether there is a container.
 */
export function hostPortSlots(app: { networks: Network[]; portDefinitions: { port: number }[]; requirePorts: boolean; container?: Record<string, unknown> }): number[] {
  if ((app.networks[0]?.mode ?? 'host') === 'host') return app.portDefinitions.map((p) => (app.requirePorts ? p.port : 0));
  return portMappingsOf(app).filter((m) => m.hostPort !== undefined).map((m) => m.hostPort!);
}

/**
 * A definition stored before `networks` existed, in today's shape (networks, portMappings on the
 * container), so comparing it with a re-sent definition finds no change where there is none.
 */
export function withNetworks(app: AppDefinition): AppDefinition {
  if (app.networks) return app;
  const n = normalizeNetworking({ container: app.container });
  return { ...app, networks: n.networks, ...(n.container ? { container: n.container } : {}) };
}
