import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { StrataError } from '../errors/strata-error';

/** Files of a certificate: the certificate and its private key (PEM). */
export interface CertFiles {
  cert: string;
  key: string;
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const why = (err as { stderr?: Buffer }).stderr?.toString().trim() || (err as Error).message;
    throw new StrataError('INTERNAL', `openssl ${args[0]} failed: ${why}`, { cause: err });
  }
}

/**
 * A cluster's own certificate authority, made with the openssl CLI (no hand-written crypto):
 * an EC P-256 key and a self-signed CA certificate, kept if they already exist in `dir`.
 */
export function createClusterCa(dir: string, name = 'strata'): CertFiles {
  mkdirSync(dir, { recursive: true });
  const ca = { cert: path.join(dir, 'ca.crt'), key: path.join(dir, 'ca.key') };
  if (existsSync(ca.cert) && existsSync(ca.key)) return ca;
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', ca.key, '-out', ca.cert, '-days', '3650', '-subj', `/CN=${name} cluster CA`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  return ca;
}

/**
 * A certificate signed by `ca` for `name`, valid for `hosts` (IP addresses and DNS names, as
 * subjectAltName): both a server and a client certificate, as each service is both.
 */
export function issueCertificate(ca: CertFiles, dir: string, name: string, hosts: string[]): CertFiles {
  mkdirSync(dir, { recursive: true });
  const out = { cert: path.join(dir, `${name}.crt`), key: path.join(dir, `${name}.key`) };
  const csr = path.join(dir, `${name}.csr`);
  const ext = path.join(dir, `${name}.ext`);
  const san = hosts.map((h) => (/^[\d.]+$|:/.test(h) ? `IP:${h}` : `DNS:${h}`)).join(',');
  writeFileSync(ext, `subjectAltName=${san}\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=critical,digitalSignature\n`);
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', out.key, '-out', csr, '-subj', `/CN=${name}`], dir);
  openssl(['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', out.cert, '-days', '825', '-extfile', ext], dir);
  return out;
}
