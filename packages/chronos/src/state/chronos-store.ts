import type { StateStore } from '@strata/lib';
import type { Job } from '../model/job';
import type { JobState, Run } from '../model/run';

const JOBS = 'jobs/';
const STATES = 'state/';
const RUNS = 'runs/';
const FRAMEWORK_ID = 'chronos/framework-id';
const runKey = (id: string) => `${RUNS}${id.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 200)}`;

/**
 * Chronos's records in its state store, and the only place that knows the keys. A job's
 * definition is flushed to disk; its counters, state and runs change at the rate jobs run and
 * need crash safety of the process, not a disk flush each (durable: false).
 */
export class ChronosStore {
  constructor(private readonly store: StateStore) {}

  async load(): Promise<{ jobs: Job[]; states: [string, JobState][]; runs: Run[]; frameworkId?: string }> {
    const jobs = (await this.store.list<Job>(JOBS)).map((e) => e.value);
    const states = (await this.store.list<JobState>(STATES)).map((e): [string, JobState] => [e.key.slice(STATES.length), e.value]);
    const runs = (await this.store.list<Run>(RUNS)).map((e) => e.value);
    const frameworkId = (await this.store.get<string>(FRAMEWORK_ID))?.value;
    return { jobs, states, runs, frameworkId };
  }

  async putJob(job: Job): Promise<void> {
    await this.store.put(JOBS + job.name, job);
  }

  async putBookkeeping(job: Job): Promise<void> {
    await this.store.put(JOBS + job.name, job, { durable: false });
  }

  async deleteJob(name: string): Promise<void> {
    await this.store.delete(JOBS + name);
  }

  async putState(name: string, state: JobState): Promise<void> {
    await this.store.put(STATES + name, state, { durable: false });
  }

  async deleteState(name: string): Promise<void> {
    await this.store.delete(STATES + name);
  }

  async putRun(run: Run): Promise<void> {
    await this.store.put(runKey(run.id), run, { durable: false });
  }

  async deleteRun(id: string): Promise<void> {
    await this.store.delete(runKey(id));
  }

  async putFrameworkId(id: string): Promise<void> {
    await this.store.put(FRAMEWORK_ID, id);
  }
}
