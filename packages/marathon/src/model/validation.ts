import { z } from 'zod';
import type { ErrorDetail } from '@strata/lib/errors';
import { roleProblem, sandboxPathProblem } from '@strata/lib/validation';
import type { AppDefinition, HealthCheck, PortDefinition } from './app-definition';
import { appIdProblems, resolvePathId } from './path-id';
import { DEFAULT_LIMITS, MAX_LIST, MAX_SECONDS, type MarathonLimits } from './limits';
import { normalizeNetworking, portMappingsOf } from './networking';
import { secretProblems, type AppSecrets, type EnvValue } from './secrets';

/**
 * What a client may send for an app (every field optional: PUT and PATCH merge). Unknown fields
 * are ignored, as Marathon's JSON readers do; known fields of the wrong type are errors.
 */
const stringMap = z.record(z.string(), z.string());
const seconds = () => z.number().int().max(MAX_SECONDS, `expected at most ${MAX_SECONDS} seconds`);
const secondsReal = () => z.number().max(MAX_SECONDS, `expected at most ${MAX_SECONDS} seconds`);
const list = <T extends z.ZodTypeAny>(item: T) => z.array(item).max(MAX_LIST, `expected at most ${MAX_LIST} entries`);
// A CR or LF in a health-check path would split the HTTP request line the checker sends.
const noControlChars = (what: string) => z.string().refine((v) => !/[\x00-\x1f\x7f]/.test(v), `${what} must not contain control characters (CR, LF, ...)`);
const healthCheckInput = z.object({
  protocol: z.enum(['HTTP', 'HTTPS', 'TCP', 'COMMAND', 'MESOS_HTTP', 'MESOS_HTTPS', 'MESOS_TCP']).optional(),
  path: noControlChars('path').optional(),
  portIndex: z.number().int().nonnegative().max(MAX_LIST).optional(),
  port: z.number().int().min(0).max(65535).optional(),
  command: z.object({ value: z.string().min(1) }).optional(),
  gracePeriodSeconds: seconds().nonnegative().optional(),
  intervalSeconds: seconds().positive().optional(),
  timeoutSeconds: seconds().positive().optional(),
  maxConsecutiveFailures: z.number().int().nonnegative().max(1_000_000).optional(),
  delaySeconds: seconds().nonnegative().optional(),
  ignoreHttp1xx: z.boolean().optional(),
  ipProtocol: z.enum(['IPv4', 'IPv6']).optional(),
});

const unitInterval = z.number().min(0, 'is less than 0').max(1, 'is greater than 1');

export const appInput = z.object({
  id: z.string().optional(),
  cmd: z.string().min(1, 'must not be empty').nullable().optional(),
  args: list(z.string()).nullable().optional(),
  user: z.string().optional(),
  instances: z.number().int('must be an integer').min(0, 'got a negative number, expected 0 or more').optional(),
  cpus: z.number().min(0.001, 'expected 0.001 or more').optional(),
  mem: z.number().min(0, 'expected 0 or more').optional(),
  disk: z.number().min(0, 'expected 0 or more').optional(),
  gpus: z.number().int().min(0, 'expected 0 or more').optional(),
  executor: z.string().regex(/^(\/\/cmd)|(\/?[^/]+(\/[^/]+)*)|$/).optional(),
  env: z.record(z.string(), z.union([z.string(), z.object({ secret: z.string() })])).optional(),
  secrets: z.record(z.string(), z.object({ source: z.string() })).optional(),
  labels: stringMap.optional(),
  constraints: list(z.array(z.string()).min(2, 'a constraint is [field, OPERATOR] or [field, OPERATOR, value]').max(3)).optional(),
  acceptedResourceRoles: list(z.string()).optional(),
  role: z.string().optional(),
  container: z.record(z.string(), z.unknown()).nullable().optional(),
  networks: list(z.object({ mode: z.string().optional(), name: z.string().max(255).optional(), labels: stringMap.optional() })).optional(),
  portDefinitions: list(z.object({ port: z.number().int().min(0).max(65535).optional(), protocol: z.string().optional(), name: z.string().optional(), labels: stringMap.optional() })).optional(),
  ports: list(z.number().int().min(0).max(65535)).optional(),
  requirePorts: z.boolean().optional(),
  healthChecks: list(healthCheckInput).optional(),
  readinessChecks: z.array(z.object({
    name: z.string().optional(),
    protocol: z.enum(['HTTP', 'HTTPS']).optional(),
    path: noControlChars('path').optional(),
    portName: z.string().optional(),
    intervalSeconds: seconds().positive().optional(),
    timeoutSeconds: seconds().positive().optional(),
    httpStatusCodesForReady: z.array(z.number().int().min(100).max(599)).optional(),
    preserveLastResponse: z.boolean().optional(),
  })).max(1, 'only one readiness check per app is supported').optional(),
  dependencies: list(z.string()).optional(),
  // Ranges in the schema, not after it: a body with several problems hears of all of them at once (as from Marathon).
  upgradeStrategy: z.object({ minimumHealthCapacity: unitInterval.optional(), maximumOverCapacity: unitInterval.optional() }).optional(),
  backoffSeconds: secondsReal().min(0).optional(),
  backoffFactor: z.number().min(1, 'expected 1.0 or more').max(1000, 'expected at most 1000').optional(),
  maxLaunchDelaySeconds: secondsReal().min(0).optional(),
  taskKillGracePeriodSeconds: seconds().min(0).nullable().optional(),
  killSelection: z.enum(['YOUNGEST_FIRST', 'OLDEST_FIRST']).optional(),
  unreachableStrategy: z.union([z.literal('disabled'), z.object({ inactiveAfterSeconds: secondsReal().min(0).optional(), expungeAfterSeconds: secondsReal().min(0).optional() })]).optional(),
  fetch: list(z.object({ uri: z.string().min(1).max(1024), extract: z.boolean().optional(), executable: z.boolean().optional(), cache: z.boolean().optional(), destPath: z.string().max(1024).optional() })).optional(),
  uris: list(z.string().min(1).max(1024)).optional(),
});
export type AppInput = z.infer<typeof appInput>;

const OPERATORS = ['UNIQUE', 'CLUSTER', 'GROUP_BY', 'LIKE', 'UNLIKE', 'MAX_PER', 'IS'];

export type Validated = { ok: true; app: AppDefinition } | { ok: false; details: ErrorDetail[] };

const pointer = (path: PropertyKey[]) => '/' + path.map(String).join('/');

function addDetail(details: ErrorDetail[], path: string, error: string): void {
  const d = details.find((x) => x.path === path);
  if (d) d.errors.push(error);
  else details.push({ path, errors: [error] });
}

function defaultHealthCheck(h: z.infer<typeof healthCheckInput>): HealthCheck {
  const protocol = h.protocol ?? 'HTTP';
  return {
    protocol,
    ...(protocol.includes('HTTP') ? { path: h.path ?? '/' } : {}),
    ...(h.port !== undefined ? { port: h.port } : protocol !== 'COMMAND' ? { portIndex: h.portIndex ?? 0 } : {}),
    ...(h.command ? { command: h.command } : {}),
    gracePeriodSeconds: h.gracePeriodSeconds ?? 300,
    intervalSeconds: h.intervalSeconds ?? 60,
    timeoutSeconds: h.timeoutSeconds ?? 20,
    maxConsecutiveFailures: h.maxConsecutiveFailures ?? 3,
    delaySeconds: h.delaySeconds ?? 15,
    ignoreHttp1xx: h.ignoreHttp1xx ?? false,
    ipProtocol: h.ipProtocol ?? 'IPv4',
  };
}

/**
 * Validates a request body and produces the full app definition with Marathon's defaults, or
 * the 422 details (JSON pointers to the problems). With `base`, fields the body leaves out keep
 * the base's values (PUT with partialUpdate, PATCH).
 */
export function validateApp(body: unknown, opts: { id?: string; base?: AppDefinition; version: string; limits?: MarathonLimits }): Validated {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const details: ErrorDetail[] = [];
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { ok: false, details: [{ path: '/', errors: ['error.expected.jsobject'] }] };
  const parsed = appInput.safeParse(body);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) addDetail(details, pointer(issue.path), issue.message);
    return { ok: false, details };
  }
  const input = parsed.data;
  const base = opts.base;
  if (input.instances !== undefined && input.instances > limits.maxInstances) {
    addDetail(details, '/instances', `got ${input.instances}, expected at most ${limits.maxInstances} (the limit set by --max-instances-per-app)`);
  }

  const rawId = opts.id ?? input.id ?? base?.id;
  if (!rawId) addDetail(details, '/id', 'is required');
  const idProblems = rawId ? appIdProblems(rawId) : [];
  for (const p of idProblems) addDetail(details, '/id', p);
  const id = rawId && idProblems.length === 0 ? resolvePathId(rawId)! : '/';

  const pick = <K extends keyof AppInput & keyof AppDefinition>(k: K, fallback: AppDefinition[K]): AppDefinition[K] =>
    (input[k] !== undefined && input[k] !== null ? input[k] : base && base[k] !== undefined ? base[k] : fallback) as AppDefinition[K];

  const cmd = input.cmd === null ? undefined : input.cmd ?? (input.args ? undefined : base?.cmd);
  const args = input.args === null ? undefined : input.args ?? (input.cmd ? undefined : base?.args);
  const net = normalizeNetworking({ networks: input.networks, container: input.container === null ? undefined : ((input.container ?? base?.container) as Record<string, unknown> | undefined) }, base?.networks ? { networks: base.networks } : undefined);
  for (const p of net.problems) addDetail(details, p.path, p.error);
  const networks = net.networks;
  const hostNetworking = networks[0]!.mode === 'host';
  const container = net.container as AppDefinition['container'];
  const isDocker = (container as { type?: string } | undefined)?.type !== 'MESOS' && !!(container as { docker?: unknown } | undefined)?.docker;
  if (cmd && args) addDetail(details, '/', 'AppDefinition must either contain one of \'cmd\' or \'args\', and/or a Docker container.');
  if (!cmd && !args && !isDocker) addDetail(details, '/', 'AppDefinition must either contain one of \'cmd\' or \'args\', and/or a Docker container.');

  if (input.ports && input.portDefinitions) addDetail(details, '/', 'You cannot specify both ports and port definitions');
  if (!hostNetworking && (input.portDefinitions?.length || input.ports?.length)) addDetail(details, '/portDefinitions', 'portDefinitions are only allowed with host networking; container networks use container.portMappings');
  let portDefinitions: PortDefinition[];
  if (!hostNetworking) {
    portDefinitions = [];
  } else if (input.portDefinitions) {
    portDefinitions = input.portDefinitions.map((p) => ({ port: p.port ?? 0, protocol: p.protocol ?? 'tcp', ...(p.name ? { name: p.name } : {}), labels: p.labels ?? {} }));
  } else if (input.ports) {
    portDefinitions = input.ports.map((port) => ({ port, protocol: 'tcp', labels: {} }));
  } else if (base && (base.networks?.[0]?.mode ?? 'host') === 'host') {
    portDefinitions = base.portDefinitions;
  } else {
    portDefinitions = [{ port: 0, protocol: 'tcp', name: 'default', labels: {} }];
  }
  const fixed = portDefinitions.map((p) => p.port).filter((p) => p !== 0);
  const dup = fixed.find((p, i) => fixed.indexOf(p) !== i);
  if (dup !== undefined) addDetail(details, '/portDefinitions', `Port numbers must be unique: ${dup} is used more than once`);

  const us = { minimumHealthCapacity: 1, maximumOverCapacity: 1, ...(base?.upgradeStrategy ?? {}), ...(input.upgradeStrategy ?? {}) };

  const constraints = pick('constraints', []);
  constraints.forEach((c, i) => {
    const op = c[1] ?? '';
    if (!OPERATORS.includes(op)) addDetail(details, `/constraints/${i}`, `Constraint operator must be one of ${OPERATORS.join(', ')}`);
    if (['LIKE', 'UNLIKE', 'MAX_PER', 'IS'].includes(op) && c[2] === undefined) addDetail(details, `/constraints/${i}`, `${op} requires a value`);
    if (op === 'MAX_PER' && c[2] !== undefined && !/^\d+$/.test(c[2])) addDetail(details, `/constraints/${i}`, 'MAX_PER requires an integer value');
    if (op === 'GROUP_BY' && c[2] !== undefined && !/^\d+$/.test(c[2])) addDetail(details, `/constraints/${i}`, 'GROUP_BY value must be an integer');
    if ((op === 'LIKE' || op === 'UNLIKE') && c[2] !== undefined) {
      try {
        new RegExp(c[2]);
      } catch {
        addDetail(details, `/constraints/${i}`, `'${c[2]}' is not a valid regular expression`);
      }
    }
  });

  const healthChecks = input.healthChecks ? input.healthChecks.map(defaultHealthCheck) : base?.healthChecks ?? [];
  healthChecks.forEach((h, i) => {
    if (h.protocol === 'COMMAND' && !h.command) addDetail(details, `/healthChecks/${i}/command`, 'is required for COMMAND health checks');
    const portCount = hostNetworking ? portDefinitions.length : portMappingsOf({ container }).length;
    if (h.portIndex !== undefined && h.port === undefined && h.portIndex >= portCount && h.protocol !== 'COMMAND') {
      addDetail(details, `/healthChecks/${i}/portIndex`, `Health check port index ${h.portIndex} must point to a port (the app has ${portCount})`);
    }
  });

  const readinessChecks = input.readinessChecks
    ? input.readinessChecks.map((r) => ({
        name: r.name ?? 'readinessCheck',
        protocol: r.protocol ?? 'HTTP',
        path: r.path ?? '/',
        portName: r.portName ?? 'http-api',
        intervalSeconds: r.intervalSeconds ?? 30,
        timeoutSeconds: r.timeoutSeconds ?? 10,
        httpStatusCodesForReady: r.httpStatusCodesForReady ?? [200],
        preserveLastResponse: r.preserveLastResponse ?? false,
      }))
    : base?.readinessChecks ?? [];
  readinessChecks.forEach((r, i) => {
    if (!portDefinitions.some((p) => p.name === r.portName) && !portMappingsOf({ container }).some((p) => p.name === r.portName)) addDetail(details, `/readinessChecks/${i}/portName`, `no port definition is named '${r.portName}'`);
    if (r.timeoutSeconds >= r.intervalSeconds) addDetail(details, `/readinessChecks/${i}/timeoutSeconds`, 'must be less than intervalSeconds');
  });

  const unreachable = input.unreachableStrategy ?? base?.unreachableStrategy ?? { inactiveAfterSeconds: 0, expungeAfterSeconds: 0 };
  const unreachableStrategy = unreachable === 'disabled' ? 'disabled' : { inactiveAfterSeconds: unreachable.inactiveAfterSeconds ?? 0, expungeAfterSeconds: unreachable.expungeAfterSeconds ?? 0 };
  if (unreachableStrategy !== 'disabled' && unreachableStrategy.inactiveAfterSeconds > unreachableStrategy.expungeAfterSeconds) {
    addDetail(details, '/unreachableStrategy/inactiveAfterSeconds', 'inactiveAfterSeconds must be less or equal to expungeAfterSeconds');
  }
  if (input.fetch && input.uris) addDetail(details, '/fetch', 'fetch and uris cannot be used together');
  (input.fetch ?? []).forEach((f, i) => {
    const why = f.destPath !== undefined ? sandboxPathProblem(f.destPath) : undefined;
    if (why) addDetail(details, `/fetch/${i}/destPath`, why);
  });
  const role = input.role ?? base?.role;
  if (role !== undefined) {
    const why = roleProblem(role);
    if (why) addDetail(details, '/role', why);
  }
  (input.acceptedResourceRoles ?? []).forEach((r, i) => {
    const why = roleProblem(r);
    if (why) addDetail(details, `/acceptedResourceRoles/${i}`, why);
  });

  const dependencies = (input.dependencies ?? base?.dependencies ?? []).map((d, i) => {
    const r = resolvePathId(d, id === '/' ? '/' : id.slice(0, id.lastIndexOf('/')) || '/');
    if (!r) addDetail(details, `/dependencies/${i}`, `'${d.slice(0, 300)}' is not a valid path`);
    else if (r === id) addDetail(details, `/dependencies/${i}`, `Dependency graph has cyclic dependencies: an app cannot depend on itself (${id})`);
    return r ?? d;
  });

  // Secrets are values the app names, not holds: env and volumes refer to `secrets`, which point into the master's store.
  const env: Record<string, EnvValue> = Object.fromEntries(Object.entries(input.env ?? base?.env ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : { secret: v.secret }]));
  const secrets: AppSecrets = Object.fromEntries(Object.entries(input.secrets ?? base?.secrets ?? {}).map(([k, v]) => [k, { source: v.source }]));
  for (const p of secretProblems({ id, env, secrets, ...(container ? { container } : {}) })) addDetail(details, p.path, p.error);

  if (details.length) return { ok: false, details };
  const killGrace = input.taskKillGracePeriodSeconds === null ? undefined : input.taskKillGracePeriodSeconds ?? base?.taskKillGracePeriodSeconds;
  const fetch = input.fetch
    ? input.fetch.map((f) => ({ uri: f.uri, extract: f.extract ?? true, executable: f.executable ?? false, cache: f.cache ?? false, ...(f.destPath ? { destPath: f.destPath } : {}) }))
    : input.uris
      ? input.uris.map((uri) => ({ uri, extract: true, executable: false, cache: false }))
      : base?.fetch ?? [];
  const app: AppDefinition = {
    id,
    ...(cmd ? { cmd } : {}),
    ...(args ? { args } : {}),
    ...(input.user ?? base?.user ? { user: input.user ?? base?.user } : {}),
    instances: pick('instances', 1),
    cpus: pick('cpus', 1),
    mem: pick('mem', 128),
    disk: pick('disk', 0),
    gpus: pick('gpus', 0),
    executor: pick('executor', ''),
    env,
    secrets,
    labels: pick('labels', {}),
    constraints,
    ...(input.acceptedResourceRoles ?? base?.acceptedResourceRoles ? { acceptedResourceRoles: input.acceptedResourceRoles ?? base?.acceptedResourceRoles } : {}),
    role: pick('role', '*'),
    ...(container ? { container } : {}),
    networks,
    portDefinitions,
    requirePorts: pick('requirePorts', false),
    healthChecks,
    readinessChecks,
    dependencies,
    upgradeStrategy: us,
    backoffSeconds: pick('backoffSeconds', 1),
    backoffFactor: pick('backoffFactor', 1.15),
    maxLaunchDelaySeconds: pick('maxLaunchDelaySeconds', 300),
    ...(killGrace !== undefined ? { taskKillGracePeriodSeconds: killGrace } : {}),
    killSelection: pick('killSelection', 'YOUNGEST_FIRST'),
    unreachableStrategy,
    fetch,
    version: opts.version,
    versionInfo: { lastScalingAt: opts.version, lastConfigChangeAt: opts.version },
  };
  return { ok: true, app };
}
