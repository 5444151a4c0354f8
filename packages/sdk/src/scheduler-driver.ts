import { EventEmitter } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import { coalescingSender, grpcClientCredentials, metadataWith, silentLogger, tlsFromEnv, type Logger, type TlsConfig } from '@strata/lib';
import { MasterLocator, notLeaderHint } from '@strata/lib/ha';
import {
  CALL_BATCH,
  loadStrata,
  type Call,
  type Event__Output,
  type Filters,
  type FrameworkInfo,
  type Offer__Output,
  type SchedulerClient,
  type TaskInfo,
  type TaskStatus__Output,
} from '@strata/proto';

export interface SchedulerDriverOptions {
  /** The master: host:port, a list of them (host:port,host:port), or etcd://h1:2379,…/NAME to follow the elected leader. */
  master: string;
  framework: FrameworkInfo;
  /** Acknowledge reliable updates right after the 'update' listeners ran (default true). */
  autoAcknowledge?: boolean;
  /**
   * Resubscribe with the same framework id when the stream breaks (master restart, network),
   * with backoff from 100 ms to 2 s (default true). A stream the master ends after an ERROR
   * (refused, failed over elsewhere) is not retried.
   */
  reconnect?: boolean;
  /**
   * Batch the stream both ways (default true): declare the BATCHES capability, so the master
   * sends the events of one turn as one message, and send the calls made in one turn as one BATCH
   * call. Both are Strata extensions of Mesos's API; off, the stream is one message per event/call.
   */
  batching?: boolean;
  /** Where leader changes are logged (default: nowhere). */
  log?: Logger;
  /**
   * For a framework that runs as several instances: while this returns false (its leadership
   * lease may have expired) no call leaves, so a paused leader that wakes up launches and kills nothing.
   */
  acting?: () => boolean;
  /** TLS to the master; by default from Mesos's LIBPROCESS_SSL_* variables, as a Mesos scheduler driver reads them (null: plaintext). */
  tls?: TlsConfig | null;
  /** Sent as `authorization` metadata when subscribing: an Authorization header value (Basic, token=…), for a master that authenticates. */
  authorization?: string;
}

export interface SchedulerEvents {
  subscribed: [frameworkId: string];
  disconnected: [reason: string];
  offers: [offers: Offer__Output[]];
  rescind: [offerId: string];
  update: [status: TaskStatus__Output];
  error: [message: string];
  heartbeat: [];
  closed: [reason: string];
}

/**
 * A framework's end of the scheduler channel, like Mesos's scheduler driver: subscribe, then
 * typed events and one method per call. Marathon, Chronos, the CLI and tests all use it.
 */
export class SchedulerDriver extends EventEmitter<SchedulerEvents> {
  frameworkId?: string;
  private client?: SchedulerClient;
  private clientAddress?: string;
  private readonly locator: MasterLocator;
  /** Reliable updates handed to the listeners (true once acknowledged), newest last, bounded. */
  private readonly delivered = new Map<string, boolean>();
  private stream?: grpc.ClientDuplexStream<Call, Event__Output>;
  private readonly autoAck: boolean;
  private closedByUs = false;
  private everSubscribed = false;
  private attempt = 0;
  private retryTimer?: NodeJS.Timeout;
  private readonly batching: boolean;
  private readonly counts = { messagesIn: 0, eventsIn: 0, messagesOut: 0, callsOut: 0 };
  /** Calls made in this turn: one message at its end (a framework acking 8 updates sends 1). */
  private readonly outgoing = coalescingSender((c: Call) => this.write(c), CALL_BATCH);

  constructor(private readonly opts: SchedulerDriverOptions) {
    super();
    this.locator = MasterLocator.parse(opts.master, opts.log ?? silentLogger());
    // A new leader elsewhere: leave the old one now (a paused leader keeps its streams open).
    this.locator.on('change', (address) => {
      if (this.stream && address !== this.clientAddress) this.stream.cancel();
      else if (address && this.retryTimer) {
        // Waiting out a backoff after the old leader failed: the new one is known now, go.
        clearTimeout(this.retryTimer);
        this.retryTimer = undefined;
        this.attempt = 0;
        this.resubscribeNow();
      }
    });
    this.autoAck = opts.autoAcknowledge ?? true;
    this.batching = opts.batching ?? true;
    this.frameworkId = opts.framework.id?.value;
  }

  private clientFor(address: string): SchedulerClient {
    if (this.client && this.clientAddress === address) return this.client;
    this.client?.close();
    const proto = loadStrata();
    this.client = new proto.strata.v1.Scheduler(address, grpcClientCredentials(this.opts.tls === undefined ? tlsFromEnv() : this.opts.tls ?? undefined), { 'grpc.keepalive_time_ms': 10_000, 'grpc.keepalive_timeout_ms': 5_000 });
    this.clientAddress = address;
    return this.client;
  }

  /**
   * Finds the leading master, opens the stream and resolves with the framework id once
   * SUBSCRIBED arrives; a standby that names the leader sends it there, within `timeoutMs`
   * (rejects on ERROR, or when no master answers in time).
   */
  async subscribe(timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const address = await this.locator.leader(Math.max(1, deadline - Date.now()));
      try {
        return await this.subscribeAt(address, Math.max(1, deadline - Date.now()));
      } catch (err) {
        const standby = notLeaderHint(err as grpc.ServiceError);
        if (!standby || this.closedByUs || Date.now() >= deadline) throw err;
        this.locator.notLeader(address, standby.leader);
        if (!standby.leader) await new Promise((r) => setTimeout(r, 200)); // an election is under way
      }
    }
  }

  private subscribeAt(address: string, timeoutMs: number): Promise<string> {
    const stream = this.clientFor(address).Subscribe(metadataWith(this.opts.authorization));
    this.stream = stream;
    let refused = false;
    let subscribed = false;
    return new Promise<string>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        settle(new Error(`no SUBSCRIBED from ${address} within ${timeoutMs} ms`));
        if (this.stream === stream) stream.cancel();
      }, timeoutMs);
      const settle = (err?: Error, id?: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve(id!);
      };
      const onEvent = (e: Event__Output) => {
        if (e.type === 'SUBSCRIBED') {
          this.frameworkId = e.subscribed?.frameworkId?.value;
          this.everSubscribed = true;
          subscribed = true;
          this.attempt = 0;
          settle(undefined, this.frameworkId);
        } else if (e.type === 'ERROR') {
          refused = true; // the master ends the stream after an ERROR it means
          if (!settled) settle(Object.assign(new Error(e.error?.message ?? 'subscription refused'), { refused: true }));
        }
        this.dispatch(e);
      };
      stream.on('data', (e: Event__Output) => {
        this.counts.messagesIn++;
        const events = e.type === 'BATCH' ? e.batch?.events ?? [] : [e];
        this.counts.eventsIn += events.length;
        for (const inner of events) onEvent(inner);
      });
      const closed = (why: string, err?: Error) => {
        settle(err ?? new Error(why));
        if (this.stream !== stream) return; // closed by us, or replaced by a newer subscription
        this.stream = undefined;
        // An attempt that never subscribed is settled above: whoever called subscribe() decides what follows.
        if (this.closedByUs || !subscribed) return;
        if ((this.opts.reconnect ?? true) && !refused) {
          this.emit('disconnected', why);
          this.scheduleResubscribe();
        } else {
          this.emit('closed', why);
        }
      };
      stream.on('error', (err: grpc.ServiceError) => {
        const standby = notLeaderHint(err);
        if (standby) this.locator.notLeader(address, standby.leader);
        else if (err.code === grpc.status.UNAVAILABLE) this.locator.unreachable(address);
        closed(err.message, err);
      });
      stream.on('end', () => closed('master closed the stream'));
      const framework = { ...this.opts.framework, ...(this.frameworkId ? { id: { value: this.frameworkId } } : {}) };
      if (this.batching && !framework.capabilities?.some((c) => c.type === 'BATCHES')) framework.capabilities = [...(framework.capabilities ?? []), { type: 'BATCHES' }];
      this.write({
        type: 'SUBSCRIBE',
        ...(this.frameworkId ? { frameworkId: { value: this.frameworkId } } : {}),
        subscribe: { frameworkInfo: framework },
      });
    });
  }

  private scheduleResubscribe(): void {
    const delay = Math.min(2_000, 100 * 2 ** this.attempt++);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.resubscribeNow();
    }, delay);
  }

  private resubscribeNow(): void {
    if (this.closedByUs) return;
    this.subscribe().catch((err: Error & { refused?: boolean }) => {
      if (this.closedByUs) return;
      if (err.refused) this.emit('closed', err.message);
      else this.scheduleResubscribe();
    });
  }

  private dispatch(e: Event__Output): void {
    switch (e.type) {
      case 'SUBSCRIBED':
        this.emit('subscribed', this.frameworkId!);
        return;
      case 'OFFERS':
        this.emit('offers', e.offers?.offers ?? []);
        return;
      case 'RESCIND':
        this.emit('rescind', e.rescind?.offerId?.value ?? '');
        return;
      case 'UPDATE': {
        const status = e.update?.status;
        if (!status) return;
        if (status.uuid.length) {
          // An agent resends an update until its ack arrives; across a master failover the ack
          // may have died with the old leader. A copy of one already handed over is not handed
          // over again: it is acknowledged again if it was acknowledged, else left to the first.
          const key = updateKey(status);
          const seen = this.delivered.get(key);
          if (seen !== undefined) {
            if (seen) this.acknowledge(status);
            return;
          }
          remember(this.delivered, key, false);
        }
        this.emit('update', status);
        if (this.autoAck && status.uuid.length) this.acknowledge(status);
        return;
      }
      case 'ERROR':
        if (this.listenerCount('error')) this.emit('error', e.error?.message ?? '');
        return;
      case 'HEARTBEAT':
        this.emit('heartbeat');
        return;
    }
  }

  /** Sends a call (its framework_id is set to this framework's); returns false (and sends nothing) when the stream is not open. */
  call(call: Call): boolean {
    if (!this.stream || (this.opts.acting && !this.opts.acting())) return false;
    call.frameworkId = { value: this.frameworkId ?? '' }; // set, not spread: a spread copy encodes several times slower
    if (this.batching) this.outgoing(call);
    else this.write(call);
    return true;
  }

  private write(message: Call): void {
    this.counts.messagesOut++;
    this.counts.callsOut += message.type === 'BATCH' ? message.batch?.calls?.length ?? 0 : 1;
    this.stream?.write(message);
  }

  /** Events received and calls sent, and the stream messages they took (fewer, when batched). */
  stats(): { messagesIn: number; eventsIn: number; messagesOut: number; callsOut: number } {
    return { ...this.counts };
  }

  /** Launches tasks on the given offers (one agent). Unused resources are filtered for `filters.refuseSeconds`. */
  launch(offerIds: string[], tasks: TaskInfo[], filters?: Filters): void {
    this.call({ type: 'ACCEPT', accept: { offerIds: offerIds.map((value) => ({ value })), operations: [{ type: 'LAUNCH', launch: { taskInfos: tasks } }], ...(filters ? { filters } : {}) } });
  }

  /**
   * UPDATE_FRAMEWORK: changes this framework's info (roles, offer filters, name...) without
   * resubscribing; a later resubscription sends the new info. `user`, `principal` and
   * `checkpoint` cannot change. A refusal comes back as an `error` event.
   */
  updateFramework(framework: FrameworkInfo, suppressedRoles: string[] = []): void {
    this.opts.framework = framework;
    this.call({ type: 'UPDATE_FRAMEWORK', updateFramework: { frameworkInfo: { ...framework, id: { value: this.frameworkId ?? '' } }, suppressedRoles } });
  }

  decline(offerIds: string[], filters?: Filters): void {
    this.call({ type: 'DECLINE', decline: { offerIds: offerIds.map((value) => ({ value })), ...(filters ? { filters } : {}) } });
  }

  revive(roles: string[] = []): void {
    this.call({ type: 'REVIVE', revive: { roles } });
  }

  suppress(roles: string[] = []): void {
    this.call({ type: 'SUPPRESS', suppress: { roles } });
  }

  kill(taskId: string, agentId?: string, gracePeriodMs?: number): void {
    this.call({
      type: 'KILL',
      kill: {
        taskId: { value: taskId },
        ...(agentId ? { agentId: { value: agentId } } : {}),
        ...(gracePeriodMs !== undefined ? { killPolicy: { gracePeriod: { nanoseconds: String(Math.round(gracePeriodMs * 1e6)) } } } : {}),
      },
    });
  }

  acknowledge(status: TaskStatus__Output): void {
    if (status.uuid.length) remember(this.delivered, updateKey(status), true);
    this.call({ type: 'ACKNOWLEDGE', acknowledge: { agentId: status.agentId ?? undefined, taskId: status.taskId ?? undefined, uuid: status.uuid } });
  }

  /** Explicit reconciliation for the given tasks, or implicit (every task) when none are given. */
  reconcile(tasks: { taskId: string; agentId?: string }[] = []): void {
    this.call({ type: 'RECONCILE', reconcile: { tasks: tasks.map((t) => ({ taskId: { value: t.taskId }, ...(t.agentId ? { agentId: { value: t.agentId } } : {}) })) } });
  }

  teardown(): void {
    this.call({ type: 'TEARDOWN' });
  }

  /** Closes the stream (the master starts this framework's failover timeout) and the channel. */
  close(): void {
    this.closedByUs = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.outgoing.flush(); // a TEARDOWN made just before must still leave
    const stream = this.stream;
    this.stream = undefined;
    stream?.end();
    stream?.cancel();
    this.client?.close();
    this.locator.stop().catch(() => undefined);
  }
}

const DELIVERED_KEPT = 50_000;
const updateKey = (s: TaskStatus__Output) => `${s.taskId?.value ?? ''}\0${Buffer.from(s.uuid).toString('hex')}`;

/** Sets `key` as the newest entry, dropping the oldest past the bound. */
function remember(map: Map<string, boolean>, key: string, value: boolean): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > DELIVERED_KEPT) map.delete(map.keys().next().value!);
}
