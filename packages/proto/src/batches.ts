import type { AgentMessage, AgentMessage__Output } from './gen/strata/internal/v1/AgentMessage';
import type { MasterMessage, MasterMessage__Output } from './gen/strata/internal/v1/MasterMessage';
import type { StatusUpdate, StatusUpdate__Output } from './gen/strata/internal/v1/StatusUpdate';
import type { StatusUpdateAck, StatusUpdateAck__Output } from './gen/strata/internal/v1/StatusUpdateAck';
import type { Call } from './gen/strata/v1/Call';
import type { Event } from './gen/strata/v1/Event';

// What batches on each channel, for coalescingSender (@strata/lib): `pick` says which messages
// join a batch, `many` makes the one message a batch of them becomes.

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

/** Agent channel, up: status updates sent in one turn go as one AgentMessage. */
export const STATUS_UPDATE_BATCH = {
  pick: (m: AgentMessage): StatusUpdate | undefined => m.statusUpdate ?? undefined,
  many: (updates: StatusUpdate[]): AgentMessage => ({ statusUpdates: { updates } }),
};

/** Agent channel, down: acknowledgements sent in one turn go as one MasterMessage. */
export const STATUS_UPDATE_ACK_BATCH = {
  pick: (m: MasterMessage): StatusUpdateAck | undefined => m.statusUpdateAck ?? undefined,
  many: (acks: StatusUpdateAck[]): MasterMessage => ({ statusUpdateAcks: { acks } }),
};

/** Scheduler channel, down, to a framework with the BATCHES capability: every event of a turn. */
export const EVENT_BATCH = {
  pick: (e: Event): Event => e,
  many: (events: Event[]): Event => ({ type: 'BATCH', batch: { events } }),
};

/** Scheduler channel, up: every call of a turn, as one BATCH call. */
export const CALL_BATCH = {
  pick: (c: Call): Call => c,
  many: (calls: Call[]): Call => ({ type: 'BATCH', batch: { calls } }),
};
