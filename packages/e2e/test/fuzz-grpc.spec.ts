import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { authorizationFor } from '@strata/lib';
import { tmpDir } from '@strata/lib/testing';
import { LocalCluster } from '../src';
import { fuzzGrpc, type GrpcFuzzReport } from '../src/fuzz/grpc-fuzzer';

const RUNS = Number(process.env.FUZZ_RUNS || 200);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
jest.setTimeout(30 * 60_000);

/**
 * Property-based fuzzing of every gRPC method of the master (the agent channel's Register,
 * Reregister and Connect, the scheduler channel's Subscribe): valid messages mutated byte by
 * byte, and noise, with and without valid credentials. Each call ends (no hang), nothing but
 * an undecodable message is answered INTERNAL, a refused call changes no state, the master stays up.
 */
describe("fuzzing the master's gRPC methods", () => {
  const dir = tmpDir('strata-fuzz-grpc-');
  const credentials = path.join(dir.path, 'credentials');
  const credential = path.join(dir.path, 'agent.credential');
  writeFileSync(credentials, 'ops ops-secret\nagent agent-secret');
  writeFileSync(credential, 'agent agent-secret');
  const ops = authorizationFor({ kind: 'basic', principal: 'ops', secret: 'ops-secret' });
  const flags = ['--authenticate', '--credentials', credentials];
  let cluster: LocalCluster;
  let reports: GrpcFuzzReport[] = [];

  beforeAll(async () => {
    cluster = await LocalCluster.start({ agents: 1, masterArgs: flags, agentArgs: [...flags, '--credential', credential], authorization: ops });
  });
  afterAll(async () => {
    for (const r of reports) process.stdout.write(`fuzz grpc ${r.method}: ${r.cases} cases, outcomes ${JSON.stringify(r.outcomes)}\n`);
    await cluster?.stop();
    dir.remove();
  });

  it(`${RUNS} cases per method: no hang, no unhandled error, no partial write, still up`, async () => {
    const base = `http://${cluster.masterAddress}`;
    reports = await fuzzGrpc({
      address: cluster.masterAddress,
      authorization: ops,
      numRuns: RUNS,
      ...(SEED !== undefined ? { seed: SEED } : {}),
      snapshot: async () => {
        const s = await cluster.state();
        // Every stream the fuzzer opened is closed by the time it looks: a framework still connected is a zombie.
        return { agents: s.slaves.map((a) => a.id).sort(), frameworks: s.frameworks.map((f) => f.id).sort(), connected: s.frameworks.filter((f) => f.connected).map((f) => f.id) };
      },
      alive: () => fetch(`${base}/health`).then((r) => r.ok, () => false),
    });
    expect(reports.flatMap((r) => r.failures)).toEqual([]);
    expect((await cluster.state()).frameworks.filter((f) => f.connected)).toEqual([]);
    expect(reports.map((r) => r.method)).toEqual(['AgentService.Register', 'AgentService.Reregister', 'AgentService.Connect', 'Scheduler.Subscribe']);
    for (const r of reports) expect([r.method, r.cases >= RUNS]).toEqual([r.method, true]);
    // The real agent rode it out: still registered and active.
    expect((await cluster.state()).slaves.filter((s) => s.active).length).toBeGreaterThanOrEqual(1);
  });
});
