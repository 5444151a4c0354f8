export { systemClock, ManualClock } from './clock';
export type { Clock, Timer } from './clock';
