export { grpcClientCredentials, peerRefused, schemeOf, serverTlsOptions, tlsFromEnv } from './tls-config';
export type { TlsConfig } from './tls-config';
export { createClusterCa, issueCertificate } from './cluster-ca';
export { clusterFetch, tlsFetch } from './tls-fetch';
export type { CertFiles } from './cluster-ca';
