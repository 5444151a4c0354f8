import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { freePort, freePortRange } from '@strata/lib';
import { tmpDir, waitFor } from '@strata/lib/testing';
import { BINS, StrataUp, isAlive, pidsOfTask } from '../src';

jest.setTimeout(120_000);

/**
 * `strata up` supervises like an init system: SIGKILL of the master or of Marathon restarts that
 * one service, the rest and every task run on with the same ids; Ctrl-C still stops everything.
 */
describe('strata up', () => {
  const dir = tmpDir('strata-up-');
  let up: StrataUp | undefined;
  afterAll(() => {
    up?.kill();
    dir.remove();
  });

  it('restarts a crashed service and keeps the tasks; Ctrl-C stops everything', async () => {
    const [masterPort, agentPort, marathonPort, gatewayPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    up = new StrataUp(['--work-dir', dir.path, '--ip', '127.0.0.1', '--master-port', String(masterPort), '--agent-port', String(agentPort), '--marathon-port', String(marathonPort), '--gateway-port', String(gatewayPort), '--no-chronos', '--resources', 'cpus:2;mem:1024;disk:1024;ports:[31000-31100]']);
    await up.ready();
    const pids = up.pids();
    const marathon = `http://127.0.0.1:${marathonPort}`;
    const master = `http://127.0.0.1:${masterPort}`;
    const running = async () => ((await (await fetch(`${marathon}/v2/apps/sv/tasks`)).json()) as { tasks: { id: string; state: string }[] }).tasks.filter((t) => t.state === 'TASK_RUNNING').map((t) => t.id).sort();
    const masterTasks = async () => ((await (await fetch(`${master}/master/state`)).json()) as { frameworks: { tasks: { id: string; state: string }[] }[] }).frameworks.flatMap((f) => f.tasks).filter((t) => t.state === 'TASK_RUNNING').map((t) => t.id).sort();

    expect((await fetch(`${marathon}/v2/apps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: '/sv', cmd: 'sleep 100000', cpus: 0.1, mem: 16, instances: 2 }) })).status).toBe(201);
    const ids = await waitFor(async () => {
      const r = await running();
      return r.length === 2 ? r : undefined;
    }, { what: 'two tasks', timeoutMs: 30_000 });
    // The gateway is part of the cluster: the UI and the APIs on one origin.
    const gateway = `http://127.0.0.1:${gatewayPort}`;
    expect(up.out).toContain(`gateway    http       127.0.0.1:${gatewayPort}`);
    expect(((await (await fetch(`${gateway}/marathon/v2/apps/sv`)).json()) as { app: { instances: number } }).app.instances).toBe(2);
    expect(((await (await fetch(`${gateway}/mesos/master/state`)).json()) as { slaves: unknown[] }).slaves).toHaveLength(1);
    expect(await (await fetch(`${gateway}/`)).text()).toMatch(/<script[^>]+app\.js/);

    for (const name of ['master', 'marathon']) {
      const old = pids[name]!;
      process.kill(old, 'SIGKILL');
      await waitFor(() => up!.err.includes(`${name} restarted`), { what: `${name} restarted`, timeoutMs: 30_000 });
      up.err = up.err.replace(`${name} restarted`, `${name} was restarted`);
      expect(up.proc.exitCode).toBeNull();
      await waitFor(async () => JSON.stringify(await masterTasks()) === JSON.stringify(ids) && JSON.stringify(await running()) === JSON.stringify(ids), { what: `the same tasks after ${name} came back`, timeoutMs: 30_000 }).catch(async (e) => {
        throw new Error(`${e.message}: ${JSON.stringify({ ids, master: await masterTasks().catch(() => 'down'), marathon: await running().catch(() => 'down') })}`);
      });
    }
    expect(up.err).toMatch(/master exited \(SIGKILL\); restarting it in/);

    expect(Object.keys(pids)).toContain('gateway');
    const children = () => Object.values(pids).filter((p) => p !== pids.master && p !== pids.marathon);
    expect(await up.interrupt()).toBe(0);
    for (const p of children()) expect(isAlive(p)).toBe(false);
    await expect(fetch(`${master}/health`)).rejects.toThrow();
    // The agents killed their tasks on the way down (SIGUSR1): no task process is left.
    for (const id of ids) expect(pidsOfTask(id)).toEqual([]);
  });

  it('a planned port already in use: it says which one and which flag moves it, and starts nothing', async () => {
    const busy = net.createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const taken = (busy.address() as net.AddressInfo).port;
    const work = tmpDir('strata-up-busy-');
    try {
      const p = new StrataUp(['--work-dir', work.path, '--ip', '127.0.0.1', '--master-port', String(await freePort()), '--agent-port', String(await freePort()), '--marathon-port', String(taken), '--no-chronos', '--no-gateway']);
      await waitFor(() => p.proc.exitCode !== null || undefined, { what: 'strata up to refuse', timeoutMs: 20_000 });
      expect(p.proc.exitCode).toBe(1);
      expect(p.err).toContain(`port ${taken} on 127.0.0.1 (for marathon) is in use; choose another with --marathon-port`);
      expect(p.out).not.toContain('Strata is up');
      // Nothing was started: no service wrote a log.
      expect(existsSync(path.join(work.path, 'logs', 'master.log'))).toBe(false);
    } finally {
      busy.close();
      work.remove();
    }
  });

  it('--ha: etcd, three masters, two of each framework; a SIGKILLed leader is replaced and restarted; the API answers through any instance; Ctrl-C stops everything', async () => {
    const ha = tmpDir('strata-up-ha-');
    try {
      // --ha derives ports from each base (masters and etcd members 100 apart, standbys next door): one free block holds them all.
      const base = await freePortRange(260);
      const [masterPort, agentPort, marathonPort, chronosPort, gatewayPort, etcdPort] = [base, base + 10, base + 20, base + 30, base + 40, base + 50];
      const p = new StrataUp(['--ha', '--work-dir', ha.path, '--ip', '127.0.0.1', '--master-port', String(masterPort), '--agent-port', String(agentPort), '--marathon-port', String(marathonPort), '--chronos-port', String(chronosPort), '--etcd-port', String(etcdPort), '--gateway-port', String(gatewayPort), '--resources', 'cpus:2;mem:1024;disk:1024;ports:[31000-31100]']);
      try {
        await p.ready(90_000);
        const pids = p.pids();
        expect(Object.keys(pids).sort()).toEqual(['agent-0', 'chronos-0', 'chronos-1', 'etcd0', 'etcd1', 'etcd2', 'gateway', 'marathon-0', 'marathon-1', 'master-0', 'master-1', 'master-2']);
        const masterUrl = /--master\s+(etcd:\/\/\S+)/.exec(p.out)![1]!;
        const masters = [0, 1, 2].map((i) => `127.0.0.1:${masterPort + 100 * i}`);
        const leading = async () => {
          const hs = await Promise.all(masters.map((m) => fetch(`http://${m}/health`).then((r) => r.json() as Promise<{ leading: boolean }>).catch(() => undefined)));
          const l = masters.filter((_, i) => hs[i]?.leading);
          return l.length === 1 ? l[0] : undefined;
        };
        const first = await waitFor(leading, { what: 'a leading master' });
        const idx = masters.indexOf(first);
        process.kill(pids[`master-${idx}`]!, 'SIGKILL');
        await waitFor(async () => (await leading()) && (await leading()) !== first, { what: 'another master leading', timeoutMs: 15_000 });
        await waitFor(() => p.err.includes(`master-${idx} restarted`), { what: 'the killed master restarted by the supervisor', timeoutMs: 30_000 });
        // Through the standby Marathon: proxied to the leader.
        const standby = `http://127.0.0.1:${marathonPort + 1}`;
        // A loaded machine can let a Marathon lease lapse around the master's failover: then there
        // is briefly no leader (404), and a standby takes over; wait for one to be named.
        const leaderOf = await waitFor(async () => {
          const r = await fetch(`${standby}/v2/leader`);
          return r.ok ? ((await r.json()) as { leader: string }) : undefined;
        }, { what: 'a Marathon leader named by the standby', timeoutMs: 20_000 });
        expect(leaderOf.leader).toMatch(/^127\.0\.0\.1:\d+$/);
        const other = leaderOf.leader.endsWith(`:${marathonPort}`) ? standby : `http://127.0.0.1:${marathonPort}`;
        expect((await fetch(`${other}/v2/apps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: '/ha-up', cmd: 'sleep 1000', cpus: 0.1, mem: 16 }) })).status).toBe(201);
        expect((await fetch(`http://${leaderOf.leader}/v2/apps/ha-up`)).status).toBe(200);
        // The gateway follows the leading master and reaches Marathon through whichever instance answers.
        expect((await fetch(`http://127.0.0.1:${gatewayPort}/marathon/v2/apps/ha-up`)).status).toBe(200);
        expect(((await (await fetch(`http://127.0.0.1:${gatewayPort}/mesos/master/state`)).json()) as { slaves: unknown[] }).slaves).toHaveLength(1);
        const cli = spawn(process.execPath, [BINS.cli, 'agents', '--master', masterUrl], { stdio: ['ignore', 'pipe', 'pipe'] });
        let agents = '';
        cli.stdout!.on('data', (d) => (agents += d));
        await new Promise((r) => cli.once('exit', r));
        expect(agents).toMatch(/masters: .*\(leader\)/);
        expect(await p.interrupt()).toBe(0);
        for (const [name, pid] of Object.entries(pids)) if (name !== `master-${idx}`) expect({ name, alive: isAlive(pid) }).toEqual({ name, alive: false });
      } finally {
        p.kill();
      }
    } finally {
      ha.remove();
    }
  });
});
