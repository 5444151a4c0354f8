import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as http from 'node:http';
import * as https from 'node:https';
import { performance } from 'node:perf_hooks';
import { Authenticator, TokenIssuer, type TlsConfig, TokenVerifier, authorizationFor, createClusterCa, generateTokenKeys, issueCertificate, parseCredentials } from '@strata/lib';
import { tmpDir, waitFor } from '@strata/lib/testing';
import { taskInfo } from '@strata/sdk';
import { LocalCluster } from '../cluster';
import { MarathonProcess } from '../marathon-process';
import { TestFramework } from '../test-framework';
import { round, summary } from './stats';

/** One launch (accept sent -> TASK_FINISHED seen) of a `true` task on `f`. */
async function launchOnce(f: TestFramework, id: string): Promise<number> {
  const offer = await f.nextOffer();
  const done = f.waitForState(id, 'TASK_FINISHED', 30_000);
  const t0 = performance.now();
  f.driver.launch([offer.id!.value], [taskInfo(offer, { id, command: 'true', cpus: 0.01, mem: 1 })], { refuseSeconds: 0 });
  await done;
  return performance.now() - t0;
}

// One client for both sides (Node's http/https with kept-alive connections), so the ratio is the server's.
const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

function timedGet(url: string, headers: Record<string, string>, tls?: TlsConfig): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const options = { headers, ...(tls ? { agent: agents.https, ca: tls.ca, cert: tls.cert, key: tls.key } : { agent: agents.http }) };
    const req = (tls ? https : http).get(url, options, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - t0) : reject(new Error(`${url}: HTTP ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** µs per call of `fn`, over `n` calls after a warm-up. */
async function perCallUs(n: number, fn: () => unknown): Promise<number> {
  for (let i = 0; i < Math.min(200, n); i++) await fn();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return round(((performance.now() - t0) * 1000) / n, 1);
}

/**
 * The cost of security (issue 17), in one run: two clusters side by side, one open, one with
 * everything on (authentication of every request and of the gRPC channels, Mesos ACLs with
 * permissive false, Marathon's per-path permissions, TLS with mutual TLS to the agents), measured
 * interleaved so both see the same machine noise. Plus the per-request price of checking a
 * token and a Basic secret.
 */
export async function securityBench(opts: { launches: number; gets: number; apps: number }) {
  const dir = tmpDir('strata-bench-security-');
  const ca = createClusterCa(path.join(dir.path, 'ca'));
  const node = issueCertificate(ca, path.join(dir.path, 'certs'), 'node', ['127.0.0.1', 'localhost']);
  const tlsEnv = { LIBPROCESS_SSL_ENABLED: '1', LIBPROCESS_SSL_CERT_FILE: node.cert, LIBPROCESS_SSL_KEY_FILE: node.key, LIBPROCESS_SSL_CA_FILE: ca.cert, LIBPROCESS_SSL_REQUIRE_CERT: '1' };
  const tls = { ca: readFileSync(ca.cert), cert: readFileSync(node.cert), key: readFileSync(node.key), requireClientCert: false };
  const files = { credentials: path.join(dir.path, 'credentials'), acls: path.join(dir.path, 'acls.json'), permissions: path.join(dir.path, 'permissions.json'), agent: path.join(dir.path, 'agent.credential'), secret: path.join(dir.path, 'ops.secret') };
  writeFileSync(files.credentials, 'ops ops-secret\nagent agent-secret\n');
  writeFileSync(files.agent, 'agent agent-secret');
  writeFileSync(files.secret, 'ops-secret');
  const any = { type: 'ANY' };
  writeFileSync(
    files.acls,
    JSON.stringify({ permissive: false, register_frameworks: [{ principals: { values: ['ops'] }, roles: any }], run_tasks: [{ principals: { values: ['ops'] }, users: any }], register_agents: [{ principals: { values: ['agent'] }, agents: any }] }),
  );
  // A grant on the whole tree, not superuser: every app is checked against a path rule.
  writeFileSync(files.permissions, JSON.stringify({ permissions: [{ principal: 'ops', resource: 'dcos:service:marathon:marathon:services:/', actions: 'full' }] }));
  const ops = authorizationFor({ kind: 'basic', principal: 'ops', secret: 'ops-secret' });
  const auth = ['--authenticate', '--credentials', files.credentials];
  const resources = 'cpus:8;mem:8192;disk:1024;ports:[31000-31100]';

  const open = await LocalCluster.start({ agents: 1, resources });
  const secure = await LocalCluster.start({ agents: 1, resources, env: tlsEnv, tlsCa: tls.ca, authorization: ops, masterArgs: [...auth, '--acls', files.acls], agentArgs: [...auth, '--credential', files.agent] });
  let openFw: TestFramework | undefined;
  let secureFw: TestFramework | undefined;
  const marathons: MarathonProcess[] = [];
  try {
    openFw = await TestFramework.subscribe(open.masterAddress, { name: 'bench-open' }, undefined, null);
    secureFw = await TestFramework.subscribe(secure.masterAddress, { name: 'bench-secure', principal: 'ops' }, ops, tls);
    const launch = { open: [] as number[], secure: [] as number[] };
    for (let i = 0; i < opts.launches + 10; i++) {
      const o = await launchOnce(openFw, `o-${i}`);
      const s = await launchOnce(secureFw, `s-${i}`);
      if (i >= 10) {
        launch.open.push(o);
        launch.secure.push(s);
      }
    }

    // Marathon: open, and with authentication + per-path permissions, subscribed to its master over mutual TLS with its principal.
    const mOpen = await MarathonProcess.start(open);
    marathons.push(mOpen);
    const mSecure = await MarathonProcess.start(secure, [...auth, '--permissions', files.permissions, '--mesos-authentication-principal', 'ops', '--mesos-authentication-secret-file', files.secret], tlsEnv);
    mSecure.authorization = ops;
    marathons.push(mSecure);
    for (const m of [mOpen, mSecure]) {
      await waitFor(async () => (await m.call('GET', '/v2/info')).body?.frameworkId, { what: 'marathon subscribed', timeoutMs: 30_000 });
      for (let i = 0; i < opts.apps; i++) {
        const r = await m.call('POST', '/v2/apps', { id: `/bench/team${i % 10}/app-${i}`, cmd: 'sleep 1000', cpus: 0.01, mem: 1, instances: 0, labels: { i: String(i) } });
        if (r.status !== 201) throw new Error(`creating an app: HTTP ${r.status}`);
      }
    }
    // Both at rest before the clock starts: the 200 deployments just made are still being
    // finished and stored, by the Marathon created last the longest, which weighed on its side.
    for (const m of [mOpen, mSecure]) await waitFor(async () => ((await m.call('GET', '/v2/deployments')).body as unknown[]).length === 0, { what: 'no deployment in progress', timeoutMs: 60_000 });
    const gets = { open: [] as number[], secure: [] as number[] };
    // The warm-up lets both compile their hot paths: steady state is what is compared.
    const warmUp = 200;
    for (let i = 0; i < opts.gets + warmUp; i++) {
      const o = await timedGet(`${mOpen.base}/v2/apps`, {});
      const s = await timedGet(`${mSecure.base}/v2/apps`, { authorization: ops }, tls);
      if (i >= warmUp) {
        gets.open.push(o);
        gets.secure.push(s);
      }
    }

    // The per-request price of authentication, in process: a token's signature check and a Basic secret's.
    const keys = generateTokenKeys();
    const issued = (await new TokenIssuer(keys.privateKey).issue('ops')).token;
    const verifier = new TokenVerifier(keys.publicKey);
    const authenticator = new Authenticator({ credentials: parseCredentials('ops ops-secret'), verifier });
    // First sight of a token pays the Ed25519 check; the same token again is a lookup (TokenVerifier keeps what it verified).
    const tokenIssuer = new TokenIssuer(keys.privateKey);
    const distinct = await Promise.all(Array.from({ length: 2_000 }, (_, i) => tokenIssuer.issue(`p${i}`).then((t) => t.token)));
    const fresh = new TokenVerifier(keys.publicKey);
    let next = 0;
    const tokenFirstUs = await perCallUs(1_800, () => fresh.verify(distinct[next++]!));
    const tokenUs = await perCallUs(5_000, () => verifier.verify(issued));
    const viaHeaderUs = await perCallUs(5_000, () => authenticator.principalOf(`token=${issued}`));
    const basicUs = await perCallUs(20_000, () => authenticator.principalOf(ops));

    const lo = summary(launch.open);
    const ls = summary(launch.secure);
    const go = summary(gets.open);
    const gs = summary(gets.secure);
    return {
      what: 'open cluster vs one with authentication (HTTP and gRPC), ACLs (permissive false), per-path permissions and TLS (mutual to the agents), interleaved',
      launch_ms: { open: lo, secure: ls, ratio_p50: round(ls.p50 / lo.p50, 2), ratio_p99: round(ls.p99 / lo.p99, 2) },
      get_v2_apps_ms: { apps: opts.apps, open: go, secure: gs, ratio_p50: round(gs.p50 / go.p50, 2), ratio_p99: round(gs.p99 / go.p99, 2) },
      token_verify_first_us: tokenFirstUs,
      token_verify_again_us: tokenUs,
      token_header_authenticate_us: viaHeaderUs,
      basic_authenticate_us: basicUs,
      note: 'GET /v2/apps: the same client (kept-alive connections) on both sides; the secure one over TLS with authentication and per-path permissions',
      goal: 'ratio_p50 < 1.1 for launches and GET /v2/apps',
      goal_met: ls.p50 / lo.p50 < 1.1 && gs.p50 / go.p50 < 1.1,
    };
  } finally {
    openFw?.close();
    secureFw?.close();
    for (const m of marathons) await m.stop();
    await open.stop();
    await secure.stop();
    dir.remove();
  }
}
