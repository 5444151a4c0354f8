import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { createClusterCa, issueCertificate } from '@strata/lib';
import { tmpDir, waitFor } from '@strata/lib/testing';
import { taskInfo } from '@strata/sdk';
import { BINS, LocalCluster, ServiceProcess, TestFramework, httpsGet } from '../src';

jest.setTimeout(120_000);

/**
 * TLS on the master and agent listeners (HTTP and gRPC on one port), configured as Mesos's
 * libprocess is (LIBPROCESS_SSL_*), with a cluster CA made by the openssl CLI. Plaintext is
 * refused, and with LIBPROCESS_SSL_REQUIRE_CERT the agent channel takes only agents whose
 * certificate the cluster CA signed (mutual TLS).
 */
describe('TLS on every kernel listener, mutual TLS between master and agents', () => {
  const dir = tmpDir('strata-tls-');
  const ca = createClusterCa(path.join(dir.path, 'ca'));
  const node = issueCertificate(ca, path.join(dir.path, 'certs'), 'node', ['127.0.0.1', 'localhost']);
  const rogueCa = createClusterCa(path.join(dir.path, 'rogue-ca'), 'rogue');
  const rogue = issueCertificate(rogueCa, path.join(dir.path, 'rogue-certs'), 'agent', ['127.0.0.1', 'localhost']);
  const pem = { ca: readFileSync(ca.cert), cert: readFileSync(node.cert), key: readFileSync(node.key) };
  const env = (cert: { cert: string; key: string }, caFile = ca.cert) => ({ LIBPROCESS_SSL_ENABLED: '1', LIBPROCESS_SSL_CERT_FILE: cert.cert, LIBPROCESS_SSL_KEY_FILE: cert.key, LIBPROCESS_SSL_CA_FILE: caFile, LIBPROCESS_SSL_REQUIRE_CERT: '1' });
  const tls = { ...pem, requireClientCert: false };

  let cluster: LocalCluster;
  let agentPort: number;
  beforeAll(async () => {
    cluster = await LocalCluster.start({ agents: 1, env: env(node), tlsCa: pem.ca });
    agentPort = (cluster.agents[0]!.logs.find((l) => l.msg === 'agent listening') as { port: number }).port;
  });
  afterAll(async () => {
    await cluster?.stop();
    dir.remove();
  });

  it('the master and the agent answer https with the cluster CA, and refuse plaintext HTTP', async () => {
    expect((await httpsGet(`https://${cluster.masterAddress}/health`, { ca: pem.ca })).status).toBe(200);
    expect((await httpsGet(`https://127.0.0.1:${agentPort}/health`, { ca: pem.ca })).status).toBe(200);
    for (const base of [`http://${cluster.masterAddress}`, `http://127.0.0.1:${agentPort}`]) {
      await expect(fetch(`${base}/health`, { signal: AbortSignal.timeout(5_000) })).rejects.toThrow();
    }
    // A client that does not trust the CA does not get through either.
    await expect(httpsGet(`https://${cluster.masterAddress}/health`, { ca: readFileSync(rogueCa.cert) })).rejects.toThrow(/self-signed|unable to verify|certificate/);
  });

  it('a raw plaintext connection to the master gets no HTTP answer: the TLS listener drops it', async () => {
    const [host, port] = cluster.masterAddress.split(':');
    const answer = await new Promise<string>((resolve) => {
      const s = net.connect(Number(port), host!, () => s.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n'));
      let got = '';
      s.on('data', (d) => (got += d.toString('latin1')));
      s.on('close', () => resolve(got));
      s.on('error', () => resolve(got));
      s.setTimeout(5_000, () => s.destroy());
    });
    expect(answer).not.toMatch(/^HTTP\/1\.1 200/);
  });

  it('the agent registered over mutual TLS; frameworks subscribe over TLS and run tasks; a plaintext framework cannot', async () => {
    expect((await cluster.state()).slaves.map((s) => s.active)).toEqual([true]);
    const f = new TestFramework(cluster.masterAddress, {}, undefined, tls);
    try {
      await f.driver.subscribe(10_000);
      const o = await f.nextOffer();
      f.driver.launch([o.id!.value], [taskInfo(o, { id: 'over-tls', command: 'true', cpus: 0.1, mem: 32 })]);
      await f.waitForState('over-tls', 'TASK_FINISHED');
    } finally {
      f.close();
    }
    const plain = new TestFramework(cluster.masterAddress, {}, undefined, null);
    try {
      await expect(plain.driver.subscribe(3_000)).rejects.toThrow();
    } finally {
      plain.close();
    }
  });

  it('an agent with a certificate from another CA cannot register, even trusting the cluster CA', async () => {
    const intruder = ServiceProcess.start('agent-rogue', BINS.agent, ['--master', cluster.masterAddress, '--ip', '127.0.0.1', '--port', '0', '--hostname', '127.0.0.1', '--work-dir', path.join(dir.path, 'rogue-agent'), '--resources', 'cpus:1;mem:256'], env(rogue, ca.cert));
    try {
      await waitFor(() => intruder.logs.filter((l) => l.msg === 'cannot reach the leading master').length >= 2 || undefined, { what: 'the rogue agent to be refused twice', timeoutMs: 20_000 });
      expect(intruder.logs.some((l) => l.msg === 'agent registered')).toBe(false);
      // Refused by the master, for its certificate (the agent itself trusts the master's).
      expect(cluster.master.logs.find((l) => l.msg === 'TLS client certificate refused')).toMatchObject({ why: expect.stringMatching(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|unable to verify|self.signed|certificate/i) });
    } finally {
      await intruder.stop();
    }
    expect((await cluster.state()).slaves).toHaveLength(1);
  });
});
