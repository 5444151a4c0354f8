import * as grpc from '@grpc/grpc-js';
import { STATUS_UPDATE_ACK_BATCH, type AgentMessage__Output, type AgentServiceHandlers, type MasterMessage } from '@strata/proto';
import type { Logger } from '@strata/lib';
import type { Master } from '../master';
import { coalescingOutbox, streamOutbox } from './outbox';
import { toGrpcError } from './status';

/** The agent channel: decode, call the master, encode. Nothing else lives here. */
export function agentServiceHandlers(master: Master, log: Logger): AgentServiceHandlers {
  return {
    Register(call, callback) {
      master.registerAgent(call.request).then((r) => callback(null, r), (err) => callback(toGrpcError(err)));
    },
    Reregister(call, callback) {
      master.reregisterAgent(call.request).then((r) => callback(null, r), (err) => callback(toGrpcError(err)));
    },
    Connect(call) {
      // A framework acknowledges a burst of updates at once: their acks reach the agent as one message.
      const outbox = coalescingOutbox(streamOutbox<MasterMessage>(call), STATUS_UPDATE_ACK_BATCH);
      let agentId: string | undefined;
      const done = () => {
        if (agentId) master.agentDisconnected(agentId, outbox);
      };
      call.on('data', (msg: AgentMessage__Output) => {
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
    },
  };
}
