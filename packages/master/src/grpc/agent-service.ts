import * as grpc from '@grpc/grpc-js';
import { STATUS_UPDATE_ACK_BATCH, type AgentMessage__Output, type AgentServiceHandlers, type MasterMessage, type RegisterAgentResponse } from '@strata/proto';
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
      authenticatedStream(security, call, (principal) => connected(call, term, principal), (err) => {
        log.warn({ err: (err as Error).message }, 'agent stream refused: not authenticated');
        call.emit('error', toGrpcError(err));
      });
    },
  };

  function connected(call: Parameters<AgentServiceHandlers['Connect']>[0], term: MasterTerm, principal: string | undefined): void {
    const master = term.master;
    // A framework acknowledges a burst of updates at once: their acks reach the agent as one message.
    const outbox = term.gate(coalescingOutbox(streamOutbox<MasterMessage>(call), STATUS_UPDATE_ACK_BATCH));
    let agentId: string | undefined;
    /** Messages that came while the hello's reregistration was under way: handled after it, in order. */
    let held: AgentMessage__Output[] | undefined;
    let gone = false;
    const done = () => {
      gone = true;
      if (agentId) master.agentDisconnected(agentId, outbox);
    };
    const refuse = (err: unknown, id: string) => {
      log.warn({ err, agentId: id }, 'agent stream refused');
      call.emit('error', toGrpcError(err));
    };
    const accept = (id: string, reregistered?: RegisterAgentResponse) => {
      // The answer first: the launches and kills connecting may send come after it.
      if (reregistered) outbox.send({ reregistered });
      master.agentConnected(id, outbox);
      agentId = id;
      // Headers now, not with the first launch: the agent knows it was accepted, and a burst
      // of launches to thousands of fresh agents does not pay for thousands of HEADERS frames.
      call.sendMetadata(new grpc.Metadata());
    };
    const hello = (msg: AgentMessage__Output) => {
      const id = msg.msg === 'hello' ? msg.hello?.agentId?.value : undefined;
      if (!id) {
        call.emit('error', Object.assign(toGrpcError(new Error('the first message on the agent stream must be hello with agent_id')), { code: grpc.status.INVALID_ARGUMENT }));
        return;
      }
      const reregister = msg.hello!.reregister;
      if (!reregister) {
        try {
          accept(id);
        } catch (err) {
          refuse(err, id);
        }
        return;
      }
      if (reregister.agentInfo?.id?.value !== id) {
        refuse(new StrataError('INVALID_AGENT', "hello's agent_id differs from reregister.agent_info.id", { status: 400, context: { agentId: id } }), id);
        return;
      }
      held = [];
      master.reregisterAgent(reregister, principal).then(
        (resp) => {
          if (term.ended || gone) return; // the agent left meanwhile: it reregisters again
          try {
            accept(id, resp);
          } catch (err) {
            return refuse(err, id);
          }
          const later = held ?? [];
          held = undefined;
          for (const m of later) master.agentMessage(id, m);
        },
        (err: unknown) => refuse(err, id),
      );
    };
    call.on('data', (msg: AgentMessage__Output) => {
      if (term.ended) return;
      if (held) held.push(msg);
      else if (!agentId) hello(msg);
      else master.agentMessage(agentId, msg);
    });
    call.on('end', () => {
      done();
      call.end();
    });
    call.on('error', done);
    call.on('cancelled', done);
  }
}
