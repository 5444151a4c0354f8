import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { loadStrata } from '@strata/proto';

/** One gRPC method under fuzzing: its definition, valid messages to mutate, and whether it streams. */
interface MethodSpec {
  name: string;
  definition: grpc.MethodDefinition<unknown, unknown>;
  valid: unknown[];
}

/** Messages as bytes: a valid one mutated (bit flips, cuts, spliced noise), or noise. */
function bytesArb(valid: Buffer[]): fc.Arbitrary<Buffer> {
  const noise = fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a));
  const mutated = fc
    .tuple(fc.constantFrom(...valid), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('flip', 'set', 'cut', 'insert')), { minLength: 1, maxLength: 6 }))
    .map(([base, edits]) => {
      let b = Buffer.from(base);
      for (const [at, value, kind] of edits) {
        const i = b.length ? at % b.length : 0;
        if (kind === 'flip' && b.length) b[i] = b[i]! ^ (1 << (value % 8));
        else if (kind === 'set' && b.length) b[i] = value;
        else if (kind === 'cut') b = b.subarray(0, i);
        else b = Buffer.concat([b.subarray(0, i), Buffer.from([value]), b.subarray(i)]);
      }
      return b;
    });
  return fc.oneof({ weight: 1, arbitrary: noise }, { weight: 3, arbitrary: mutated }, { weight: 1, arbitrary: fc.constantFrom(...valid) });
}

/**
 * A status as an outcome: its name, with the details for INTERNAL (grpc-js answers a message it
 * cannot decode with INTERNAL "Error deserializing request", which is a refusal, not a crash).
 */
const outcomeOf = (err: grpc.ServiceError) => (err.code === grpc.status.INTERNAL ? `INTERNAL: ${err.details}` : grpc.status[err.code] ?? String(err.code));

/** The snapshot once two reads 100 ms apart agree: an accepted stream's end (a framework removed) lands just after it. */
async function settled(snapshot: () => Promise<unknown>): Promise<unknown> {
  let last = JSON.stringify(await snapshot());
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const now = JSON.stringify(await snapshot());
    if (now === last) return JSON.parse(now);
    last = now;
  }
  return JSON.parse(last);
}

export interface GrpcFuzzReport {
  method: string;
  cases: number;
  outcomes: Record<string, number>;
  failures: string[];
}

/**
 * Fuzzes the master's gRPC methods with mutated and random messages (as raw bytes, so the
 * server's decoding is fuzzed too): each call must end (an answer or a status, no hang), the
 * master must stay up, and a refused call must leave its state (agents, frameworks) as it was.
 */
export async function fuzzGrpc(opts: { address: string; authorization: string; numRuns: number; seed?: number; snapshot(): Promise<unknown>; alive(): Promise<boolean> }): Promise<GrpcFuzzReport[]> {
  const proto = loadStrata();
  const agentSvc = proto.strata.internal.v1.AgentService.service as unknown as Record<string, grpc.MethodDefinition<unknown, unknown>>;
  const schedulerSvc = proto.strata.v1.Scheduler.service as unknown as Record<string, grpc.MethodDefinition<unknown, unknown>>;
  const agentInfo = { hostname: 'fuzz', port: 1, resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }, { name: 'mem', type: 'SCALAR', scalar: { value: 64 } }], attributes: [] };
  const frameworkInfo = { name: 'fuzz', user: 'root', principal: 'ops', failoverTimeout: 0, roles: ['*'] };
  const methods: MethodSpec[] = [
    { name: 'AgentService.Register', definition: agentSvc.Register!, valid: [{ agentInfo, version: '0.1.0' }, { agentInfo: { ...agentInfo, resources: [] } }] },
    { name: 'AgentService.Reregister', definition: agentSvc.Reregister!, valid: [{ agentInfo: { ...agentInfo, id: { value: 'S-unknown' } }, tasks: [], frameworks: [frameworkInfo] }] },
    { name: 'AgentService.Connect', definition: agentSvc.Connect!, valid: [{ hello: { agentId: { value: 'S-unknown' } } }, { heartbeat: {} }, { statusUpdate: { frameworkId: { value: 'F' }, status: { taskId: { value: 't' }, state: 'TASK_RUNNING' } } }] },
    {
      name: 'Scheduler.Subscribe',
      definition: schedulerSvc.Subscribe!,
      valid: [
        { type: 'SUBSCRIBE', subscribe: { frameworkInfo } },
        { type: 'ACCEPT', frameworkId: { value: 'F' }, accept: { offerIds: [{ value: 'O' }], operations: [{ type: 'LAUNCH', launch: { taskInfos: [{ name: 't', taskId: { value: 't' }, agentId: { value: 'S' }, resources: [] }] } }] } },
        { type: 'TEARDOWN' },
      ],
    },
  ];
  const raw = (def: grpc.MethodDefinition<unknown, unknown>) => ({ ...def, requestSerialize: (b: Buffer) => b });
  const Client = grpc.makeGenericClientConstructor(Object.fromEntries(methods.map((m) => [m.name.split('.')[1]!, raw(m.definition)])) as grpc.ServiceDefinition, 'Fuzz');
  const client = new Client(opts.address, grpc.credentials.createInsecure()) as unknown as Record<string, (...args: unknown[]) => unknown>;
  const reports: GrpcFuzzReport[] = [];
  try {
    let state = await opts.snapshot();
    for (const m of methods) {
      const report: GrpcFuzzReport = { method: m.name, cases: 0, outcomes: {}, failures: [] };
      const history: string[] = [];
      reports.push(report);
      const valid = m.valid.map((v) => m.definition.requestSerialize(v) as Buffer);
      const call = (messages: Buffer[], metadata: grpc.Metadata): Promise<{ outcome: string; accepted: boolean }> =>
        new Promise((resolve) => {
          const deadline = new Date(Date.now() + 5_000);
          const method = client[m.name.split('.')[1]!]!.bind(client);
          if (!m.definition.requestStream) {
            method(messages[0], metadata, { deadline }, (err: grpc.ServiceError | null) => resolve(err ? { outcome: outcomeOf(err), accepted: false } : { outcome: 'OK', accepted: true }));
            return;
          }
          const stream = method(metadata, { deadline }) as grpc.ClientDuplexStream<Buffer, { type?: string }>;
          let accepted = false;
          let first = '';
          stream.on('data', (e: { type?: string; msg?: string }) => {
            first ||= e.type ?? e.msg ?? 'message';
            if (e.type === 'SUBSCRIBED') accepted = true;
          });
          stream.on('error', (err: grpc.ServiceError) => resolve({ outcome: first || outcomeOf(err), accepted }));
          stream.on('end', () => resolve({ outcome: first || 'ended', accepted }));
          for (const b of messages) stream.write(b);
          // Long enough for the master to answer what it was sent; then let go (a live agent stream stays open).
          setTimeout(() => stream.cancel(), 300);
        });
      const property = fc.asyncProperty(fc.array(bytesArb(valid), { minLength: 1, maxLength: m.definition.requestStream ? 3 : 1 }), fc.boolean(), async (messages, authenticated) => {
        report.cases++;
        const md = new grpc.Metadata();
        md.set('authorization', authenticated ? opts.authorization : 'Basic Zm9vOmJhcg==');
        const { outcome, accepted } = await call(messages, md);
        history.push(`${authenticated ? 'auth' : 'anon'} ${messages.map((b) => b.toString('hex').slice(0, 80)).join(',')} -> ${outcome}${accepted ? ' (accepted)' : ''}`);
        const kind = /deserializ/i.test(outcome) ? 'INTERNAL (undecodable)' : outcome;
        report.outcomes[kind] = (report.outcomes[kind] ?? 0) + 1;
        if (outcome === 'DEADLINE_EXCEEDED') throw new Error(`${m.name} did not answer within 5 s`);
        if (outcome.startsWith('INTERNAL') && !/deserializ/i.test(outcome)) throw new Error(`${m.name} answered ${outcome}: an unhandled error`);
        // A stream whose later message could not be decoded may have had its first one taken:
        // neither accepted nor refused as a whole, so only what it left behind is checked.
        const indeterminate = !!m.definition.requestStream && messages.length > 1 && /deserializ/i.test(outcome);
        const after = accepted || indeterminate ? await settled(opts.snapshot) : await opts.snapshot();
        if ((after as { connected?: string[] }).connected?.length) throw new Error(`${m.name}: a framework is still connected after its stream closed (${outcome}); the last cases: ${history.slice(-4).join(' | ')}`);
        if (!accepted && !indeterminate && JSON.stringify(after) !== JSON.stringify(state)) throw new Error(`${m.name} was refused (${outcome}) yet the state changed: ${JSON.stringify(state)} -> ${JSON.stringify(after)}; the last cases: ${history.slice(-4).join(' | ')}`);
        state = after;
      });
      const out = await fc.check(property, { numRuns: opts.numRuns, ...(opts.seed !== undefined ? { seed: opts.seed } : {}), endOnFailure: true });
      if (out.failed) report.failures.push(`${m.name}: ${fc.defaultReportMessage(out) ?? 'failed'}`);
      if (!(await opts.alive())) {
        report.failures.push(`the master is down after fuzzing ${m.name}`);
        break;
      }
      state = await opts.snapshot();
    }
  } finally {
    (client as unknown as grpc.Client).close();
  }
  return reports;
}
