import * as grpc from '@grpc/grpc-js';
import express from 'express';
import { loadStrata, type RegisterAgentResponse } from '@strata/proto';
import { serveMuxed } from './mux-server';

describe('serveMuxed: gRPC and HTTP/1.1 on one port', () => {
  it('answers both protocols on the same port', async () => {
    const proto = loadStrata();
    const server = new grpc.Server();
    server.addService(proto.strata.internal.v1.AgentService.service, {
      Register: (_call: unknown, cb: (e: null, r: RegisterAgentResponse) => void) => cb(null, { agentId: { value: 'S1' } }),
      Reregister: () => undefined,
      Connect: () => undefined,
    });
    const app = express();
    app.get('/hello', (_req, res) => res.json({ ok: true }));
    const mux = await serveMuxed({ host: '127.0.0.1', port: 0, httpHandler: app, grpcServer: server });
    try {
      const http = await (await fetch(`http://127.0.0.1:${mux.port}/hello`)).json();
      expect(http).toEqual({ ok: true });
      const client = new proto.strata.internal.v1.AgentService(`127.0.0.1:${mux.port}`, grpc.credentials.createInsecure());
      const reply = await new Promise<unknown>((resolve, reject) => client.Register({}, (err, r) => (err ? reject(err) : resolve(r))));
      expect(reply).toMatchObject({ agentId: { value: 'S1' } });
      client.close();
    } finally {
      await mux.close();
      server.forceShutdown();
    }
  });
});
