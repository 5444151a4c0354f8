const { loadProtoRoot, CodecCompiler } = require('./packages/proto/dist/index.js');
const { taskInfo } = require('./packages/sdk/dist/index.js');
const root = loadProtoRoot(); const cc = new CodecCompiler();
const T = root.lookupType('strata.v1.Call'); const codec = cc.codec(T);
const offer = { agentId: { value: 'agent-emu0-00001' }, allocationInfo: { role: '*' } };
let seq = 0;
const mk = () => ({ ...taskInfo(offer, { id: `3-${seq++}`, command: 'true', cpus: 1, mem: 128 }), labels: { labels: [{ key: 'strata.emulator/duration_ms', value: '3600000' }] } });
const accept = () => ({ frameworkId: { value: 'fw1' }, type: 'ACCEPT', accept: { offerIds: [{ value: 'o1' }], operations: [{ type: 'LAUNCH', launch: { taskInfos: [0,1,2,3,4,5,6,7].map(mk) } }], filters: { refuseSeconds: 1 } } });
for (const nb of (process.env.NB ? process.env.NB.split(",").map(Number) : [1, 10, 50, 200])) {
  const batch = { type: 'BATCH', frameworkId: { value: 'fw1' }, batch: { calls: Array.from({ length: nb }, accept) } };
  const N = Math.max(200, 20000 / nb);
  for (let k = 0; k < 200; k++) codec.encode(batch);
  const t = process.hrtime.bigint(); for (let k = 0; k < N; k++) codec.encode(batch);
  console.log('batch of', nb, 'accepts:', (Number(process.hrtime.bigint() - t) / N / 1000 / (nb * 8)).toFixed(2), 'us per task');
}
{
  const calls = Array.from({ length: 50 }, accept);
  const N = 400;
  for (let k = 0; k < 50; k++) for (const c of calls) codec.encode(c);
  const t = process.hrtime.bigint(); for (let k = 0; k < N; k++) for (const c of calls) codec.encode(c);
  console.log('50 separate accepts:', (Number(process.hrtime.bigint() - t) / N / 1000 / 400).toFixed(2), 'us per task');
}
{
  const calls = Array.from({ length: 50 }, accept);
  const N = 400;
  const t = process.hrtime.bigint(); for (const c of calls) for (let k = 0; k < N; k++) codec.encode(c);
  console.log('same 50 accepts, each encoded 400x in a row:', (Number(process.hrtime.bigint() - t) / N / 1000 / 400).toFixed(2), 'us per task');
  const fresh = process.hrtime.bigint(); let n = 0;
  for (let k = 0; k < 2000; k++) { const c = accept(); codec.encode(c); n += 8; }
  console.log('fresh accept each time (build + encode):', (Number(process.hrtime.bigint() - fresh) / n / 1000).toFixed(2), 'us per task');
  const b0 = process.hrtime.bigint(); for (let k = 0; k < 2000; k++) accept();
  console.log('build only:', (Number(process.hrtime.bigint() - b0) / 16000 / 1000).toFixed(2), 'us per task');
}
{
  const built = Array.from({ length: 2000 }, accept);
  const t = process.hrtime.bigint(); for (const c of built) codec.encode(c);
  console.log('2000 prebuilt accepts, each encoded once:', (Number(process.hrtime.bigint() - t) / 16000 / 1000).toFixed(2), 'us per task');
  const t2 = process.hrtime.bigint(); for (const c of built) codec.encode(c);
  console.log('same again (second time):', (Number(process.hrtime.bigint() - t2) / 16000 / 1000).toFixed(2), 'us per task');
  const t3 = process.hrtime.bigint(); for (let r = 0; r < 5; r++) for (const c of built) codec.encode(c);
  console.log('5 more rounds:', (Number(process.hrtime.bigint() - t3) / 80000 / 1000).toFixed(2), 'us per task');
}
{
  let ns = 0n, bytes = 0;
  for (let k = 0; k < 200; k++) {
    const batch = { type: 'BATCH', frameworkId: { value: 'fw1' }, batch: { calls: Array.from({ length: 50 }, accept) } };
    const t = process.hrtime.bigint(); const b = codec.encode(batch); ns += process.hrtime.bigint() - t; bytes += b.length;
  }
  console.log('fresh BATCH of 50 accepts, encode only:', (Number(ns) / bytes).toFixed(1), 'ns/byte', (Number(ns) / (200 * 400) / 1000).toFixed(2), 'us/task');
}
{
  let ns1 = 0n, ns2 = 0n, bytes = 0;
  for (let k = 0; k < 200; k++) {
    const batch = { type: 'BATCH', frameworkId: { value: 'fw1' }, batch: { calls: Array.from({ length: 50 }, accept) } };
    let t = process.hrtime.bigint(); const b = codec.encode(batch); ns1 += process.hrtime.bigint() - t; bytes += b.length;
    t = process.hrtime.bigint(); codec.encode(batch); ns2 += process.hrtime.bigint() - t;
  }
  console.log('first encode', (Number(ns1) / bytes).toFixed(1), 'ns/byte; second encode of the same', (Number(ns2) / bytes).toFixed(1));
}
{
  const mk2 = () => { const id = `3-${seq++}`; return { name: id, taskId: { value: id }, agentId: offer.agentId, resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, role: '*', allocationInfo: { role: '*' } }, { name: 'mem', type: 'SCALAR', scalar: { value: 128 }, role: '*', allocationInfo: { role: '*' } }], command: { value: 'true', shell: true, environment: { variables: [] } }, labels: { labels: [{ key: 'strata.emulator/duration_ms', value: '3600000' }] } }; };
  const accept2 = () => ({ frameworkId: { value: 'fw1' }, type: 'ACCEPT', accept: { offerIds: [{ value: 'o1' }], operations: [{ type: 'LAUNCH', launch: { taskInfos: [0,1,2,3,4,5,6,7].map(mk2) } }], filters: { refuseSeconds: 1 } } });
  let ns = 0n, bytes = 0;
  for (let k = 0; k < 200; k++) {
    const batch = { type: 'BATCH', frameworkId: { value: 'fw1' }, batch: { calls: Array.from({ length: 50 }, accept2) } };
    const t = process.hrtime.bigint(); const b = codec.encode(batch); ns += process.hrtime.bigint() - t; bytes += b.length;
  }
  console.log('literal-built tasks, fresh BATCH of 50:', (Number(ns) / bytes).toFixed(1), 'ns/byte', (Number(ns) / (200 * 400) / 1000).toFixed(2), 'us/task');
}
