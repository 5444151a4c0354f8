// CPU per message of grpc-js bidi streams, server side: receive N calls, send N events back.
const grpc = require('@grpc/grpc-js');
const { loadStrata } = require('./packages/proto/dist/index.js');
const { fork } = require('child_process');
const g = loadStrata();
const N = 100000;
if (process.argv[2] === 'client') {
  const c = new g.strata.v1.Scheduler(process.argv[3], grpc.credentials.createInsecure());
  const call = c.Subscribe();
  let got = 0;
  call.on('data', () => { if (++got === N) { call.end(); process.exit(0); } });
  const ack = { type: 'ACKNOWLEDGE', frameworkId: { value: 'fw-1' }, acknowledge: { agentId: { value: 'agent-emu0-12345' }, taskId: { value: '3-12345' }, uuid: Buffer.alloc(16, 7) } };
  let i = 0;
  const pump = () => { while (i < N) { i++; if (!call.write(ack)) { call.once('drain', pump); return; } } };
  pump();
  return;
}
const srv = new grpc.Server();
const ev = { type: 'UPDATE', update: { status: { taskId: { value: '3-1' }, state: 'TASK_RUNNING', agentId: { value: 'agent-emu0-1234' }, uuid: Buffer.alloc(16), timestamp: 1.5, source: 'SOURCE_EXECUTOR' } } };
const mode = process.env.MODE || 'obj';
const pre = g.strata.v1.Scheduler.service.Subscribe.responseSerialize(ev);
srv.addService(g.strata.v1.Scheduler.service, { Subscribe(call) {
  const c0 = process.cpuUsage(); const t0 = Date.now(); let n = 0;
  call.on('data', (m) => { n++; call.write(ev); if (n === N) { const u = process.cpuUsage(c0); console.log(mode, 'server cpu us/msg (recv+send)', ((u.user + u.system) / N).toFixed(1), 'wall', Date.now() - t0, 'ms'); } });
  call.on('end', () => { call.end(); setTimeout(() => process.exit(0), 100); });
} });
srv.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, port) => { fork(__filename, ['client', '127.0.0.1:' + port]); });
