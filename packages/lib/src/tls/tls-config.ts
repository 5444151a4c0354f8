import { readFileSync } from 'node:fs';
import type * as tls from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { StrataError } from '../errors/strata-error';

/**
 * TLS as Mesos configures it, from libprocess's environment variables, so an operator's
 * existing setup carries over: LIBPROCESS_SSL_ENABLED, _CERT_FILE, _KEY_FILE, _CA_FILE and
 * _REQUIRE_CERT (agents must present a certificate from the CA). Every Strata process reads
 * the same variables: a listener serves TLS only, a client dials TLS and trusts the CA.
 */
export interface TlsConfig {
  cert: Buffer;
  key: Buffer;
  ca: Buffer;
  /** The master's agent channel accepts only clients with a certificate signed by the CA. */
  requireClientCert: boolean;
}

const truthy = (v: string | undefined) => v === '1' || v === 'true' || v === 'TRUE' || v === 'True';

/** The TLS configuration of this process, or undefined when LIBPROCESS_SSL_ENABLED is not set. */
export function tlsFromEnv(env: NodeJS.ProcessEnv = process.env): TlsConfig | undefined {
  if (!truthy(env.LIBPROCESS_SSL_ENABLED)) return undefined;
  const read = (name: string) => {
    const file = env[name];
    if (!file) throw new StrataError('INVALID_REQUEST', `LIBPROCESS_SSL_ENABLED is set but ${name} is not: TLS needs a certificate, its key and the CA`);
    try {
      return readFileSync(file);
    } catch (err) {
      throw new StrataError('INVALID_REQUEST', `cannot read ${name} ${file}: ${(err as Error).message}`, { cause: err });
    }
  };
  return { cert: read('LIBPROCESS_SSL_CERT_FILE'), key: read('LIBPROCESS_SSL_KEY_FILE'), ca: read('LIBPROCESS_SSL_CA_FILE'), requireClientCert: truthy(env.LIBPROCESS_SSL_REQUIRE_CERT) };
}

/**
 * A listener's options: its certificate, and a client certificate asked for (never required at
 * the handshake: frameworks, browsers and the CLI have none). A certificate that is presented
 * and not the CA's is refused by the caller (see `peerRefused`).
 */
export function serverTlsOptions(t: TlsConfig): tls.TlsOptions {
  return { cert: t.cert, key: t.key, ca: t.ca, requestCert: true, rejectUnauthorized: false, ALPNCallback: chooseProtocol, minVersion: 'TLSv1.2' };
}

/**
 * HTTP/2 only for a client that offers nothing else (gRPC clients: gRPC needs h2); a client that
 * can speak HTTP/1.1 (curl, browsers, Node's https) gets it, so its requests reach the JSON API
 * rather than the gRPC server that shares the port (found when `curl -k https://master:5050/…`
 * negotiated h2 and was answered 415 by grpc-js).
 */
export function chooseProtocol({ protocols }: { protocols: string[] }): string | undefined {
  if (protocols.includes('http/1.1')) return 'http/1.1';
  return protocols.includes('h2') ? 'h2' : undefined;
}

/** A connection that presented a certificate the CA did not sign: refused whatever it asks. */
export function peerRefused(socket: tls.TLSSocket): boolean {
  if (socket.authorized) return false;
  const cert = socket.getPeerCertificate();
  return !!cert && Object.keys(cert).length > 0;
}

/** The channel credentials of a gRPC client: TLS with the CA and this process's certificate, or plaintext without TLS. */
export function grpcClientCredentials(t: TlsConfig | undefined): grpc.ChannelCredentials {
  return t ? grpc.credentials.createSsl(t.ca, t.key, t.cert) : grpc.credentials.createInsecure();
}

/** http or https, as the cluster's listeners serve. */
export const schemeOf = (t: TlsConfig | undefined) => (t ? 'https' : 'http');
