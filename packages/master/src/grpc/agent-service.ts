import * as grpc from '@grpc/grpc-js';
import { STATUS_UPDATE_ACK_BATCH, type AgentMessage__Output, type AgentServiceHandlers, type MasterMessage } from '@strata/proto';
import { StrataError, authenticatedStream, principalOfCall, type HttpSecurity, type Logger } from '@strata/lib';
import type { MasterSeat } from '../ha/master-seat';
import type { MasterTerm } from '../ha/master-term';
import { coalescingOutbox, streamOutbox } from './outbox';
import { streamTerm, toGrpcError } from './status';

/**
 * The agent channel: decode, call the master of the current term, encode. Nothing else lives
 * here. A standby answers UNAVAILABLE naming the leader; a stream belongs to the term it was
 * accepted in, and its messages are dropped once that term is over (its master closes it).
 * With `security`, every call authenticates from its metadata first (UNAUTHENTICATED otherwise).
 */
export function agentServiceHandlers(seat: MasterSeat, log: Logger, security?: HttpSecurity, certified?: (peer: string) => boolean): AgentServiceHandlers {
  /** With mutual TLS, a call from a connection without a certificate of the cluster CA is refused. */
  const uncertified = (call: { getPeer(): string }) =>
    certified && !certified(call.getPeer()) ? new StrataError('UNAUTHENTICATED', 'agents must present a TLS certificate signed by the cluster CA', { context: { peer: call.getPeer() } }) : undefined;
  const unary =
    <Req, Res>(fn: (m: MasterTerm, req: Req, principal: string | undefined) => Promise<Res>) =>
    (call: { request: Req; metadata: grpc.Metadata; getPeer(): string }, callback: (err: Error | null, r?: Res) => void) => {
      let term: MasterTerm;
      try {
        term = seat.acting();
      } catch (err) {
        return callback(toGrpcError(err));
      }
      const noCert = uncertified(call);
      if (noCert) return callback(toGrpcError(noCert));
      principalOfCall(security, call.metadata)
        .then((principal) => fn(term, call.request, principal))
        .then((r) => callback(null, r), (err) => callback(toGrpcError(err)));
    };
  return {
    Register: unary((term, req, principal) => term.master.registerAgent(req, principal)),
    Reregister: unary((term, req, principal) => term.master.reregisterAgent(req, principal)),
    Connect(call) {
      const term = streamTerm(seat, call);
      if (!term) return;
      const noCert = uncertified(call);
      if (noCert) return void call.emit('error', toGrpcError(noCert));
      authenticatedStream(security, call, () => connected(call, term), (err) => {
        log.warn({ err: (err as Error).message }, 'agent stream refused: not authenticated');
        call.emit('error', toGrpcError(err));
      });
    },
  };

  function connected(call: Parameters<AgentServiceHandlers['Connect']>[0], term: MasterTerm): void {
    const master = term.master;
    // A framework acknowledges a burst of updates at once: their acks reach the agent as one message.
    const outbox = term.gate(coalescingOutbox(streamOutbox<MasterMessage>(call), STATUS_UPDATE_ACK_BATCH));
    let agentId: string | undefined;
    const done = () => {
      if (agentId) master.agentDisconnected(agentId, outbox);
    };
    call.on('data', (msg: AgentMessage__Output) => {
      if (term.ended) return;
      if (!agentId) {
        if (msg.msg !== 'hello' || !msg.hello?.agentId?.value) {
          call.emit('error', Object.assign(toGrpcError(new Error('the first message on the agent stream must be hello with agent_id')), { code: grpc.status.INVALID_ARGUMENT }));
          return;
        }
        try {
          master.agentConnected(msg.hello.agentId.value, outbox);
          agentId = msg.hello.agentId.value;
          // Headers now, not with the first launch: the agent knows it was accepted, and a burst
          // of launches to thousands of fresh agents does not pay for thousands of HEADERS frames.
          call.sendMetadata(new grpc.Metadata());
        } catch (err) {
          log.warn({ err, agentId: msg.hello.agentId.value }, 'agent stream refused');
          call.emit('error', toGrpcError(err));
        }
        return;
      }
      master.agentMessage(agentId, msg);
    });
    call.on('end', () => {
      done();
      call.end();
    });
    call.on('error', done);
    call.on('cancelled', done);
  }
}
