import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import { tmpDir, waitFor } from '@strata/lib/testing';
import { BINS, pidsOfTask } from '../src';

jest.setTimeout(120_000);

/** A port the OS says is free now (the cluster's services bind fixed ports, as operators give them). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * `strata up` supervises like an init system: SIGKILL of the master or of Marathon restarts that
 * one service, the rest and every task run on with the same ids; Ctrl-C still stops everything.
 */
describe('strata up', () => {
  const dir = tmpDir('strata-up-');
  let up: ChildProcess;
  let out = '';
  let err = '';
  afterAll(() => {
    if (up && up.exitCode === null) up.kill('SIGKILL');
    dir.remove();
  });

  it('restarts a crashed service and keeps the tasks; Ctrl-C stops everything', async () => {
    const [masterPort, agentPort, marathonPort] = [await freePort(), await freePort(), await freePort()];
    up = spawn(process.execPath, [BINS.cli, 'up', '--work-dir', dir.path, '--ip', '127.0.0.1', '--master-port', String(masterPort), '--agent-port', String(agentPort), '--marathon-port', String(marathonPort), '--no-chronos', '--resources', 'cpus:2;mem:1024;disk:1024;ports:[31000-31100]'], { stdio: ['ignore', 'pipe', 'pipe'] });
    up.stdout!.on('data', (d) => (out += d));
    up.stderr!.on('data', (d) => (err += d));
    await waitFor(() => out.includes('Strata is up.'), { what: 'strata up', timeoutMs: 60_000 });
    const pids = Object.fromEntries([...out.matchAll(/(\S+)=(\d+)/g)].map((m) => [m[1], Number(m[2])]));
    const marathon = `http://127.0.0.1:${marathonPort}`;
    const master = `http://127.0.0.1:${masterPort}`;
    const running = async () => ((await (await fetch(`${marathon}/v2/apps/sv/tasks`)).json()) as { tasks: { id: string; state: string }[] }).tasks.filter((t) => t.state === 'TASK_RUNNING').map((t) => t.id).sort();
    const masterTasks = async () => ((await (await fetch(`${master}/master/state`)).json()) as { frameworks: { tasks: { id: string; state: string }[] }[] }).frameworks.flatMap((f) => f.tasks).filter((t) => t.state === 'TASK_RUNNING').map((t) => t.id).sort();

    expect((await fetch(`${marathon}/v2/apps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: '/sv', cmd: 'sleep 100000', cpus: 0.1, mem: 16, instances: 2 }) })).status).toBe(201);
    const ids = await waitFor(async () => {
      const r = await running();
      return r.length === 2 ? r : undefined;
    }, { what: 'two tasks', timeoutMs: 30_000 });

    for (const name of ['master', 'marathon']) {
      const old = pids[name]!;
      process.kill(old, 'SIGKILL');
      await waitFor(() => err.includes(`${name} restarted`), { what: `${name} restarted`, timeoutMs: 30_000 });
      err = err.replace(`${name} restarted`, `${name} was restarted`);
      expect(up.exitCode).toBeNull();
      await waitFor(async () => JSON.stringify(await masterTasks()) === JSON.stringify(ids) && JSON.stringify(await running()) === JSON.stringify(ids), { what: `the same tasks after ${name} came back`, timeoutMs: 30_000 }).catch(async (e) => {
        throw new Error(`${e.message}: ${JSON.stringify({ ids, master: await masterTasks().catch(() => 'down'), marathon: await running().catch(() => 'down') })}`);
      });
    }
    expect(err).toMatch(/master exited \(SIGKILL\); restarting it in/);

    const children = () => Object.values(pids).filter((p) => p !== pids.master && p !== pids.marathon);
    up.kill('SIGINT');
    await new Promise((r) => up.once('exit', r));
    expect(up.exitCode).toBe(0);
    for (const p of children()) expect(alive(p)).toBe(false);
    await expect(fetch(`${master}/health`)).rejects.toThrow();
    // The agents killed their tasks on the way down (SIGUSR1): no task process is left.
    for (const id of ids) expect(pidsOfTask(id)).toEqual([]);
  });
});
