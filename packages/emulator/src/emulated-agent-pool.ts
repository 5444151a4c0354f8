import * as grpc from '@grpc/grpc-js';
import { MinHeap, coalescingSender, res, silentLogger, type Logger, type Resources } from '@strata/lib';
import { MasterLocator, notLeaderHint } from '@strata/lib/ha';
import { STATUS_UPDATE_BATCH, loadStrata, type AgentMessage, type AgentServiceClient, type MasterMessage__Output, type RegisterAgentResponse__Output, type ReregisterAgentRequest } from '@strata/proto';
import { EmulatedAgent, type AgentHost } from './emulated-agent';

export interface EmulatedAgentPoolOptions {
  /** The master: host:port, a list, or etcd://…/NAME (the agents follow the leader and reregister with a new one). */
  master: string;
  agents: number;
  /** What each agent advertises (Mesos text form or a value). */
  resources: Resources | string;
  /** How long a task "runs" unless its labels say otherwise (default 1 s). */
  taskDurationMs?: number;
  /** HTTP/2 connections the agents' streams are spread over (default: one per 1,000 agents). */
  connections?: number;
  /** Registrations in flight at once (default 256). */
  registerConcurrency?: number;
  /** Hostnames are `${hostPrefix}-${i}` (default `emu`); attributes are added to every agent. */
  hostPrefix?: string;
  attributes?: Record<string, string>;
  /** An update unacknowledged this long is sent again (default 10 s, as the real agent). */
  retryMs?: number;
  log?: Logger;
}

export interface EmulatedAgentPoolStats {
  agents: number;
  connected: number;
  reregistrations: number;
  tasksLaunched: number;
  tasksActive: number;
  messagesIn: number;
  messagesOut: number;
}

/**
 * Thousands of emulated agents in one process, multiplexed as HTTP/2 streams over a few
 * connections to the real master, each registered and connected exactly as `strata-agent` is.
 * One timer serves every task completion (a heap of due times) and one the update retries.
 */
export class EmulatedAgentPool implements AgentHost {
  private clients: AgentServiceClient[] = [];
  private clientsAddress?: string;
  private readonly locator: MasterLocator;
  /** Agents whose stream dropped, waiting to reregister (a few at a time, as they would from many hosts). */
  private readonly lost: EmulatedAgent[] = [];
  private rejoining = 0;
  /** Rejoin workers sleeping out a backoff: woken when a new leader is announced. */
  private readonly sleepers: (() => void)[] = [];
  private readonly agents: EmulatedAgent[] = [];
  private readonly streams = new Map<EmulatedAgent, { stream: grpc.ClientDuplexStream<AgentMessage, MasterMessage__Output>; send: (m: AgentMessage) => void }>();
  private readonly due = new MinHeap<{ at: number; agent: EmulatedAgent; key: string }>((a, b) => a.at < b.at);
  private readonly resources: Resources;
  private dueTimer?: NodeJS.Timeout;
  private dueAt = Infinity;
  private retryTimer?: NodeJS.Timeout;
  private stopped = false;
  private counters = { launched: 0, in: 0, out: 0, reregistrations: 0 };

  constructor(private readonly opts: EmulatedAgentPoolOptions) {
    this.resources = typeof opts.resources === 'string' ? res.parseResources(opts.resources) : opts.resources;
    this.locator = MasterLocator.parse(opts.master, opts.log ?? silentLogger());
    const duration = opts.taskDurationMs ?? 1_000;
    for (let i = 0; i < opts.agents; i++) this.agents.push(new EmulatedAgent(i, this, duration));
  }

  /** The clients to the leading master, made again when it moves. */
  private clientsFor(address: string): AgentServiceClient[] {
    if (this.clientsAddress === address) return this.clients;
    for (const c of this.clients) c.close();
    const proto = loadStrata();
    const n = Math.max(1, this.opts.connections ?? Math.ceil(this.opts.agents / 1000));
    // A local subchannel pool gives each client its own connection: streams spread over n sockets.
    this.clients = Array.from({ length: n }, () => new proto.strata.internal.v1.AgentService(address, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1, 'grpc.keepalive_time_ms': 30_000 }));
    this.clientsAddress = address;
    return this.clients;
  }

  /** Registers and connects every agent; resolves when all streams are open. */
  async start(): Promise<void> {
    this.clientsFor(await this.locator.leader(30_000));
    // A new leader elsewhere: the streams to the old one are dropped and every agent reregisters.
    this.locator.on('change', (address) => {
      if (!address || address === this.clientsAddress) return;
      for (const s of this.streams.values()) s.stream.cancel();
      // Agents waiting out a backoff after the old leader failed: the new one is known now, go (as strata-agent does).
      for (const wake of this.sleepers.splice(0)) wake();
    });
    const concurrency = this.opts.registerConcurrency ?? 256;
    let next = 0;
    const worker = async () => {
      while (!this.stopped && next < this.agents.length) {
        const agent = this.agents[next++]!;
        await this.register(agent);
        await this.connect(agent); // resolves at once: a new agent says a plain hello
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, this.agents.length) }, worker));
    const retryMs = this.opts.retryMs ?? 10_000;
    this.retryTimer = setInterval(() => {
      for (const a of this.agents) a.retry(retryMs);
    }, Math.max(1_000, retryMs / 2));
  }

  stats(): EmulatedAgentPoolStats {
    let active = 0;
    for (const a of this.agents) active += a.taskCount;
    return { agents: this.agents.length, connected: this.streams.size, reregistrations: this.counters.reregistrations, tasksLaunched: this.counters.launched, tasksActive: active, messagesIn: this.counters.in, messagesOut: this.counters.out };
  }

  agentIds(): string[] {
    return this.agents.map((a) => a.id);
  }

  stop(): void {
    this.stopped = true;
    if (this.dueTimer) clearTimeout(this.dueTimer);
    if (this.retryTimer) clearInterval(this.retryTimer);
    for (const s of this.streams.values()) s.stream.cancel();
    this.streams.clear();
    for (const c of this.clients) c.close();
    this.locator.stop().catch(() => undefined);
  }

  // --- AgentHost -----------------------------------------------------------------------------

  send(agent: EmulatedAgent, msg: AgentMessage): void {
    // Disconnected: the retry timer sends it again once back.
    this.streams.get(agent)?.send(msg);
  }

  now(): number {
    return Date.now();
  }

  completeAt(agent: EmulatedAgent, key: string, at: number): void {
    this.due.push({ at, agent, key });
    if (at < this.dueAt) this.armDue(at);
  }

  launched(count: number): void {
    this.counters.launched += count;
  }

  // --- internals -----------------------------------------------------------------------------

  private clientOf(agent: EmulatedAgent): AgentServiceClient {
    return this.clients[agent.index % this.clients.length]!;
  }

  /** A stream dropped: the agent reregisters with whoever leads, with its tasks, as strata-agent does. */
  private rejoin(agent: EmulatedAgent): void {
    this.lost.push(agent);
    const concurrency = this.opts.registerConcurrency ?? 256;
    while (this.rejoining < concurrency && this.lost.length) {
      this.rejoining++;
      this.rejoinWorker().finally(() => this.rejoining--).catch(() => undefined);
    }
  }

  private async rejoinWorker(): Promise<void> {
    for (let a = this.lost.shift(); a && !this.stopped; a = this.lost.shift()) {
      for (let attempt = 0; !this.stopped; attempt++) {
        let address: string | undefined;
        try {
          address = await this.locator.leader(30_000);
          const client = this.clientsFor(address);
          const req = {
            agentInfo: { ...this.agentInfo(a), id: { value: a.id } },
            ...a.reregistration(),
            version: 'emulator',
          };
          // As strata-agent: the stream's hello reregisters, one stream per agent.
          await this.connect(a, req);
          this.counters.reregistrations++;
          a.resendAll(); // what the old master had not acknowledged goes to the new one
          break;
        } catch (err) {
          const standby = notLeaderHint(err as grpc.ServiceError);
          if (address) {
            if (standby) this.locator.notLeader(address, standby.leader);
            else this.locator.unreachable(address);
          }
          await new Promise<void>((r) => {
            const wake = () => {
              clearTimeout(t);
              r();
            };
            const t = setTimeout(() => {
              const i = this.sleepers.indexOf(wake);
              if (i >= 0) this.sleepers.splice(i, 1);
              r();
            }, Math.min(2_000, 100 * 2 ** attempt));
            this.sleepers.push(wake);
          });
        }
      }
    }
  }

  private agentInfo(agent: EmulatedAgent) {
    const prefix = this.opts.hostPrefix ?? 'emu';
    const attributes = Object.entries(this.opts.attributes ?? {}).map(([name, value]) => ({ name, type: 'TEXT' as const, text: { value } }));
    return { hostname: `${prefix}-${agent.index}`, port: 5051, resources: res.toProto(this.resources), attributes, capabilities: ['process'] };
  }

  private armDue(at: number): void {
    if (this.dueTimer) clearTimeout(this.dueTimer);
    this.dueAt = at;
    this.dueTimer = setTimeout(() => this.fireDue(), Math.max(0, at - Date.now()));
  }

  private fireDue(): void {
    this.dueTimer = undefined;
    this.dueAt = Infinity;
    const now = Date.now();
    for (let top = this.due.peek(); top && top.at <= now; top = this.due.peek()) {
      this.due.pop();
      top.agent.complete(top.key);
    }
    const next = this.due.peek();
    if (next && !this.stopped) this.armDue(next.at);
  }

  private async register(agent: EmulatedAgent): Promise<void> {
    const req = { agentInfo: this.agentInfo(agent), version: 'emulator' };
    for (let attempt = 0; ; attempt++) {
      try {
        const resp = await new Promise<RegisterAgentResponse__Output>((resolve, reject) =>
          this.clientOf(agent).Register(req, { deadline: new Date(Date.now() + 60_000) }, (err, r) => (err ? reject(err) : resolve(r!))),
        );
        agent.id = resp.agentId!.value;
        return;
      } catch (err) {
        if (this.stopped || attempt >= 5) throw err;
        this.opts.log?.warn({ err: (err as Error).message, agent: agent.index }, 'emulated agent registration failed; retrying');
        await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
      }
    }
  }

  /**
   * Opens the agent's stream and says hello; with `reregister` the hello carries it, and this
   * resolves on the master's answer (rejects on its refusal, or after 60 s without one, and the
   * caller retries). A stream lost after that puts the agent back among those to rejoin.
   */
  private connect(agent: EmulatedAgent, reregister?: ReregisterAgentRequest): Promise<void> {
    const stream = this.clientOf(agent).Connect();
    // As the real agent: the updates of one turn (a launch of many tasks) leave as one message.
    const send = coalescingSender((m: AgentMessage) => {
      if (this.streams.get(agent)?.stream !== stream) return;
      this.counters.out++;
      stream.write(m);
    }, STATUS_UPDATE_BATCH);
    return new Promise<void>((resolve, reject) => {
      let answered = !reregister;
      const timer = reregister ? setTimeout(() => stream.cancel(), 60_000) : undefined;
      const up = () => {
        this.streams.set(agent, { stream, send });
        resolve();
      };
      stream.on('data', (m: MasterMessage__Output) => {
        this.counters.in++;
        if (answered) return agent.onMessage(m);
        if (m.msg !== 'reregistered') return void stream.cancel();
        answered = true;
        clearTimeout(timer);
        up();
      });
      const closed = (why: string, err?: Error) => {
        clearTimeout(timer);
        if (!answered) {
          answered = true;
          return reject(err ?? new Error(why));
        }
        if (this.streams.get(agent)?.stream !== stream) return;
        this.streams.delete(agent);
        if (this.stopped) return;
        this.opts.log?.debug({ agentId: agent.id, why }, 'emulated agent stream closed; reregistering');
        this.rejoin(agent);
      };
      stream.on('error', (err) => closed(err.message, err));
      stream.on('end', () => closed('ended by master'));
      stream.write({ hello: { agentId: { value: agent.id }, ...(reregister ? { reregister } : {}) } });
      if (!reregister) up();
    });
  }
}
