import type { MasterCredential } from '@strata/sdk';

export interface ChronosConfig {
  master: string;
  /** Who it subscribes as when the master authenticates (--mesos-authentication-principal and -secret-file). */
  masterCredential?: MasterCredential;
  hostname: string;
  httpPort: number;
  failoverTimeoutSeconds: number;
  /** Delay before a failed run is retried (Chronos: --failure_retry, 60 s). */
  failureRetryMs: number;
  /** Runs kept per job for /job/stat. */
  historyPerJob: number;
  /**
   * How often runs still launching or running are reconciled with the master (default 10 s):
   * an answer lost with a master, or a launch lost with a partition, would leave a run
   * "launching" for ever and its job busy.
   */
  reconcileIntervalMs?: number;
  /** Origins allowed to call the API from a browser (CORS); none by default. */
  corsOrigins?: string[];
}
