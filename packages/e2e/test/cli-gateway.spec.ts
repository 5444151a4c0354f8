import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { waitFor } from '@strata/lib/testing';
import { BINS, ChronosProcess, LocalCluster, MarathonProcess, ServiceProcess } from '../src';
import { strata, type CliOptions } from '../src/cli-runner';

jest.setTimeout(180_000);

/**
 * The dcos-shaped commands (`strata cluster|app|deployment …`) as a user runs them: against a
 * real cluster, only through its gateway's URL, with their exit codes and `--json` parsed.
 */
describe('the strata CLI through the gateway', () => {
  let cluster: LocalCluster;
  let marathon: MarathonProcess;
  let chronos: ChronosProcess;
  let gw: ServiceProcess;
  let url = '';
  let configDir = '';
  /** As a user whose only setup was `strata cluster setup`. */
  const cli = (args: string[], o: CliOptions = {}) => strata(args, { STRATA_CONFIG_DIR: configDir, STRATA_URL: '' }, o);
  const json = async (args: string[]) => {
    const r = await cli([...args, '--json']);
    expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 0, stderr: '' });
    return JSON.parse(r.stdout) as any;
  };
  const marathonApp = async (id: string) => ((await (await fetch(`${marathon.base}/v2/apps${id}?embed=app.counts`)).json()) as { app?: any }).app;

  beforeAll(async () => {
    cluster = await LocalCluster.start({ agents: 1, resources: 'cpus:2;mem:1024;disk:512;ports:[31000-31100]' });
    marathon = await MarathonProcess.start(cluster);
    chronos = await ChronosProcess.start(cluster);
    gw = ServiceProcess.start('gateway', BINS.gateway, ['--port', '0', '--http-address', '127.0.0.1', '--master', cluster.masterAddress, '--marathon', marathon.base, '--chronos', chronos.base.replace(/\/v1\/scheduler$/, '')]);
    url = `http://127.0.0.1:${(await gw.waitForLog('gateway listening')).port}`;
    configDir = mkdtempSync(path.join(os.tmpdir(), 'strata-cli-'));
  });
  afterAll(async () => {
    await gw?.stop();
    await chronos?.stop();
    await marathon?.stop();
    await cluster?.stop();
  });

  it('cluster setup checks the gateway and makes it current; list shows it', async () => {
    const none = await cli(['app', 'list']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no cluster is set up: run `strata cluster setup/);
    const wrong = await cli(['cluster', 'setup', 'http://127.0.0.1:1']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/cannot reach the cluster at http:\/\/127\.0\.0\.1:1/);
    const ok = await cli(['cluster', 'setup', url, '--name', 'local']);
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.stdout).toContain('cluster local');
    expect(JSON.parse(readFileSync(path.join(configDir, 'clusters.json'), 'utf8'))).toEqual({ current: 'local', clusters: { local: { url } } });
    expect(await json(['cluster', 'list'])).toEqual([{ name: 'local', url, current: true }]);
    expect((await cli(['cluster', 'list'])).stdout).toMatch(/local\s+http:\/\/127\.0\.0\.1:\d+\s+\*/);
  });

  it('app add --wait from stdin reaches running; list, show and --json agree with Marathon', async () => {
    const add = await cli(['app', 'add', '-', '--wait'], { input: JSON.stringify({ id: '/cli/web', cmd: 'sleep 100000', cpus: 0.1, mem: 16, instances: 2 }) });
    expect({ code: add.code, stderr: add.stderr }).toMatchObject({ code: 0 });
    expect(add.stdout).toContain('created /cli/web');
    expect(add.stdout).toMatch(/deployment \S+ succeeded/);
    // --wait returned only once the deployment was over: both tasks run.
    expect((await marathonApp('/cli/web')).tasksRunning).toBe(2);
    const list = await json(['app', 'list']);
    expect(list.map((a: any) => [a.id, a.instances, a.tasksRunning])).toEqual([['/cli/web', 2, 2]]);
    expect((await cli(['app', 'list'])).stdout).toMatch(/\/cli\/web\s+16\s+0\.1\s+2\/2/);
    expect((await json(['app', 'show', '/cli/web'])).cmd).toBe('sleep 100000');
  });

  it('scale, update key=value and from a file, versions and rollback, each waited for', async () => {
    const scaled = await cli(['app', 'scale', '/cli/web', '3', '--wait']);
    expect(scaled.code).toBe(0);
    expect((await marathonApp('/cli/web')).tasksRunning).toBe(3);
    const updated = await cli(['app', 'update', '/cli/web', 'cmd=sleep 200000', 'labels={"tier":"web"}', '--wait']);
    expect(updated.code).toBe(0);
    const app = await marathonApp('/cli/web');
    expect([app.cmd, app.labels, app.tasksRunning]).toEqual(['sleep 200000', { tier: 'web' }, 3]);
    const file = path.join(configDir, 'web.json');
    writeFileSync(file, JSON.stringify({ mem: 24 }));
    expect((await cli(['app', 'update', '/cli/web', file, '--wait'])).code).toBe(0);
    expect((await marathonApp('/cli/web')).mem).toBe(24);
    const versions: string[] = await json(['app', 'versions', '/cli/web']);
    expect(versions.length).toBeGreaterThanOrEqual(4);
    expect((await cli(['app', 'rollback', '/cli/web', '--wait'])).code).toBe(0);
    // The previous version: mem back to 16, the rest as updated.
    const back = await marathonApp('/cli/web');
    expect([back.mem, back.cmd]).toEqual([16, 'sleep 200000']);
  });

  it('errors are one line with the API message and exit 1: a 422, bad stdin, an unknown app', async () => {
    const bad = await cli(['app', 'add'], { input: JSON.stringify({ id: '/cli/bad', cmd: 'true', cpus: -1 }) });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^strata: .*\/cpus: .*\[HTTP 422\]$/m);
    const notJson = await cli(['app', 'add', '-'], { input: '{"id": ' });
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toMatch(/^strata: stdin is not valid JSON/);
    const missing = await cli(['app', 'show', '/cli/nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/does not exist.*\[HTTP 404\]/);
    expect(await marathonApp('/cli/bad')).toBeUndefined();
  });

  it('deployment list and watch: exit 0 when it succeeds, 1 when it is rolled back', async () => {
    // Asks for more cpus than the agent has: the deployment waits in ScaleApplication.
    const stuck = await cli(['app', 'add', '--json'], { input: JSON.stringify({ id: '/cli/huge', cmd: 'sleep 100000', cpus: 5, mem: 16, instances: 1 }) });
    expect(stuck.code).toBe(0);
    const deploymentId: string = JSON.parse(stuck.stdout).deployments[0].id;
    const listed = await json(['deployment', 'list']);
    expect(listed.map((d: any) => d.id)).toContain(deploymentId);
    expect((await cli(['deployment', 'list'])).stdout).toContain(deploymentId);
    let progress = '';
    const watching = cli(['deployment', 'watch', deploymentId], { timeoutMs: 90_000, onStderr: (s) => (progress = s) });
    // The watch draws the app's progress, and is still waiting, when the deployment is rolled back.
    await waitFor(() => progress.includes('/cli/huge 0/1 running · step'), { timeoutMs: 20_000, what: 'the watch to print progress' });
    const rolled = await cli(['deployment', 'rollback', deploymentId]);
    expect(rolled.code).toBe(0);
    const watched = await watching;
    expect(watched.code).toBe(1);
    expect(watched.stdout).toMatch(new RegExp(`deployment ${deploymentId} failed`));
    // The rollback removed the app it was creating.
    await waitFor(async () => (await marathonApp('/cli/huge')) === undefined, { timeoutMs: 30_000 });

    // A deployment that waits for room, watched until it gets it: exit 0 on its success.
    const later = await cli(['app', 'add', '--json'], { input: JSON.stringify({ id: '/cli/later', cmd: 'sleep 100000', cpus: 1.8, mem: 16, instances: 1 }) });
    const laterId: string = JSON.parse(later.stdout).deployments[0].id;
    progress = '';
    const watchingLater = cli(['deployment', 'watch', laterId], { timeoutMs: 90_000, onStderr: (s) => (progress = s) });
    await waitFor(() => progress.includes('/cli/later 0/1 running'), { timeoutMs: 20_000, what: 'the watch to print progress' });
    const restart = await cli(['app', 'restart', '/cli/web', '--wait']);
    expect(restart.code).toBe(0);
    // The three 0.1-cpu tasks of /cli/web leave 1.7 cpus: scaling it to 0 makes room.
    expect((await cli(['app', 'scale', '/cli/web', '0', '--wait'])).code).toBe(0);
    const ok = await watchingLater;
    expect({ code: ok.code, stdout: ok.stdout }).toEqual({ code: 0, stdout: `deployment ${laterId} succeeded\n` });
    expect(progress).toContain('/cli/later 1/1 running');
    expect((await cli(['app', 'remove', '/cli/later', '--wait'])).code).toBe(0);
    expect((await cli(['app', 'scale', '/cli/web', '3', '--wait'])).code).toBe(0);
    const unknown = await cli(['deployment', 'watch', 'no-such-deployment']);
    expect([unknown.code, unknown.stdout]).toEqual([1, 'deployment no-such-deployment failed: no such deployment in progress\n']);
  });

  it('kill-tasks replaces them, --scale shrinks the app; remove --wait destroys it', async () => {
    const before = (await marathonApp('/cli/web')).tasks ?? ((await (await fetch(`${marathon.base}/v2/apps/cli/web/tasks`)).json()) as any).tasks;
    const killed = await cli(['app', 'kill-tasks', '/cli/web', '--scale']);
    expect(killed.code).toBe(0);
    await waitFor(async () => (await marathonApp('/cli/web')).instances === 0 && (await marathonApp('/cli/web')).tasksRunning === 0, { timeoutMs: 30_000 });
    expect(before.length).toBe(3);
    const removed = await cli(['app', 'remove', '/cli/web', '--wait']);
    expect({ code: removed.code, stdout: removed.stdout }).toEqual({ code: 0, stdout: expect.stringMatching(/deployment \S+ succeeded/) });
    expect(await marathonApp('/cli/web')).toBeUndefined();
    expect(await json(['app', 'list'])).toEqual([]);
  });
});
