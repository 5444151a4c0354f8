import * as res from '@strata/lib/resources';
import { offerAttributes, offerResources } from '@strata/sdk/offers';
import type { Offer__Output, TaskInfo } from '@strata/proto';
import { constraintsMet } from '../launch/constraints';
import { chronosTaskInfo } from '../launch/task-info';
import type { Run } from '../model/run';
import type { ChronosContext } from '../chronos-state';
import type { SchedulerLoop } from './scheduler-loop';

/** Launchable runs against an offers event: placed by resources and constraints, written, then launched; the rest declined. */
export class OfferHandler {
  constructor(
    private readonly ctx: ChronosContext,
    private readonly loop: SchedulerLoop,
  ) {}

  async handle(offers: Offer__Output[]): Promise<void> {
    const { clock, runs, jobs } = this.ctx;
    const now = clock.now();
    await this.loop.skipExpired(now);
    const queue = runs.launchable(now, jobs);
    let left = queue.length;
    for (const offer of offers) {
      let available = offerResources(offer);
      const tasks: TaskInfo[] = [];
      const launching: Run[] = [];
      const attributes = offerAttributes(offer);
      const role = offer.allocationInfo?.role || '*';
      for (const run of queue) {
        if (run.state !== 'queued') continue; // taken by an earlier offer
        const job = jobs.get(run.job)!;
        if (!constraintsMet(job.constraints, attributes)) continue;
        const wanted = res.resources({ cpus: job.cpus, mem: job.mem, disk: job.disk });
        if (!res.contains(available, wanted)) continue;
        available = res.subtract(available, wanted);
        left--;
        run.state = 'launching';
        run.launchSent = false;
        run.launchedAt = now;
        run.agentId = offer.agentId!.value;
        run.host = offer.hostname;
        launching.push(run);
        tasks.push(chronosTaskInfo(job, run, offer.hostname, role, wanted));
      }
      // Written before the launch: a restart reconciles these rather than launching them again.
      await Promise.all(launching.map((r) => this.ctx.saveRun(r)));
      const driver = this.ctx.driver()!;
      if (tasks.length) driver.launch([offer.id!.value], tasks, { refuseSeconds: 0 });
      for (const r of launching) r.launchSent = true;
      if (!tasks.length) driver.decline([offer.id!.value], { refuseSeconds: left ? 5 : 30 });
      // A kill asked for while these were being written goes out now, behind the launch on the same stream.
      for (const r of launching) if (r.killRequested) driver.kill(r.id, r.agentId);
    }
    this.loop.updateOfferInterest(left);
  }
}
