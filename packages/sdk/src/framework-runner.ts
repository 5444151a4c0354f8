import type { Logger } from '@strata/lib';
import type { FrameworkInfo, Offer__Output, TaskStatus__Output } from '@strata/proto';
import { SchedulerDriver } from './scheduler-driver';

export interface FrameworkHandlers {
  /** `again`: the master took our stored id (a failover or a master restart), so our tasks are still ours. */
  subscribed(frameworkId: string, again: boolean): void | Promise<void>;
  offers(offers: Offer__Output[]): void | Promise<void>;
  update(status: TaskStatus__Output): void | Promise<void>;
  disconnected?(why: string): void;
}

export interface FrameworkRunnerOptions {
  master: string;
  /** The FrameworkInfo without its id: the runner adds the stored one. */
  framework: Omit<FrameworkInfo, 'id'>;
  /** The id stored from an earlier run, if any. */
  frameworkId?: string;
  /** Stores a new framework id before the framework acts on it (a restart must resubscribe with it, or its tasks are orphans). */
  saveFrameworkId(id: string): Promise<void>;
  handlers: FrameworkHandlers;
  log: Logger;
  /** While false (a leader whose lease may have expired), no call leaves and no event is handed over. */
  acting?: () => boolean;
  /** Who it subscribes as when the master authenticates (the framework's principal is set to it). */
  credential?: { principal: string; authorization: string };
}

/**
 * The wiring every framework needs around the driver: subscribe with the stored framework id,
 * store a new one before using it, hand offers and updates to the framework (an update is
 * acknowledged when its handler is done) with every failure logged (a handler that throws or rejects never ends the process). Returns the driver
 * unsubscribed: the framework keeps it before calling `subscribe()`, so its handlers can use it.
 */
export function frameworkDriver(opts: FrameworkRunnerOptions): SchedulerDriver {
  const { log, handlers } = opts;
  let current = opts.frameworkId;
  // Updates are acknowledged once the framework's handler has finished with them (stored what it
  // learnt), as Mesos asks: acknowledged earlier, an update whose effect was still being written
  // when the leader died would never come again, and its effect (a run's success) would be lost.
  const driver = new SchedulerDriver({
    master: opts.master,
    framework: { ...opts.framework, ...(opts.credential ? { principal: opts.credential.principal } : {}), ...(current ? { id: { value: current } } : {}) },
    log,
    autoAcknowledge: false,
    ...(opts.acting ? { acting: opts.acting } : {}),
    ...(opts.credential ? { authorization: opts.credential.authorization } : {}),
  });
  const guard = (what: string, context: Record<string, unknown>, fn: () => void | Promise<void>) => {
    if (opts.acting && !opts.acting()) return;
    try {
      const r = fn();
      if (r) r.catch((err: unknown) => log.error({ err, ...context }, what));
    } catch (err) {
      log.error({ err, ...context }, what);
    }
  };
  driver.on('subscribed', (id) =>
    guard('cannot take up the subscription', { frameworkId: id }, async () => {
      const again = current === id;
      if (!again) await opts.saveFrameworkId(id);
      current = id;
      await handlers.subscribed(id, again);
    }),
  );
  driver.on('offers', (offers) => guard('cannot use offers', {}, () => handlers.offers(offers)));
  driver.on('update', (s) =>
    guard('cannot apply a status update (left unacknowledged: the agent sends it again)', { taskId: s.taskId?.value }, async () => {
      await handlers.update(s);
      if (s.uuid.length) driver.acknowledge(s);
    }),
  );
  driver.on('error', (message) => log.warn({ message }, 'error from master'));
  driver.on('disconnected', (why) => {
    log.warn({ why }, 'disconnected from master');
    handlers.disconnected?.(why);
  });
  return driver;
}
