// @strata/lib: the pieces every Strata service shares. Test helpers live in '@strata/lib/testing'
// (dist/testing) so they never load in a service.
export { StrataError, isStrataError, conflict } from './errors';
export type { ErrorDetail, StrataErrorOptions } from './errors';
export { createLogger, silentLogger } from './log';
export type { Logger } from './log';
export { createMetricsRegistry, Registry, Counter, Gauge, Histogram } from './metrics';
export { systemClock, ManualClock } from './time';
export type { Clock } from './time';
export { backoffDelay } from './backoff';
export type { BackoffPolicy } from './backoff';
export { atomicWriteFile } from './fs';
export { FileStateStore } from './state';
export type { StateStore, Versioned } from './state';
export { createHttpApp, finishHttpApp } from './http/app';
export { serveMuxed } from './net/mux-server';
export type { MuxServer } from './net/mux-server';
export * as res from './resources';
export type { Resources, Range, ReservedResources } from './resources';
export { ResourcesParseError, parseResources, parseReservedResources, formatResources } from './resources';
export { initialHealth, nextHealth } from './health/health-state';
export type { HealthState, HealthPolicy } from './health/health-state';
export { httpProbe, tcpProbe } from './health/probes';
export { stopOnSignals } from './process/run-service';
export { MinHeap } from './collections/min-heap';
export { TurnBatch, coalescingSender } from './collections/turn-batch';
export type { BatchKind, CoalescingSender } from './collections/turn-batch';
export { parsePort, runMain } from './process/cli';
export { percentile } from './stats/percentile';
