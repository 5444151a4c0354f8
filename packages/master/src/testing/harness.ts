import { ManualClock, createMetricsRegistry, silentLogger } from '@strata/lib';
import { MemoryStateStore } from '@strata/lib/testing';
import { CodecCompiler, loadProtoRoot, type AgentMessage__Output, type TaskStateName, type Call, type Call__Output, type Event, type FrameworkInfo, type MasterMessage, type ReregisterAgentRequest, type ReregisterAgentRequest__Output, type RegisterAgentRequest, type RegisterAgentRequest__Output } from '@strata/proto';
import { Master } from '../master';
import { defaultMasterConfig, type MasterConfig } from '../config';
import { createMasterMetrics } from '../metrics';
import type { Outbox } from '../registry';

/** An outbox that keeps what the master sent, in order. */
export class RecordingOutbox<T> implements Outbox<T> {
  readonly sent: T[] = [];
  closed = false;
  send(msg: T): void {
    if (!this.closed) this.sent.push(msg);
  }
  close(): void {
    this.closed = true;
  }
}

const root = loadProtoRoot();
const compiler = new CodecCompiler();
/** A message as the master receives it from the wire (every default filled), from what a peer would send. */
function wire<T>(type: string, msg: object): T {
  const codec = compiler.codec(root.lookupType(type));
  return codec.decode(codec.encode(msg)) as T;
}

/**
 * A real Master with no sockets and no timers started (Nomad's scheduler Harness, Mesos's
 * allocator tests): calls go in as decoded messages, what it sends is recorded per peer, time
 * is a ManualClock, state lives in a MemoryStateStore that a test can hold or break. A second
 * harness on the same store is the master after a restart.
 */
export class MasterHarness {
  readonly master: Master;
  readonly clock: ManualClock;

  private constructor(readonly store: MemoryStateStore, config: Partial<MasterConfig>, clock: ManualClock) {
    this.clock = clock;
    this.master = new Master(defaultMasterConfig({ allocator: 'hierarchical', ...config }), { store, clock, log: silentLogger(), metrics: createMasterMetrics(createMetricsRegistry('harness')) });
  }

  /**
   * A master that has recovered from `store` (a fresh one when none is given). With `timers`,
   * its periodic work (allocation ticks, offer timeouts, pings, heartbeats) runs on the manual
   * clock: `clock.advance` drives it.
   */
  static async start(opts: { store?: MemoryStateStore; config?: Partial<MasterConfig>; clock?: ManualClock; timers?: boolean } = {}): Promise<MasterHarness> {
    const h = new MasterHarness(opts.store ?? new MemoryStateStore(), opts.config ?? {}, opts.clock ?? new ManualClock(1_000_000));
    await h.master.recover();
    if (opts.timers) h.master.start(0);
    return h;
  }

  stop(): void {
    this.master.stop();
  }

  /** Lets the master's queued work (allocation passes run on setImmediate) happen. */
  async settle(turns = 5): Promise<void> {
    for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
  }

  /** The offers a framework has been sent, waiting for the next allocation when there are none yet. */
  async offers(outbox: RecordingOutbox<Event>): Promise<NonNullable<Event['offers']>['offers'] & object> {
    for (let i = 0; i < 50; i++) {
      const offers = outbox.sent.flatMap((e) => (e.type === 'OFFERS' ? e.offers?.offers ?? [] : []));
      if (offers.length) return offers;
      await this.settle(1);
    }
    throw new Error('no offers were sent');
  }

  async registerAgent(req: RegisterAgentRequest): Promise<{ agentId: string; outbox: RecordingOutbox<MasterMessage> }> {
    const r = await this.master.registerAgent(wire<RegisterAgentRequest__Output>('strata.internal.v1.RegisterAgentRequest', req));
    const agentId = r.agentId!.value!;
    const outbox = new RecordingOutbox<MasterMessage>();
    this.master.agentConnected(agentId, outbox);
    return { agentId, outbox };
  }

  async reregisterAgent(req: ReregisterAgentRequest): Promise<RecordingOutbox<MasterMessage>> {
    await this.master.reregisterAgent(wire<ReregisterAgentRequest__Output>('strata.internal.v1.ReregisterAgentRequest', req));
    const outbox = new RecordingOutbox<MasterMessage>();
    this.master.agentConnected(req.agentInfo!.id!.value!, outbox);
    return outbox;
  }

  /** SUBSCRIBE; resolves with the framework id once the master has answered. */
  async subscribe(framework: FrameworkInfo, outbox = new RecordingOutbox<Event>()): Promise<{ frameworkId: string; outbox: RecordingOutbox<Event> }> {
    const call = wire<Call__Output>('strata.v1.Call', { type: 'SUBSCRIBE', subscribe: { frameworkInfo: framework } });
    const frameworkId = await this.master.subscribe(call, outbox);
    return { frameworkId, outbox };
  }

  /** Accepts the framework's first outstanding offer with one task of `cpus` cpus and 32 MB (and a filter, if given, on what is left); the offer used. */
  async launch(frameworkId: string, outbox: RecordingOutbox<Event>, taskId: string, cpus = 1, refuseSeconds?: number): Promise<{ offerId: string; agentId: string }> {
    const offers = await this.offers(outbox);
    const rescinded = new Set(outbox.sent.flatMap((e) => (e.type === 'RESCIND' ? [e.rescind?.offerId?.value] : [])));
    const used = new Set(this.accepted);
    const offer = offers.find((o) => !rescinded.has(o.id?.value) && !used.has(o.id?.value ?? ''))!;
    if (!offer) throw new Error('no outstanding offer to launch on');
    this.accepted.push(offer.id!.value!);
    this.call(frameworkId, {
      type: 'ACCEPT',
      accept: {
        offerIds: [offer.id!],
        operations: [{ type: 'LAUNCH', launch: { taskInfos: [{ name: taskId, taskId: { value: taskId }, agentId: offer.agentId!, resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: cpus } }, { name: 'mem', type: 'SCALAR', scalar: { value: 32 } }], command: { value: 'sleep 1000', shell: true } }] } }],
        ...(refuseSeconds === undefined ? {} : { filters: { refuseSeconds } }),
      },
    });
    return { offerId: offer.id!.value!, agentId: offer.agentId!.value! };
  }

  private readonly accepted: string[] = [];
  private nextUuid = 0;

  /** A reliable status update from an agent, as its stream delivers it; the uuid it carried. */
  update(agentId: string, frameworkId: string, taskId: string, state: TaskStateName, extra: { healthy?: boolean; timestamp?: number } = {}): Buffer {
    const uuid = Buffer.from(`uuid-${String(this.nextUuid++).padStart(11, '0')}`);
    const msg = wire<AgentMessage__Output>('strata.internal.v1.AgentMessage', { statusUpdate: { frameworkId: { value: frameworkId }, status: { taskId: { value: taskId }, state, uuid, source: 'SOURCE_EXECUTOR', ...extra } } });
    this.master.agentMessage(agentId, msg);
    return uuid;
  }

  call(frameworkId: string, call: Call): void {
    this.master.frameworkCall(frameworkId, wire<Call__Output>('strata.v1.Call', { frameworkId: { value: frameworkId }, ...call }));
  }
}

/** The task updates a framework was sent, flattened from UPDATE and BATCH events. */
export function updatesIn(outbox: RecordingOutbox<Event>): { taskId: string; state: string; reason?: string; message?: string }[] {
  const out: { taskId: string; state: string; reason?: string; message?: string }[] = [];
  const visit = (e: Event) => {
    if (e.type === 'UPDATE' && e.update?.status) out.push({ taskId: e.update.status.taskId?.value ?? '', state: String(e.update.status.state), reason: e.update.status.reason as string | undefined, message: e.update.status.message ?? undefined });
    for (const inner of (e as { batch?: { events?: Event[] } }).batch?.events ?? []) visit(inner);
  };
  for (const e of outbox.sent) visit(e);
  return out;
}
