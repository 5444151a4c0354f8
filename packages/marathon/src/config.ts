import type { MasterCredential } from '@strata/sdk';
import type { MarathonLimits } from './model/limits';

export interface MarathonConfig {
  master: string;
  /** Who it subscribes as when the master authenticates (--mesos-authentication-principal and -secret-file). */
  masterCredential?: MasterCredential;
  hostname: string;
  httpPort: number;
  /** Seconds the master keeps our tasks when we disconnect (Marathon: --failover_timeout, 1 week). */
  failoverTimeoutSeconds: number;
  /** How long declined offers stay filtered when nothing needs launching (Marathon: --decline_offer_duration 120 s). */
  declineOfferSeconds: number;
  localPortMin: number;
  localPortMax: number;
  /** Upper bounds of the API (default DEFAULT_LIMITS). */
  limits?: MarathonLimits;
  /** Most /v2/events streams open at once (default 256); more are refused with 503. */
  maxEventStreams?: number;
  /** Most /v2/events streams one authenticated principal may hold at once (default 32). */
  maxEventStreamsPerPrincipal?: number;
  /** How often every task is reconciled with the master (Marathon: --reconciliation_interval, 10 min). */
  reconcileIntervalMs?: number;
}
