export { IsoSchedule, CronSchedule, ScheduleError, planDue } from './schedule/schedule';
export type { Schedule, DuePlan } from './schedule/schedule';
export { startChronos } from './server';
export type { RunningChronos } from './server';
export { Chronos } from './chronos';
export type { ChronosConfig } from './config';
export type { Run, JobState } from './model/run';
export { parseJob, JobValidationError } from './model/job';
export type { Job } from './model/job';
