import * as grpc from '@grpc/grpc-js';
import express from 'express';
import { randomUUID } from 'node:crypto';
import { PERMISSIVE_ACLS, ResourceAuthz, secretResource, StrataError, type Permissions, principalOf, requireAcl, createHttpApp, createMetricsRegistry, finishHttpApp, serveMuxed, systemClock, FileStateStore, timedStore, res as rs, type Clock, type Acls, type HttpSecurity, type Logger, type RateLimit, type StateStore, type TlsConfig } from '@strata/lib';
import { EtcdStateStore, candidates, clusterKeys, connectEtcd, workerLease, type Etcd3, type LeaderInfo, type LeaderTerm } from '@strata/lib/ha';
import { loadStrata } from '@strata/proto';
import { Master } from './master';
import { defaultMasterConfig, type MasterConfig } from './config';
import { createLeadershipMetrics, createMasterMetrics, registerRoleGauges, registerStateGauges } from './metrics';
import { agentServiceHandlers } from './grpc/agent-service';
import { schedulerHandlers } from './grpc/scheduler-service';
import { masterState, rolesJson } from './http/state';
import { parseReservationRequest } from './http/reservations';
import { checkedRole, parseQuotaRequest, parseWeightsRequest } from './http/roles';
import { leaderRedirect } from './http/leader-redirect';
import { secretRoutes } from './http/secrets';
import { MasterElection } from './ha/master-election';
import { MasterSeat } from './ha/master-seat';
import { MasterTerm } from './ha/master-term';

export interface RunningMaster {
  /** The master of the current term (always, without etcd); undefined on a standby. */
  readonly master: Master | undefined;
  /** This process's id: the same across its terms. */
  id: string;
  port: number;
  /** host:port that agents and frameworks dial. */
  address: string;
  /** True while this master leads (always, without etcd). */
  leading(): boolean;
  stop(): Promise<void>;
}

const NO_GAUGES = { agentsConnected: 0, agentsDisconnected: 0, frameworks: 0, tasks: {}, offers: 0 };

/**
 * Composition root: the state store, the gRPC services and HTTP routes on one port, and the
 * master itself: made once when it runs alone, or once per term of leadership with --etcd, when
 * a standby redirects HTTP to the leader and answers gRPC with UNAVAILABLE naming it.
 */
export async function startMaster(opts: { config?: Partial<MasterConfig>; log: Logger; clock?: Clock; store?: StateStore; security?: HttpSecurity; acls?: Acls; permissions?: Permissions; tls?: TlsConfig; rateLimit?: RateLimit }): Promise<RunningMaster> {
  const config = defaultMasterConfig(opts.config);
  const id = randomUUID();
  const clock = opts.clock ?? systemClock;
  const log = opts.log.child({ masterId: id });
  const registry = createMetricsRegistry('master');
  const metrics = createMasterMetrics(registry);
  const ha = createLeadershipMetrics(registry);
  const etcd: Etcd3 | undefined = config.etcd ? connectEtcd(config.etcd.endpoints) : undefined;
  const election = config.etcd ? clusterKeys(config.etcd.cluster).election('master') : undefined;

  let leadership: MasterElection | undefined;
  const timed = (s: StateStore) => timedStore(s, (secs, op) => ha.registryWriteSeconds.observe({ op }, secs));
  // With etcd each term has a store of its own, fenced by that term alone: a write the last term
  // still had queued fails rather than land over the registry this term recovered.
  const soloStore = etcd && !opts.store ? undefined : timed(opts.store ?? new FileStateStore(config.workDir));
  const termStore = (term: LeaderTerm) => soloStore ?? timed(new EtcdStateStore(etcd!, { prefix: clusterKeys(config.etcd!.cluster).store('master'), fence: term.fence }));

  let port = config.port;
  const advertised = () => `${config.host === '0.0.0.0' ? config.hostname : config.host}:${port}`;
  const seat = new MasterSeat({ id, address: '', hostname: config.hostname });
  const current = () => (seat.term && !seat.term.ended ? seat.term.master : undefined);
  const leaderMaster = () => {
    const m = current();
    if (!m) throw seat.notLeader();
    return m;
  };

  registerStateGauges(registry, () => current()?.gauges() ?? NO_GAUGES);
  registerRoleGauges(registry, () => current()?.roleShares() ?? []);

  const proto = loadStrata();
  const grpcServer = new grpc.Server({ 'grpc.keepalive_time_ms': 10_000, 'grpc.keepalive_permit_without_calls': 1 });
  let mux: Awaited<ReturnType<typeof serveMuxed>> | undefined;
  // Mutual TLS on the agent channel (LIBPROCESS_SSL_REQUIRE_CERT): only a client whose certificate the cluster CA signed may register.
  const agentCertified = opts.tls?.requireClientCert ? (peer: string) => !!mux?.verifiedPeer(peer) : undefined;
  grpcServer.addService(proto.strata.internal.v1.AgentService.service, agentServiceHandlers(seat, log, opts.security, agentCertified));
  grpcServer.addService(proto.strata.v1.Scheduler.service, schedulerHandlers(seat, log, opts.security));
  const acls = opts.acls ?? PERMISSIVE_ACLS;
  // Mesos's newer update_quotas, or the older set_quotas when only that is given.
  const quotaAction = acls.rules.update_quotas || !acls.rules.set_quotas ? 'update_quotas' : 'set_quotas';

  const app = createHttpApp({ metrics: registry, before: [leaderRedirect(seat)], security: opts.security, ...(opts.rateLimit ? { rateLimit: opts.rateLimit } : {}), health: () => ({ healthy: true, leading: !!current(), leader: seat.leader?.address ?? null }) });
  const masters = async (): Promise<LeaderInfo[]> => (etcd && election ? candidates(etcd, election).catch(() => []) : [seat.self]);
  const state = async (_req: unknown, res: { json(v: unknown): void }) => res.json(masterState(leaderMaster(), { hostname: config.hostname, port, leader: seat.self, masters: await masters() }));
  app.get('/master/state', state);
  app.get('/state', state);
  app.get('/master/state.json', state);
  app.get('/master/health', (_req, res) => res.status(200).end());
  // Mesos's weights endpoint: GET lists, PUT takes [{"role": "web", "weight": 3}].
  app.get('/weights', (_req, res) => res.json(leaderMaster().weights()));
  app.put('/weights', (req, res) => {
    const weights = parseWeightsRequest(req.body);
    for (const w of weights) requireAcl(acls, 'update_weights', principalOf(res), w.role, `update the weight of role '${w.role}'`);
    leaderMaster().setWeights(weights);
    res.status(200).end();
  });
  // Mesos's quota endpoint: POST {"role": "web", "guarantee": [Resource…]}, GET, DELETE /quota/{role}.
  app.get('/quota', (_req, res) => res.json({ infos: leaderMaster().quotaInfos().map((q) => ({ role: q.role, guarantee: rs.toProto(q.guarantee, q.role) })) }));
  app.post('/quota', (req, res) => {
    const { role, guarantee } = parseQuotaRequest(req.body);
    requireAcl(acls, quotaAction, principalOf(res), role, `set quota for role '${role}'`);
    leaderMaster().setQuota(role, guarantee);
    res.status(200).end();
  });
  app.delete('/quota/:role', (req, res) => {
    const role = checkedRole(req.params.role, 'Invalid QuotaRequest');
    requireAcl(acls, quotaAction, principalOf(res), role, `remove quota of role '${role}'`);
    const master = leaderMaster();
    if (!master.quotaInfos().some((q) => q.role === role)) throw new StrataError('INVALID_REQUEST', `Failed to remove quota: role '${role}' has no quota set`, { status: 400 });
    master.setQuota(role, rs.EMPTY);
    res.status(200).end();
  });
  app.get('/roles', (_req, res) => res.json({ roles: rolesJson(leaderMaster()) }));
  // Mesos's operator reservation endpoints: 202 when done, 409 when the agent lacks the resources.
  for (const type of ['RESERVE', 'UNRESERVE'] as const) {
    const route = type === 'RESERVE' ? 'reserve' : 'unreserve';
    app.post([`/master/${route}`, `/${route}`], express.urlencoded({ extended: false }), (req, res) => {
      const { agentId, role, resources, principal } = parseReservationRequest(req.body);
      if (type === 'RESERVE') requireAcl(acls, 'reserve_resources', principalOf(res), role, `reserve resources for role '${role}'`);
      else requireAcl(acls, 'unreserve_resources', principalOf(res), principal, `unreserve resources reserved by '${principal ?? 'nobody'}'`);
      if (leaderMaster().operatorReservation(type, agentId, role, resources)) return void res.status(202).end();
      res.status(409).json({ message: `Agent ${agentId} does not have ${rs.formatResources(resources)} ${type === 'RESERVE' ? 'unreserved and unused' : `dynamically reserved for '${role}' and unused`}` });
    });
  }
  // Mesos's teardown endpoint: frameworkId as a form field (or JSON); the principal needs teardown_frameworks of the framework's principal.
  app.post(['/master/teardown', '/teardown'], express.urlencoded({ extended: false }), (req, res) => {
    const frameworkId = (req.body as { frameworkId?: unknown } | undefined)?.frameworkId;
    if (typeof frameworkId !== 'string' || !frameworkId) throw new StrataError('INVALID_REQUEST', "Missing 'frameworkId'", { status: 400 });
    leaderMaster().teardown(frameworkId, principalOf(res));
    res.status(200).end();
  });
  app.get('/version', (_req, res) => res.json({ version: '0.1.0', build: 'strata' }));
  secretRoutes(app, () => leaderMaster().secrets, new ResourceAuthz(secretResource, opts.permissions));
  finishHttpApp(app, log);

  const recovered = async (store: StateStore): Promise<Master> => {
    const master = new Master(config, { store, clock, log, metrics, id, acls, ...(opts.permissions ? { permissions: opts.permissions } : {}) });
    await master.recover();
    return master;
  };
  const newTerm = async (term: LeaderTerm): Promise<MasterTerm> => {
    const master = await recovered(termStore(term));
    master.start(port);
    return new MasterTerm(master, term.acting);
  };

  let solo: Master | undefined;
  try {
    if (!etcd) solo = await recovered(soloStore!); // alone: one term for the life of the process, its state loaded before it listens
    mux = await serveMuxed({ host: config.host, port: config.port, httpHandler: app, grpcServer, ...(opts.tls ? { tls: opts.tls } : {}), onRefused: (peer, why) => log.warn({ peer, why }, 'TLS client certificate refused') });
  } catch (err) {
    etcd?.close();
    throw err;
  }
  port = mux.port;
  seat.self.address = advertised();
  if (solo) {
    solo.start(port); // the advertised port is known only now
    seat.term = new MasterTerm(solo, () => true);
  }
  if (etcd && election) {
    leadership = new MasterElection({ client: etcd, election, seat, ttlSeconds: config.leaseTtlSeconds, leases: workerLease(config.etcd!.endpoints), log, metrics: ha, newTerm });
    await leadership.start();
  } else {
    ha.elected.set(1);
    seat.leader = seat.self;
  }
  log.info({ port, host: config.host, masterId: id, workDir: config.workDir, etcd: config.etcd?.endpoints, cluster: config.etcd?.cluster, tls: !!opts.tls }, 'master listening');
  const muxServer = mux;
  return {
    get master() {
      return current();
    },
    id,
    port,
    address: `${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`,
    leading: () => !!current(),
    stop: async () => {
      await leadership?.stop();
      seat.term?.end();
      seat.term = undefined;
      await muxServer.close();
      grpcServer.forceShutdown();
      await soloStore?.close();
      etcd?.close();
    },
  };
}
