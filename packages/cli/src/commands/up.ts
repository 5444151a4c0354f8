import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { EtcdCluster } from '@strata/lib/ha';
import { clusterFetch, schemeOf, tlsFromEnv } from '@strata/lib';
import { fetchState } from '../master-api';
import { prepareSecurity } from './secure-setup';
import { Supervisor } from '../supervisor/supervisor';
import { checkPorts, etcdClientPortOf, etcdPeerPortOf, frameworkPortOf, masterPortOf, portPlan } from '../up';

export interface UpOptions {
  workDir: string;
  masterPort: number;
  agentPort: number;
  agents: number;
  resources?: string;
  ip: string;
  marathonPort: number;
  marathon: boolean;
  chronosPort: number;
  chronos: boolean;
  /** High availability: a three-member etcd, three masters, two Marathons and two Chronos. */
  ha?: boolean;
  etcdPort: number;
  /** The gateway (one origin for the UI and every API); false with --no-gateway. */
  gateway: boolean;
  gatewayPort: number;
  /** Authentication on every service, TLS on every listener (mutual to the agents): keys, secrets and a cluster CA under the work dir. */
  secure?: boolean;
}

const CLUSTER = 'strata';

const bin = (pkg: string, file: string) => require.resolve(`@strata/${pkg}/bin/${file}`);

/**
 * A whole cluster on this machine: one master and N agents as separate processes (the same
 * bins an operator runs), state and logs under one directory, kept running by a supervisor: a
 * service that dies is restarted with backoff while the rest, and every task, run on. Ctrl-C
 * stops the frameworks, then the agents (killing their tasks), then the master.
 */
export async function upCommand(opts: UpOptions): Promise<void> {
  const workDir = path.resolve(opts.workDir);
  const logDir = path.join(workDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const masters = opts.ha ? [0, 1, 2].map((i) => `${opts.ip}:${masterPortOf(opts.masterPort, i)}`) : [`${opts.ip}:${opts.masterPort}`];
  const master = masters[0]!;
  let etcd: EtcdCluster | undefined;
  const supervisor = new Supervisor((line) => process.stderr.write(`${line}\n`));
  const sec = opts.secure ? prepareSecurity(path.join(workDir, 'secure'), opts.ip) : undefined;
  if (sec) {
    // This process checks the services as a client of the cluster: over TLS, as admin.
    Object.assign(process.env, sec.env);
    process.env.STRATA_TOKEN = await sec.adminToken();
  }
  const tls = tlsFromEnv();
  const scheme = schemeOf(tls);
  const ok = async (url: string) => (await clusterFetch(tls)(url)).ok;
  const start = (name: string, file: string, args: string[], stopSignal: NodeJS.Signals) => supervisor.start({ name, bin: file, args, stopSignal, logFile: path.join(logDir, `${name}.log`), ...(sec ? { env: sec.env } : {}) });

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write('stopping the cluster...\n');
    // The gateway (no new requests), frameworks (they must not relaunch what is being stopped), then agents (SIGUSR1 kills their tasks), then the master.
    await supervisor.stop([(n) => n === 'gateway', (n) => n.startsWith('marathon') || n.startsWith('chronos'), (n) => n.startsWith('agent'), (n) => n.startsWith('master')]);
    await etcd?.stop();
    process.exit(code);
  };
  const stopOn = () =>
    stop(0).catch((err: unknown) => {
      process.stderr.write(`cannot stop the cluster cleanly: ${(err as Error).message}\n`);
      process.exit(1);
    });
  process.once('SIGINT', stopOn);
  process.once('SIGTERM', stopOn);

  try {
    await checkPorts(opts.ip, portPlan(opts));
    await bringUp();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    await stop(1);
  }

  async function bringUp(): Promise<void> {
    let masterFlag = master;
    let haFlags: string[] = [];
    if (opts.ha) {
      const members = [0, 1, 2];
      etcd = await EtcdCluster.start({ members: 3, dir: path.join(workDir, 'etcd'), host: opts.ip, clientPorts: members.map((i) => etcdClientPortOf(opts.etcdPort, i)), peerPorts: members.map((i) => etcdPeerPortOf(opts.etcdPort, i)) });
      masterFlag = etcd.masterUrl(CLUSTER);
      haFlags = ['--etcd', etcd.endpoints.join(','), '--cluster-name', CLUSTER];
    }
    masters.forEach((address, i) => {
      const name = opts.ha ? `master-${i}` : 'master';
      start(name, bin('master', 'strata-master.js'), ['--ip', opts.ip, '--port', address.split(':')[1]!, '--hostname', opts.ip, '--work-dir', path.join(workDir, name), ...haFlags, ...(sec?.auth ?? [])], 'SIGTERM');
    });
    for (const address of masters) await waitUntil(() => ok(`${scheme}://${address}/health`), 15_000, `the master on ${address}`);
    for (let i = 0; i < opts.agents; i++) {
      const args = ['--master', masterFlag, '--ip', opts.ip, '--port', String(opts.agentPort + i), '--hostname', opts.ip, '--advertise-ip', opts.ip, '--work-dir', path.join(workDir, `agent-${i}`)];
      if (opts.resources) args.push('--resources', opts.resources);
      if (sec) args.push(...sec.agent);
      start(`agent-${i}`, bin('agent', 'strata-agent.js'), args, 'SIGUSR1');
    }
    await waitUntil(async () => (await fetchState(masterFlag)).slaves.filter((a) => a.active).length >= opts.agents, 20_000, `${opts.agents} agent(s) to register`);
    const instances = opts.ha ? 2 : 1;
    const frameworks: { name: string; address: string; what: string; leaderPath: string }[] = [];
    for (const [kind, on, port, what, leaderPath] of [
      ['marathon', opts.marathon, opts.marathonPort, `apps: curl ${scheme}://%/v2/apps`, '/v2/leader'],
      ['chronos', opts.chronos, opts.chronosPort, `jobs: curl ${scheme}://%/v1/scheduler/jobs`, '/v1/scheduler/leader'],
    ] as const) {
      if (!on) continue;
      for (let i = 0; i < instances; i++) {
        const name = opts.ha ? `${kind}-${i}` : kind;
        const address = `${opts.ip}:${frameworkPortOf(port, i)}`;
        start(name, bin(kind, `strata-${kind}.js`), ['--master', masterFlag, '--http-address', opts.ip, '--http-port', String(frameworkPortOf(port, i)), '--hostname', opts.ip, '--state', path.join(workDir, name), ...haFlags, ...(sec?.framework(kind) ?? [])], 'SIGTERM');
        frameworks.push({ name, address, what: what.replace('%', address), leaderPath });
      }
    }
    // Up when each answers and names its leader (alone, itself).
    const asAdmin = { headers: { authorization: `token=${process.env.STRATA_TOKEN}` } };
    for (const f of frameworks) await waitUntil(async () => (await ok(`${scheme}://${f.address}/ping`)) && (await clusterFetch(tls)(`${scheme}://${f.address}${f.leaderPath}`, asAdmin)).ok, 20_000, `${f.name} on ${f.address}`);
    const gateway = opts.gateway ? `${opts.ip}:${opts.gatewayPort}` : undefined;
    if (gateway) {
      const of = (kind: string) => frameworks.filter((f) => f.name.startsWith(kind)).map((f) => f.address).join(',');
      start('gateway', bin('gateway', 'strata-gateway.js'), ['--http-address', opts.ip, '--port', String(opts.gatewayPort), '--master', masterFlag, '--marathon', of('marathon'), '--chronos', of('chronos'), ...(sec?.gateway ?? [])], 'SIGTERM');
      await waitUntil(() => ok(`${scheme}://${gateway}/health`), 15_000, `the gateway on ${gateway}`);
    }

    const names = [...masters.map((_, i) => (opts.ha ? `master-${i}` : 'master')), ...Array.from({ length: opts.agents }, (_, i) => `agent-${i}`), ...frameworks.map((f) => f.name), ...(gateway ? ['gateway'] : [])];
    const lines = [
      opts.ha ? 'Strata is up, highly available (etcd, three masters, a standby for each framework).' : 'Strata is up.',
      ...(etcd ? [`  etcd      ${etcd.endpoints.join(' ')}   data: ${path.join(workDir, 'etcd')}`, `  --master  ${masterFlag}`] : []),
      ...masters.map((address, i) => `  ${(opts.ha ? `master-${i}` : 'master').padEnd(10)} grpc+http  ${address}       state: ${scheme}://${address}/master/state`),
      ...Array.from({ length: opts.agents }, (_, i) => `  ${`agent-${i}`.padEnd(10)} ${scheme.padEnd(10)} ${opts.ip}:${opts.agentPort + i}`),
      ...frameworks.map((f) => `  ${f.name.padEnd(10)} ${scheme.padEnd(10)} ${f.address}       ${f.what}`),
      ...(gateway ? [`  ${'gateway'.padEnd(10)} ${scheme.padEnd(10)} ${gateway}       the UI: ${scheme}://${gateway}/  (and /mesos, /marathon, /chronos, /service/NAME)`] : []),
      `  work dir ${workDir} (logs in ${logDir})`,
      `  pids     ${names.map((n) => `${n}=${supervisor.pid(n)}`).join(' ')}${etcd ? ' ' + etcd.members.map((m) => `${m.name}=${m.pid}`).join(' ') : ''}`,
      '',
      ...(opts.ha ? [`For the CLI:  export STRATA_MASTER=${masterFlag}`] : []),
      ...(sec
        ? [
            `Secure: authentication on every service, TLS on every listener (mutual to the agents); keys, secrets and the cluster CA in ${sec.dir}`,
            `  log in as admin, password ${sec.admin.secret}:`,
            `  export NODE_EXTRA_CA_CERTS=${sec.caFile}; strata cluster setup ${scheme}://${gateway ?? masters[0]} && strata auth login --username admin`,
            `  kernel commands (strata agents, run) talk TLS to the master with: ${Object.entries(sec.env).map(([k, v]) => `${k}=${v}`).join(' ')}`,
          ]
        : []),
      'Try:  strata run --cpus 0.1 --mem 32 -- echo hello    |    strata agents    |    strata tasks --all',
      'A service that dies is restarted; Ctrl-C stops the cluster.',
    ];
    process.stdout.write(lines.join('\n') + '\n');
  }
  await new Promise<never>(() => undefined);
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
