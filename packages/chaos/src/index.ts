// @strata/chaos: a Jepsen-style run. The history a run records, the checkers that judge it (pure),
// the hosts (network namespaces) and cluster it runs on, the workload and the nemesis.
export { History, operations, faults, observations, faultDuring } from './history/history';
export type { HistoryData, HistoryEntry, Operation, FaultEvent, Observation, Outcome } from './history/history';
export type { CheckerVerdict, Violation } from './checkers/verdict';
export { checkChronosRuns, parseRunLines, targetsOf } from './checkers/chronos-runs';
export type { ScheduledJob, ObservedRun, Target, ChronosVerdict, JobVerdict } from './checkers/chronos-runs';
export { checkChronos } from './checkers/chronos';
export type { JobCounts } from './checkers/chronos';
export { checkMarathon, possibleStates } from './checkers/marathon';
export type { AppSpec, AppReading, AppOpValue } from './checkers/marathon';
export { checkKernel } from './checkers/kernel';
export type { TaskOpValue, UpdateSeen, AgentReading, KernelFinal } from './checkers/kernel';
export { readingOf } from './workload/marathon-workload';
export { chaosRun } from './run';
export type { ChaosRunOptions, ChaosReport } from './run';
export { HostNetwork } from './hosts/host-network';
export type { Host } from './hosts/host-network';
export { shortPlan, randomPlan, planSpan } from './nemesis/plan';
export type { PlannedFault, FaultKind } from './nemesis/plan';
export { renderTimeline } from './report/timeline';
export { evidence } from './report/evidence';
