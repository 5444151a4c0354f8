import type { Clock, Logger } from '@strata/lib';
import type { SchedulerDriver } from '@strata/sdk';
import type { ChronosConfig } from './config';
import type { Job } from './model/job';
import type { JobState, Run } from './model/run';
import type { RunBook } from './queue/run-book';
import type { DueIndex } from './schedule/due-index';
import type { ChronosStore } from './state/chronos-store';

/** What Chronos's runners share: its jobs and runs, the store, the driver, and the scheduler's tick. */
export interface ChronosContext {
  readonly config: ChronosConfig;
  readonly clock: Clock;
  readonly log: Logger;
  readonly store: ChronosStore;
  readonly jobs: Map<string, Job>;
  readonly states: Map<string, JobState>;
  readonly runs: RunBook;
  readonly due: DueIndex;
  driver(): SchedulerDriver | undefined;
  /** Queues what is due, launches what can run, and sleeps until the next due time. */
  tick(): Promise<void>;
  /** Queues a run (once per occurrence and attempt, ever) and stores it. */
  enqueue(job: string, due: number, attempt: number, args: string, notBefore?: number): Promise<void>;
  /** A run that will not start inside its window: gone from the books, its occurrence recorded as skipped. */
  skip(run: Run, why: string): Promise<void>;
  /** Stores a run that changed; a finished one moves to its job's history. */
  saveRun(run: Run): Promise<void>;
}
