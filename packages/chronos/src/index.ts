export { IsoSchedule, CronSchedule, ScheduleError, planDue } from './schedule/schedule';
export type { Schedule, DuePlan } from './schedule/schedule';
