// The pure part of health checking (probes do I/O and are exported by the barrel only).
export { initialHealth, nextHealth } from './health-state';
export type { HealthState, HealthPolicy } from './health-state';
