import { Command, InvalidArgumentError } from 'commander';
import { aclsFrom, permissionsFrom, createLogger, httpSecurityFrom, parseRateLimit, tlsFromEnv, stopOnSignals, parsePort, runMain, withSecurityFlags, type SecurityFlags } from '@strata/lib';
import { etcdTarget } from '@strata/lib/ha';
import { startMaster } from './server';
import { defaultMasterConfig } from './config';
import { parseMinAllocatable } from './allocator/allocator';

const seconds = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`'${v}' is not a positive number of seconds`);
  return n;
};

async function main(): Promise<void> {
  const d = defaultMasterConfig();
  const cmd = new Command('strata-master')
    .description('Strata master: admits agents, runs the hierarchical DRF allocator and serves the scheduler API (gRPC and HTTP on one port)')
    .option('--ip <ip>', 'address to bind', d.host)
    .option('--port <port>', 'port for gRPC and HTTP (0 picks a free one)', parsePort, d.port)
    .option('--hostname <name>', 'hostname advertised to agents and frameworks', d.hostname)
    .option('--work-dir <dir>', 'where the state store lives', d.workDir)
    .option('--offer-timeout <seconds>', 'rescind offers not answered within this', seconds, d.offerTimeoutMs / 1000)
    .option('--allocation-interval <seconds>', 'batch allocation interval', seconds, d.allocationIntervalMs / 1000)
    .option('--allocator <kind>', "'hierarchical' (weighted roles, quota, reservations) or 'drf' (frameworks only)", d.allocator)
    .option('--max-offers-per-framework <n>', 'offers a framework may hold at once (0: no cap)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`'${v}' is not a non-negative integer`);
      return n;
    }, d.maxOffersPerFramework)
    .option('--min-allocatable-resources <alternatives>', "a free slice is offered only if it holds one of these, e.g. 'cpus:0.01|mem:32' (Mesos's default) or 'cpus:0.01'", (v) => {
      parseMinAllocatable(v);
      return v;
    }, d.minAllocatableResources)
    .option('--agent-ping-timeout <seconds>', 'interval of the pings to agents', seconds, d.agentPingIntervalMs / 1000)
    .option('--max-agent-ping-timeouts <n>', 'missed pings before an agent is unreachable', seconds, d.maxMissedPings)
    .option('--agent-reregister-timeout <seconds>', 'after a restart, time agents have to come back', seconds, d.agentReregisterTimeoutMs / 1000)
    .option('--recovered-framework-grace <seconds>', 'after a restart, least time frameworks have to resubscribe', seconds, d.recoveredFrameworkGraceMs / 1000)
    .option('--etcd <endpoints>', 'high availability: etcd members (http://h1:2379,h2:2379,…); the masters of one --cluster-name elect a leader and keep the registry there')
    .option('--cluster-name <name>', 'the cluster these masters lead (its key prefix in etcd)', 'strata')
    .option('--lease-ttl <seconds>', 'leadership lease: a dead leader is replaced about this long after it stops', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`'${v}' is not a whole number of seconds >= 1`);
      return n;
    }, d.leaseTtlSeconds)
    .option('--acls <file>', "Mesos's ACL JSON (register_frameworks, run_tasks, teardown_frameworks, reserve_resources, unreserve_resources, update_quotas, update_weights, register_agents); without it everything is allowed")
    .option('--permissions <file>', 'DC/OS permissions on secrets ({"permissions": [{"principal", "resource": "dcos:secrets:default:/PATH", "actions"}]}): who may create, read (list, use in a launch), update, delete which; without it every authenticated principal may');
  const opts = withSecurityFlags(cmd)
    .parse()
    .opts<{ ip: string; port: number; hostname: string; workDir: string; offerTimeout: number; allocationInterval: number; agentPingTimeout: number; maxAgentPingTimeouts: number; agentReregisterTimeout: number; recoveredFrameworkGrace: number; allocator: string; maxOffersPerFramework: number; minAllocatableResources: string; etcd?: string; clusterName: string; leaseTtl: number; acls?: string; permissions?: string } & SecurityFlags>();
  if (opts.allocator !== 'drf' && opts.allocator !== 'hierarchical') throw new Error(`--allocator must be 'drf' or 'hierarchical', not '${opts.allocator}'`);

  const log = createLogger('master');
  const running = await startMaster({
    log,
    config: {
      host: opts.ip,
      port: opts.port,
      hostname: opts.hostname,
      workDir: opts.workDir,
      offerTimeoutMs: opts.offerTimeout * 1000,
      allocationIntervalMs: opts.allocationInterval * 1000,
      agentPingIntervalMs: opts.agentPingTimeout * 1000,
      maxMissedPings: opts.maxAgentPingTimeouts,
      agentReregisterTimeoutMs: opts.agentReregisterTimeout * 1000,
      recoveredFrameworkGraceMs: opts.recoveredFrameworkGrace * 1000,
      allocator: opts.allocator,
      maxOffersPerFramework: opts.maxOffersPerFramework,
      minAllocatableResources: opts.minAllocatableResources,
      ...(opts.etcd ? { etcd: etcdTarget(opts.etcd, opts.clusterName) } : {}),
      leaseTtlSeconds: opts.leaseTtl,
    },
    security: httpSecurityFrom(opts),
    acls: aclsFrom(opts.acls),
    permissions: permissionsFrom(opts.permissions),
    tls: tlsFromEnv(),
    rateLimit: parseRateLimit(opts.rateLimit),
  });
  stopOnSignals(log, running.stop);
}

runMain('strata-master', main);
