import { EVENT_BATCH, type Call__Output, type Event, type SchedulerHandlers } from '@strata/proto';
import type { Outbox } from '../registry';
import { authenticatedStream, type HttpSecurity, type Logger } from '@strata/lib';
import type { MasterSeat } from '../ha/master-seat';
import type { MasterTerm } from '../ha/master-term';
import { streamTerm, toGrpcError } from './status';
import { coalescingOutbox, streamOutbox } from './outbox';

/**
 * The scheduler channel. The first call must be SUBSCRIBE; a refused subscription is answered
 * with an ERROR event and the stream is closed (Mesos answers a 4xx and closes the connection).
 * With `security`, the stream authenticates from its metadata before its first call is read.
 */
export function schedulerHandlers(seat: MasterSeat, log: Logger, security?: HttpSecurity): SchedulerHandlers {
  return {
    Subscribe(call) {
      const term = streamTerm(seat, call);
      if (!term) return;
      authenticatedStream(
        security,
        call,
        (principal) => subscribed(call, term, principal),
        (err) => {
          log.warn({ err: (err as Error).message }, 'subscription refused: not authenticated');
          const outbox = streamOutbox<Event>(call);
          outbox.send({ type: 'ERROR', error: { message: `Framework is not authenticated: ${(err as Error).message}` } });
          outbox.close();
        },
      );
    },
  };

  function subscribed(call: Parameters<SchedulerHandlers['Subscribe']>[0], term: MasterTerm, principal: string | undefined): void {
    const master = term.master;
    let outbox: Outbox<Event> = streamOutbox<Event>(call);
    let frameworkId: string | undefined;
    let subscribing: Promise<void> | undefined;
    const queued: Call__Output[] = [];
    let gone = false;
    const done = () => {
      gone = true;
      if (frameworkId) master.frameworkDisconnected(frameworkId, outbox);
    };
    call.on('data', (c: Call__Output) => {
      if (term.ended) return;
      if (frameworkId) return master.frameworkCall(frameworkId, c);
      if (subscribing) return void queued.push(c); // calls sent right behind SUBSCRIBE wait for it
      if (c.subscribe?.frameworkInfo?.capabilities.some((cap) => cap.type === 'BATCHES')) outbox = coalescingOutbox(outbox, EVENT_BATCH);
      outbox = term.gate(outbox);
      subscribing = master.subscribe(c, outbox, principal).then(
        (id) => {
          frameworkId = id;
          // The stream died while SUBSCRIBE was being stored (found by the fuzzer: a bad second
          // message ends the call): the framework is disconnected now, or it would stay
          // "connected" to a dead stream forever, holding its offers.
          if (gone) return master.frameworkDisconnected(id, outbox);
          for (const q of queued.splice(0)) master.frameworkCall(id, q);
        },
        (err: Error) => {
          log.warn({ err: err.message }, 'subscription refused');
          outbox.send({ type: 'ERROR', error: { message: err.message } });
          outbox.close();
        },
      );
    });
    call.on('end', () => {
      done();
      outbox.close();
    });
    call.on('error', done);
    call.on('cancelled', done);
  }
}
