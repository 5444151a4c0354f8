import type { AgentMessage, AgentMessage__Output } from './gen/strata/internal/v1/AgentMessage';
import type { MasterMessage, MasterMessage__Output } from './gen/strata/internal/v1/MasterMessage';
import type { StatusUpdate, StatusUpdate__Output } from './gen/strata/internal/v1/StatusUpdate';
import type { StatusUpdateAck, StatusUpdateAck__Output } from './gen/strata/internal/v1/StatusUpdateAck';

/** The status updates a message from an agent carries: one, a batch, or none. */
export function statusUpdatesOf(m: AgentMessage__Output): StatusUpdate__Output[] {
  if (m.msg === 'statusUpdate') return m.statusUpdate ? [m.statusUpdate] : [];
  if (m.msg === 'statusUpdates') return m.statusUpdates?.updates ?? [];
  return [];
}

/** The acknowledgements a message from the master carries: one, a batch, or none. */
export function statusUpdateAcksOf(m: MasterMessage__Output): StatusUpdateAck__Output[] {
  if (m.msg === 'statusUpdateAck') return m.statusUpdateAck ? [m.statusUpdateAck] : [];
  if (m.msg === 'statusUpdateAcks') return m.statusUpdateAcks?.acks ?? [];
  return [];
}

/** For coalescingSender (@strata/lib): status updates sent in one turn go as one AgentMessage. */
export const STATUS_UPDATE_BATCH = {
  pick: (m: AgentMessage): StatusUpdate | undefined => m.statusUpdate ?? undefined,
  many: (updates: StatusUpdate[]): AgentMessage => ({ statusUpdates: { updates } }),
};

/** For coalescingSender (@strata/lib): acknowledgements sent in one turn go as one MasterMessage. */
export const STATUS_UPDATE_ACK_BATCH = {
  pick: (m: MasterMessage): StatusUpdateAck | undefined => m.statusUpdateAck ?? undefined,
  many: (acks: StatusUpdateAck[]): MasterMessage => ({ statusUpdateAcks: { acks } }),
};
