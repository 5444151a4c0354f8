import { EventEmitter } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import { coalescingSender } from '@strata/lib';
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
  /** host:port of the master. */
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
  private readonly client: SchedulerClient;
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
    const proto = loadStrata();
    this.client = new proto.strata.v1.Scheduler(opts.master, grpc.credentials.createInsecure(), { 'grpc.keepalive_time_ms': 10_000 });
    this.autoAck = opts.autoAcknowledge ?? true;
    this.batching = opts.batching ?? true;
    this.frameworkId = opts.framework.id?.value;
  }

  /** Opens the stream and resolves with the framework id once SUBSCRIBED arrives (rejects on ERROR). */
  subscribe(timeoutMs = 15_000): Promise<string> {
    const stream = this.client.Subscribe();
    this.stream = stream;
    let refused = false;
    return new Promise<string>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => settle(new Error(`no SUBSCRIBED from ${this.opts.master} within ${timeoutMs} ms`)), timeoutMs);
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
          this.attempt = 0;
          settle(undefined, this.frameworkId);
        } else if (e.type === 'ERROR') {
          refused = true; // the master ends the stream after an ERROR it means
          if (!settled) settle(new Error(e.error?.message ?? 'subscription refused'));
        }
        this.dispatch(e);
      };
      stream.on('data', (e: Event__Output) => {
        this.counts.messagesIn++;
        const events = e.type === 'BATCH' ? e.batch?.events ?? [] : [e];
        this.counts.eventsIn += events.length;
        for (const inner of events) onEvent(inner);
      });
      const closed = (why: string) => {
        const wasSubscribed = settled;
        settle(new Error(why));
        if (this.stream !== stream) return; // closed by us, or replaced by a newer subscription
        this.stream = undefined;
        if (this.closedByUs) return;
        if ((this.opts.reconnect ?? true) && this.everSubscribed && !refused) {
          if (wasSubscribed) this.emit('disconnected', why);
          this.scheduleResubscribe();
        } else {
          this.emit('closed', why);
        }
      };
      stream.on('error', (err) => closed(err.message));
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
      if (this.closedByUs) return;
      // A failed attempt schedules the next one (or reports `closed` if refused) from its close handler.
      this.subscribe().catch(() => undefined);
    }, delay);
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
    if (!this.stream) return false;
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
    this.client.close();
  }
}
