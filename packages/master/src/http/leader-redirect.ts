import type { RequestHandler } from 'express';
import type { MasterSeat } from '../ha/master-seat';

/** What a standby answers itself: its own health and metrics, and where the leader is. */
const LOCAL = new Set(['/health', '/metrics', '/master/health', '/version', '/master/redirect']);

/**
 * A standby master sends every HTTP request to the leader with a 307 (method and body kept), as
 * Mesos's non-leading masters do; with no leader elected it answers 503. `/master/redirect`
 * always answers 307 to the leader, also on the leader itself.
 */
export function leaderRedirect(seat: MasterSeat): RequestHandler {
  return (req, res, next) => {
    const leading = !!seat.term && !seat.term.ended;
    if (req.path === '/master/redirect') {
      const leader = leading ? seat.self : seat.leader;
      if (!leader) return void res.status(503).json({ message: seat.notLeader().message });
      return void res.redirect(307, `http://${leader.address}`);
    }
    if (leading || LOCAL.has(req.path)) return next();
    const leader = seat.leader && seat.leader.id !== seat.self.id ? seat.leader : undefined;
    if (!leader) return void res.status(503).json({ message: seat.notLeader().message });
    res.redirect(307, `http://${leader.address}${req.originalUrl}`);
  };
}
