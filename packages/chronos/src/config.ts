export interface ChronosConfig {
  master: string;
  hostname: string;
  httpPort: number;
  failoverTimeoutSeconds: number;
  /** Delay before a failed run is retried (Chronos: --failure_retry, 60 s). */
  failureRetryMs: number;
  /** Runs kept per job for /job/stat. */
  historyPerJob: number;
  /** Origins allowed to call the API from a browser (CORS); none by default. */
  corsOrigins?: string[];
}
