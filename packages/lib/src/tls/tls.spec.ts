import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { tmpDir } from '../testing';
import { createClusterCa, issueCertificate } from './cluster-ca';
import { chooseProtocol, tlsFromEnv } from './tls-config';

describe('TLS configuration and the cluster CA', () => {
  const dir = tmpDir('strata-tls-unit-');
  afterAll(() => dir.remove());
  const ca = createClusterCa(path.join(dir.path, 'ca'));

  it('issues certificates the CA signed, for the hosts asked, usable by servers and clients', () => {
    const c = issueCertificate(ca, path.join(dir.path, 'certs'), 'master', ['127.0.0.1', 'localhost', 'm1.example']);
    const cert = new X509Certificate(readFileSync(c.cert));
    const issuer = new X509Certificate(readFileSync(ca.cert));
    expect(cert.checkIssued(issuer)).toBe(true);
    expect(cert.verify(issuer.publicKey)).toBe(true);
    expect(cert.subjectAltName).toBe('IP Address:127.0.0.1, DNS:localhost, DNS:m1.example');
    expect(cert.keyUsage).toEqual(expect.arrayContaining(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'])); // serverAuth, clientAuth
    expect(issuer.ca).toBe(true);
    const other = createClusterCa(path.join(dir.path, 'other'), 'other');
    expect(cert.checkIssued(new X509Certificate(readFileSync(other.cert)))).toBe(false);
  });

  it('keeps an existing CA rather than minting a new one (certificates issued earlier stay valid)', () => {
    const before = readFileSync(ca.cert, 'utf8');
    createClusterCa(path.join(dir.path, 'ca'));
    expect(readFileSync(ca.cert, 'utf8')).toBe(before);
  });

  it("reads Mesos's LIBPROCESS_SSL_* variables, and says what is missing", () => {
    expect(tlsFromEnv({})).toBeUndefined();
    expect(tlsFromEnv({ LIBPROCESS_SSL_ENABLED: 'false' })).toBeUndefined();
    expect(() => tlsFromEnv({ LIBPROCESS_SSL_ENABLED: '1' })).toThrow(/LIBPROCESS_SSL_CERT_FILE is not/);
    expect(() => tlsFromEnv({ LIBPROCESS_SSL_ENABLED: 'true', LIBPROCESS_SSL_CERT_FILE: '/nope', LIBPROCESS_SSL_KEY_FILE: ca.key, LIBPROCESS_SSL_CA_FILE: ca.cert })).toThrow(/cannot read LIBPROCESS_SSL_CERT_FILE \/nope/);
    const t = tlsFromEnv({ LIBPROCESS_SSL_ENABLED: 'true', LIBPROCESS_SSL_CERT_FILE: ca.cert, LIBPROCESS_SSL_KEY_FILE: ca.key, LIBPROCESS_SSL_CA_FILE: ca.cert, LIBPROCESS_SSL_REQUIRE_CERT: '1' });
    expect(t?.requireClientCert).toBe(true);
    expect(t?.ca.toString()).toContain('BEGIN CERTIFICATE');
  });

  it('negotiates h2 only with a client that offers nothing else (gRPC), HTTP/1.1 with any that can speak it (curl, browsers)', () => {
    expect(chooseProtocol({ protocols: ['h2'] })).toBe('h2');
    expect(chooseProtocol({ protocols: ['h2', 'http/1.1'] })).toBe('http/1.1');
    expect(chooseProtocol({ protocols: ['http/1.1'] })).toBe('http/1.1');
    expect(chooseProtocol({ protocols: ['spdy/3'] })).toBeUndefined();
  });
});
