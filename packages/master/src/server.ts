import * as grpc from '@grpc/grpc-js';
import express from 'express';
import { StrataError, createHttpApp, createMetricsRegistry, finishHttpApp, serveMuxed, systemClock, FileStateStore, res as rs, type Clock, type Logger, type StateStore } from '@strata/lib';
import { loadStrata } from '@strata/proto';
import { Master } from './master';
import { defaultMasterConfig, type MasterConfig } from './config';
import { createMasterMetrics, registerRoleGauges, registerStateGauges } from './metrics';
import { agentServiceHandlers } from './grpc/agent-service';
import { schedulerHandlers } from './grpc/scheduler-service';
import { masterState, rolesJson } from './http/state';
import { parseReservationRequest } from './http/reservations';
import { checkedRole, parseQuotaRequest, parseWeightsRequest } from './http/roles';

export interface RunningMaster {
  master: Master;
  port: number;
  /** host:port that agents and frameworks dial. */
  address: string;
  stop(): Promise<void>;
}

/** Composition root: state store, master, gRPC services and HTTP routes on one port. */
export async function startMaster(opts: { config?: Partial<MasterConfig>; log: Logger; clock?: Clock; store?: StateStore }): Promise<RunningMaster> {
  const config = defaultMasterConfig(opts.config);
  const store = opts.store ?? new FileStateStore(config.workDir);
  const registry = createMetricsRegistry('master');
  const metrics = createMasterMetrics(registry);
  const master = new Master(config, { store, clock: opts.clock ?? systemClock, log: opts.log, metrics });
  await master.recover();

  registerStateGauges(registry, () => master.gauges());

  registerRoleGauges(registry, () => master.roleShares());

  const proto = loadStrata();
  const grpcServer = new grpc.Server({ 'grpc.keepalive_time_ms': 10_000, 'grpc.keepalive_permit_without_calls': 1 });
  grpcServer.addService(proto.strata.internal.v1.AgentService.service, agentServiceHandlers(master, opts.log));
  grpcServer.addService(proto.strata.v1.Scheduler.service, schedulerHandlers(master, opts.log));

  let port = config.port;
  const app = createHttpApp({ metrics: registry });
  const state = (_req: unknown, res: { json(v: unknown): void }) => res.json(masterState(master, { hostname: config.hostname, port }));
  app.get('/master/state', state);
  app.get('/state', state);
  app.get('/master/state.json', state);
  app.get('/master/health', (_req, res) => res.status(200).end());
  // Mesos's weights endpoint: GET lists, PUT takes [{"role": "web", "weight": 3}].
  app.get('/weights', (_req, res) => res.json(master.weights()));
  app.put('/weights', (req, res) => {
    master.setWeights(parseWeightsRequest(req.body));
    res.status(200).end();
  });
  // Mesos's quota endpoint: POST {"role": "web", "guarantee": [Resource…]}, GET, DELETE /quota/{role}.
  app.get('/quota', (_req, res) => res.json({ infos: master.quotaInfos().map((q) => ({ role: q.role, guarantee: rs.toProto(q.guarantee, q.role) })) }));
  app.post('/quota', (req, res) => {
    const { role, guarantee } = parseQuotaRequest(req.body);
    master.setQuota(role, guarantee);
    res.status(200).end();
  });
  app.delete('/quota/:role', (req, res) => {
    const role = checkedRole(req.params.role, 'Invalid QuotaRequest');
    if (!master.quotaInfos().some((q) => q.role === role)) throw new StrataError('INVALID_REQUEST', `Failed to remove quota: role '${role}' has no quota set`, { status: 400 });
    master.setQuota(role, rs.EMPTY);
    res.status(200).end();
  });
  app.get('/roles', (_req, res) => res.json({ roles: rolesJson(master) }));
  // Mesos's operator reservation endpoints: 202 when done, 409 when the agent lacks the resources.
  for (const type of ['RESERVE', 'UNRESERVE'] as const) {
    const route = type === 'RESERVE' ? 'reserve' : 'unreserve';
    app.post([`/master/${route}`, `/${route}`], express.urlencoded({ extended: false }), (req, res) => {
      const { agentId, role, resources } = parseReservationRequest(req.body);
      if (master.operatorReservation(type, agentId, role, resources)) return void res.status(202).end();
      res.status(409).json({ message: `Agent ${agentId} does not have ${rs.formatResources(resources)} ${type === 'RESERVE' ? 'unreserved and unused' : `dynamically reserved for '${role}' and unused`}` });
    });
  }
  app.get('/version', (_req, res) => res.json({ version: '0.1.0', build: 'strata' }));
  finishHttpApp(app, opts.log);

  const mux = await serveMuxed({ host: config.host, port: config.port, httpHandler: app, grpcServer });
  port = mux.port;
  master.start(port);
  opts.log.info({ port, host: config.host, masterId: master.id, workDir: config.workDir }, 'master listening');
  return {
    master,
    port,
    address: `${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`,
    stop: async () => {
      master.stop();
      await mux.close();
      grpcServer.forceShutdown();
      await store.close();
    },
  };
}
