import type { Credentials, HttpSecurity, RateLimit, TlsConfig, TokenIssuer } from '@strata/lib';

export interface GatewayConfig {
  /** Where it listens (default 0.0.0.0:8000, DC/OS's Admin Router's port is 80; Strata's is 8000). */
  host: string;
  port: number;
  /** The masters: host:port, a comma-separated list, or etcd://…/NAME. */
  master: string;
  /** Base URLs of the Marathon and Chronos instances (any of them: standbys forward to their leader). */
  marathon: string[];
  chronos: string[];
  /** The web UI's built files, served at / (none: / answers with the route index). */
  uiDir?: string;
  /** Authentication (--authenticate): every route asks, but /health, the login and the UI's files. */
  security?: HttpSecurity;
  /** With these, POST /acs/api/v1/auth/login signs tokens (--credentials and --token-private-key). */
  login?: { credentials: Credentials; issuer: TokenIssuer };
  /** The gateway's own Authorization for what it reads itself (agents, services): Mesos's --credential. */
  credentialHeader?: string;
  /** TLS (LIBPROCESS_SSL_*): its listener serves TLS, and it reaches the master, agents and frameworks over TLS with its certificate. */
  tls?: TlsConfig;
  /** Writes per principal (--rate-limit), before anything is forwarded. */
  rateLimit?: RateLimit;
}
