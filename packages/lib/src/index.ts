// @strata/lib: the pieces every Strata service shares. Test helpers live in '@strata/lib/testing'
// (dist/testing) so they never load in a service. Pure code (allocator, planners, schedules)
// imports the I/O-free parts by subpath (@strata/lib/resources, /errors, /collections,
// /validation, /backoff, /time): this barrel loads express and grpc-js.
export { StrataError, isStrataError, conflict } from './errors';
export type { ErrorDetail, StrataErrorOptions, ErrorCode } from './errors';
export { ERROR_CATALOGUE } from './errors';
export { createLogger, silentLogger } from './log';
export type { Logger } from './log';
export { createMetricsRegistry, Registry, Counter, Gauge, Histogram } from './metrics';
export { systemClock, ManualClock } from './time';
export type { Clock, Timer } from './time';
export { backoffDelay } from './backoff';
export type { BackoffPolicy } from './backoff';
export { atomicWriteFile } from './fs';
export { FileStateStore, timedStore } from './state';
export type { StateStore, Versioned } from './state';
export { createHttpApp, finishHttpApp, untilLoaded, listenHttp, keepConnections, KEEP_ALIVE_MS } from './http/app';
export type { HttpAppOptions, ListeningServer } from './http/app';
export { httpErrorOf, reasonPhrase, strataErrorShape } from './http/errors';
export type { ErrorShape, HttpError } from './http/errors';
export { jsonBody, jsonDepth, MAX_JSON_DEPTH } from './http/json-body';
export { roleProblem, MAX_ROLE_LENGTH, sandboxPathProblem } from './validation';
export { serveMuxed } from './net/mux-server';
export { freePort, freePortRange, portBindable } from './net/free-port';
export type { MuxServer } from './net/mux-server';
export * as res from './resources';
export type { Resources, Range, ReservedResources } from './resources';
export { ResourcesParseError, parseResources, parseReservedResources, formatResources } from './resources';
export { initialHealth, nextHealth } from './health/health-state';
export type { HealthState, HealthPolicy } from './health/health-state';
export { httpProbe, tcpProbe } from './health/probes';
export { stopOnSignals } from './process/run-service';
export { testHook } from './process/test-hooks';
export type { TestHook } from './process/test-hooks';
export { MinHeap } from './collections/min-heap';
export { jsonEqual } from './collections/json-equal';
export { TurnBatch, coalescingSender } from './collections/turn-batch';
export type { BatchKind, CoalescingSender } from './collections/turn-batch';
export { parsePort, parseSeconds, runMain } from './process/cli';
export { percentile } from './stats/percentile';
export { STRATA_VERSION } from './version';
export * from './security';
export { routesOf } from './http/routes';
export type { RouteEntry } from './http/routes';
export * from './tls';
export { TokenBuckets, rateLimitWrites } from './http/rate-limit';
export type { RateLimit } from './http/rate-limit';
