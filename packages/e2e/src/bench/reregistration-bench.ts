import { PerformanceObserver, performance } from 'node:perf_hooks';
import { ManualClock, createMetricsRegistry, res, silentLogger } from '@strata/lib';
import { MemoryStateStore } from '@strata/lib/testing';
import { CodecCompiler, loadProtoRoot, type Call__Output, type Event, type MasterMessage, type RegisterAgentRequest__Output, type ReregisterAgentRequest__Output } from '@strata/proto';
import { Master, createMasterMetrics, defaultMasterConfig } from '@strata/master';
import { round } from './stats';

const discard = <T>() => ({ send: (_m: T) => undefined, close: () => undefined });

/**
 * The new leader's own work in a reregistration storm, without sockets: `agents` admitted agents
 * in a store, a second master recovers from it, and each agent's ReregisterAgentRequest (with
 * its `tasksPerAgent` running tasks, as the emulator sends it) is decoded from its bytes,
 * handled, and the agent connected. Beside `run.js ha-recovery` (the same storm over gRPC, on
 * etcd) it splits the time into the master's logic and decoding against the transport.
 */
export async function reregistrationBench(opts: { agents: number; tasksPerAgent: number }) {
  const store = new MemoryStateStore();
  const master = (clock = new ManualClock(1_000_000)) =>
    new Master(defaultMasterConfig({ allocator: 'hierarchical', maxOffersPerFramework: 0 }), { store, clock, log: silentLogger(), metrics: createMasterMetrics(createMetricsRegistry('bench')) });
  const root = loadProtoRoot();
  const compiler = new CodecCompiler();
  const codecOf = (type: string) => compiler.codec(root.lookupType(type));
  const wire = <T>(type: string, msg: object) => codecOf(type).decode(codecOf(type).encode(msg)) as T;
  const resources = res.toProto(res.parseResources('cpus:8;mem:16384;disk:100000;ports:[31000-32000]'));
  const info = (i: number) => ({ hostname: `emu-${i}`, port: 5051, resources, capabilities: ['process'] });

  const first = master();
  await first.recover();
  const ids: string[] = [];
  for (let i = 0; i < opts.agents; i++) ids.push((await first.registerAgent(wire<RegisterAgentRequest__Output>('strata.internal.v1.RegisterAgentRequest', { agentInfo: info(i) }))).agentId!.value!);
  const framework = { name: 'fill', user: 'root', failoverTimeout: 3600, roles: ['*'] };
  const frameworkId = await first.subscribe(wire<Call__Output>('strata.v1.Call', { type: 'SUBSCRIBE', subscribe: { frameworkInfo: framework } }), discard<Event>());
  first.stop();

  const codec = codecOf('strata.internal.v1.ReregisterAgentRequest');
  const requests = ids.map((id, i) =>
    codec.encode({
      agentInfo: { ...info(i), id: { value: id } },
      frameworks: [{ ...framework, id: { value: frameworkId } }],
      version: 'emulator',
      tasks: Array.from({ length: opts.tasksPerAgent }, (_, k) => {
        const taskId = `t${i * opts.tasksPerAgent + k}`;
        return {
          frameworkId: { value: frameworkId },
          state: 'TASK_RUNNING',
          taskInfo: { name: taskId, taskId: { value: taskId }, agentId: { value: id }, resources: res.toProto(res.parseResources('cpus:0.1;mem:16')), command: { value: 'true', shell: true }, labels: { labels: [{ key: 'strata.emulator/duration_ms', value: '36000000' }] } },
        };
      }),
    }),
  );

  let gcMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs += e.duration;
  });
  const leader = master();
  await leader.recover();
  gc.observe({ entryTypes: ['gc'] });
  let decodeMs = 0;
  const t0 = performance.now();
  for (let i = 0; i < requests.length; i++) {
    const a = performance.now();
    const req = codec.decode(requests[i]!) as ReregisterAgentRequest__Output;
    decodeMs += performance.now() - a;
    await leader.reregisterAgent(req);
    leader.agentConnected(ids[i]!, discard<MasterMessage>());
    // The allocation passes the connections schedule run between batches, as they would between network reads.
    if (i % 1000 === 999) await new Promise((r) => setImmediate(r));
  }
  await new Promise((r) => setImmediate(r));
  const totalMs = performance.now() - t0;
  gc.disconnect();
  // What ha-recovery waits for, from the same gauges: every agent connected, every task running.
  const back = leader.gauges();
  leader.stop();
  const tasks = back.tasks.TASK_RUNNING ?? 0;
  if (back.agentsConnected !== opts.agents || tasks !== opts.agents * opts.tasksPerAgent) throw new Error(`expected ${opts.agents} agents and ${opts.agents * opts.tasksPerAgent} tasks back, got ${back.agentsConnected} and ${tasks}`);
  return {
    agents: opts.agents,
    tasks,
    all_back_ms: round(totalMs, 0),
    per_agent_us: round((totalMs * 1000) / opts.agents, 1),
    decode_ms: round(decodeMs, 0),
    gc_ms: round(gcMs, 0),
    heap_mb: round(process.memoryUsage().heapUsed / 1e6, 0),
  };
}
