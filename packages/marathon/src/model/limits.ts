/**
 * Every upper bound Marathon's API enforces, in one place. Marathon itself has few; these exist
 * because a single request with `"instances": 1000000000` once made Marathon run out of memory on
 * every start. `maxInstances` is configurable (--max-instances-per-app); the rest follow from the
 * platform: Node's timers hold at most 2^31-1 ms, file names 255 bytes.
 */
export interface MarathonLimits {
  /** Instances one app may ask for (and a group's scaleBy may reach). */
  maxInstances: number;
}

export const DEFAULT_LIMITS: MarathonLimits = { maxInstances: 10_000 };

/** Longest app or group id. Ids name state files and task ids; Mesos's ids are used in paths too. */
export const MAX_ID_LENGTH = 255;

/** Longest duration in seconds a timer can wait (2^31-1 ms): longer health-check intervals fired every millisecond. */
export const MAX_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** Most entries of one list field (ports, checks, constraints, fetch URIs, dependencies) in one app. */
export const MAX_LIST = 1_000;
