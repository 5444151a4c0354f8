import * as grpc from '@grpc/grpc-js';
import { backoffDelay, coalescingSender, grpcClientCredentials, metadataWith, type Logger, type TlsConfig } from '@strata/lib';
import { notLeaderHint, type MasterLocator } from '@strata/lib/ha';
import {
  STATUS_UPDATE_BATCH,
  loadStrata,
  type AgentMessage,
  type AgentServiceClient,
  type MasterMessage__Output,
  type RegisterAgentResponse__Output,
  type ReregisterAgentRequest,
  type RegisterAgentRequest,
} from '@strata/proto';

export interface MasterLinkHandlers {
  /** What to register with, or reregister with once an id is known. */
  registration(): { register: RegisterAgentRequest; reregister?: ReregisterAgentRequest };
  onRegistered(resp: RegisterAgentResponse__Output, reregistered: boolean): void;
  /** The master did not know our id: start over as a new agent. */
  onUnknownToMaster(): void;
  onMessage(msg: MasterMessage__Output): void;
  onConnected(): void;
  onDisconnected(): void;
}

const RECONNECT = { initialMs: 100, factor: 2, maxMs: 5_000 };
/** How long a reregistration may wait for the master's answer (as the unary calls' deadline). */
const REREGISTER_TIMEOUT_MS = 10_000;

/**
 * The agent's end of the agent channel: find the leading master, open the stream and reregister
 * in its hello (or register first, when new or unknown to the master), and reconnect with
 * backoff whenever it drops, so a restarted master, or a new leader, sees its agents come back
 * on their own. When the locator reports another leader the open stream is dropped at once: a
 * paused old leader keeps its connections open.
 */
export class MasterLink {
  private client?: AgentServiceClient;
  private clientAddress?: string;
  private stream?: grpc.ClientDuplexStream<AgentMessage, MasterMessage__Output>;
  private stopped = false;
  private attempt = 0;
  private retryTimer?: NodeJS.Timeout;
  connected = false;
  /** Status updates of one turn (tasks started or ended together, a resend after reconnecting) leave as one message. */
  private readonly write = coalescingSender((msg: AgentMessage) => {
    if (this.connected) this.stream?.write(msg);
  }, STATUS_UPDATE_BATCH);

  constructor(
    private readonly locator: MasterLocator,
    private readonly handlers: MasterLinkHandlers,
    private readonly log: Logger,
    /** Sent as `authorization` metadata on every call: the master may authenticate agents. */
    private readonly authorization?: string,
    /** Dial the master over TLS with this certificate (mutual TLS). */
    private readonly tls?: TlsConfig,
  ) {
    locator.on('change', (address) => {
      if (this.stream && address !== this.clientAddress) {
        this.log.warn({ from: this.clientAddress, to: address ?? null }, 'leading master changed; reconnecting');
        this.stream.cancel();
      } else if (address && this.retryTimer) {
        // Waiting out a backoff after the old leader failed: the new one is known now, go.
        clearTimeout(this.retryTimer);
        this.retryTimer = undefined;
        this.attempt = 0;
        this.reconnect();
      }
    });
  }

  /** The gRPC client for the leading master, made again when the leader moves. */
  private clientFor(address: string): AgentServiceClient {
    if (this.client && this.clientAddress === address) return this.client;
    this.client?.close();
    const proto = loadStrata();
    this.client = new proto.strata.internal.v1.AgentService(address, grpcClientCredentials(this.tls), {
      'grpc.keepalive_time_ms': 10_000,
      'grpc.keepalive_timeout_ms': 5_000,
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 2_000,
    });
    this.clientAddress = address;
    return this.client;
  }

  start(): void {
    this.reconnect();
  }

  /** connect() handles its own failures (it schedules the next attempt); this only guards the unexpected. */
  private reconnect(): void {
    this.connect().catch((err: unknown) => {
      this.log.error({ err }, 'master link failed');
      this.scheduleReconnect();
    });
  }

  send(msg: AgentMessage): boolean {
    if (!this.connected || !this.stream) return false;
    this.write(msg);
    return true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.stream?.cancel();
    this.client?.close();
    await this.locator.stop();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    let address: string | undefined;
    try {
      address = await this.locator.leader();
      const client = this.clientFor(address);
      const { reregister } = this.handlers.registration();
      const knownId = reregister?.agentInfo?.id?.value;
      if (reregister && knownId) {
        try {
          await this.openStream(client, knownId, reregister);
          return;
        } catch (err) {
          if ((err as grpc.ServiceError).code !== grpc.status.NOT_FOUND) throw err;
          this.log.warn('master does not know this agent; registering as a new agent');
          this.handlers.onUnknownToMaster();
        }
      }
      const resp: RegisterAgentResponse__Output = await this.unary(client, 'Register', this.handlers.registration().register);
      this.handlers.onRegistered(resp, false);
      await this.openStream(client, resp.agentId!.value);
    } catch (err) {
      this.failed(address, err as grpc.ServiceError);
      this.scheduleReconnect();
    }
  }

  /** A standby names the leader: go there next (at once); an unreachable master: the next in the list. */
  private failed(address: string | undefined, err: grpc.ServiceError): void {
    const standby = notLeaderHint(err);
    this.log.warn({ err: err.message, master: address, leader: standby?.leader }, 'cannot reach the leading master');
    if (!address) return;
    if (standby) {
      this.locator.notLeader(address, standby.leader);
      if (standby.leader) this.attempt = 0; // named: go there now
    } else if (err.code === grpc.status.UNAVAILABLE || err.code === grpc.status.DEADLINE_EXCEEDED) {
      this.locator.unreachable(address);
    }
  }

  /**
   * Opens the stream and says hello. With `reregister` the hello carries the reregistration and
   * the stream is up once the master answers it (rejects with the master's refusal, NOT_FOUND for
   * an agent it does not know, or DEADLINE_EXCEEDED without an answer in time); without, the
   * stream counts as up at once (updates written before the master reads the hello are buffered
   * by grpc-js in order anyway).
   */
  private openStream(client: AgentServiceClient, agentId: string, reregister?: ReregisterAgentRequest): Promise<void> {
    const stream = client.Connect(metadataWith(this.authorization));
    this.stream = stream;
    return new Promise<void>((resolve, reject) => {
      let closed = false;
      let answered = !reregister;
      let timedOut = false;
      const timer = reregister ? setTimeout(() => { timedOut = true; stream.cancel(); }, REREGISTER_TIMEOUT_MS) : undefined;
      const up = () => {
        this.connected = true;
        this.attempt = 0;
        this.handlers.onConnected();
        resolve();
      };
      const onClose = (why: string, err?: grpc.ServiceError) => {
        if (closed) return;
        closed = true;
        clearTimeout(timer);
        if (this.stream === stream) this.stream = undefined;
        if (!answered) {
          // Refused or unanswered: connect() decides what follows.
          answered = true;
          return reject(timedOut ? Object.assign(new Error(`no answer to the reregistration within ${REREGISTER_TIMEOUT_MS} ms`), { code: grpc.status.DEADLINE_EXCEEDED }) : err ?? new Error(why));
        }
        if (this.connected) {
          this.connected = false;
          this.handlers.onDisconnected();
        }
        this.log.warn({ why, master: this.clientAddress }, 'master stream closed');
        this.scheduleReconnect();
      };
      stream.on('data', (msg: MasterMessage__Output) => {
        if (answered) return this.handlers.onMessage(msg);
        if (msg.msg !== 'reregistered' || !msg.reregistered?.agentId?.value) return void stream.cancel(); // not an answer to our hello
        answered = true;
        clearTimeout(timer);
        this.handlers.onRegistered(msg.reregistered, true);
        up();
      });
      stream.on('error', (err: grpc.ServiceError) => onClose(err.message, err));
      stream.on('end', () => onClose('ended by master'));
      stream.write({ hello: { agentId: { value: agentId }, ...(reregister ? { reregister } : {}) } });
      if (!reregister) up();
    });
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.retryTimer) return;
    const delay = backoffDelay(RECONNECT, this.attempt++);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.reconnect();
    }, delay);
  }

  private unary<Req, Res>(client: AgentServiceClient, method: 'Register', req: Req): Promise<Res> {
    return new Promise((resolve, reject) => {
      const deadline = new Date(Date.now() + 10_000);
      (client[method] as unknown as (r: Req, m: grpc.Metadata, o: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r?: Res) => void) => void).call(
        client,
        req,
        metadataWith(this.authorization),
        { deadline },
        (err, r) => (err ? reject(err) : resolve(r!)),
      );
    });
  }
}
