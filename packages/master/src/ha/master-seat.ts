import { StrataError } from '@strata/lib';
import type { LeaderInfo } from '@strata/lib/ha';
import type { MasterTerm } from './master-term';

/**
 * Where the gRPC and HTTP adapters find the master to talk to: the current term while this
 * process leads (always, when it runs alone), nothing on a standby, which then names the leader.
 */
export class MasterSeat {
  term?: MasterTerm;
  /** The leader as last seen (this process while it leads); undefined while nobody leads. */
  leader?: LeaderInfo;

  constructor(readonly self: LeaderInfo) {}

  /** The acting term, or a NOT_LEADER error that names the leader (the adapters map it: 307, UNAVAILABLE). */
  acting(): MasterTerm {
    const term = this.term;
    if (term && !term.ended) return term;
    throw this.notLeader();
  }

  notLeader(): StrataError {
    const leader = this.leader && this.leader.id !== this.self.id ? this.leader : undefined;
    return new StrataError('NOT_LEADER', leader ? `this master is not the leader; the leading master is at ${leader.address}` : 'no master is leading right now (an election is under way); retry shortly', {
      context: { leader: leader?.address },
    });
  }
}
