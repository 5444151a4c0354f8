import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { waitFor } from '@strata/lib/testing';
import { GatewayCluster, type ChronosProcess, type MarathonProcess } from '../src';
import { strata, type CliOptions } from '../src/cli-runner';

jest.setTimeout(180_000);

/**
 * The dcos-shaped commands (`strata cluster|app|deployment …`) as a user runs them: against a
 * real cluster, only through its gateway's URL, with their exit codes and `--json` parsed.
 */
describe('the strata CLI through the gateway', () => {
  let env: GatewayCluster;
  let marathon: MarathonProcess;
  let chronos: ChronosProcess;
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
    env = await GatewayCluster.start({ agents: 1, resources: 'cpus:2;mem:1024;disk:512;ports:[31000-31100]' });
    ({ marathon, chronos, base: url } = env);
    configDir = mkdtempSync(path.join(os.tmpdir(), 'strata-cli-'));
  });
  afterAll(async () => {
    await env?.stop();
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

  it('group add/list/show/scale/update/remove through Marathon groups', async () => {
    const add = await cli(['group', 'add', '--wait'], { input: JSON.stringify({ id: '/grp', apps: [{ id: 'a', cmd: 'sleep 100000', cpus: 0.1, mem: 16, instances: 1 }], groups: [{ id: 'inner', apps: [{ id: 'b', cmd: 'sleep 100000', cpus: 0.1, mem: 16, instances: 1 }] }] }) });
    expect([add.code, add.stderr]).toEqual([0, expect.any(String)]);
    expect(add.stdout).toMatch(/deployment \S+ succeeded/);
    const tree = await json(['group', 'list']);
    const grp = tree.groups.find((g: any) => g.id === '/grp');
    expect([grp.apps.map((a: any) => a.id), grp.groups.map((g: any) => g.id)]).toEqual([['/grp/a'], ['/grp/inner']]);
    expect((await cli(['group', 'list'])).stdout).toMatch(/\n {2}\/grp\s+1\s+1\/1[^\n]*\n {4}\/grp\/inner\s+1\s+1\/1/);
    expect(JSON.parse((await cli(['group', 'show', '/grp/inner'])).stdout).apps[0].id).toBe('/grp/inner/b');
    expect((await cli(['group', 'scale', '/grp', '2', '--wait'])).code).toBe(0);
    expect([(await marathonApp('/grp/a')).tasksRunning, (await marathonApp('/grp/inner/b')).tasksRunning]).toEqual([2, 2]);
    // update: a group definition replaces its apps' definitions (here: a new app beside a).
    const updated = await cli(['group', 'update', '/grp', '--wait'], { input: JSON.stringify({ apps: [{ id: 'a', cmd: 'sleep 100000', cpus: 0.1, mem: 16, instances: 2 }, { id: 'c', cmd: 'sleep 100000', cpus: 0.1, mem: 16, instances: 1 }] }) });
    expect([updated.code, updated.stderr]).toEqual([0, expect.any(String)]);
    expect((await marathonApp('/grp/c')).tasksRunning).toBe(1);
    // stop: a deployment cancelled where it stands (no rollback: the app stays as it got).
    const stuck = JSON.parse((await cli(['app', 'add', '--json'], { input: JSON.stringify({ id: '/grp/huge', cmd: 'sleep 100000', cpus: 5, mem: 16 }) })).stdout);
    const stopped = await cli(['deployment', 'stop', stuck.deployments[0].id]);
    expect([stopped.code, stopped.stdout]).toEqual([0, `deployment ${stuck.deployments[0].id} stopped\n`]);
    await waitFor(async () => !(await json(['deployment', 'list'])).some((d: any) => d.id === stuck.deployments[0].id), { timeoutMs: 15_000, what: 'the deployment gone' });
    expect((await marathonApp('/grp/huge')).instances).toBe(1);
    const removed = await cli(['group', 'remove', '/grp', '--wait']);
    expect(removed.code).toBe(0);
    expect(await marathonApp('/grp/a')).toBeUndefined();
    const gone = await cli(['group', 'show', '/grp']);
    expect([gone.code, gone.stderr]).toEqual([1, expect.stringMatching(/^strata: Group '\/grp' does not exist \[HTTP 404\]\n$/)]);
  });

  it('why names the reason an app cannot launch; service list shows the frameworks', async () => {
    expect((await cli(['app', 'add'], { input: JSON.stringify({ id: '/cli/big', cmd: 'sleep 100000', cpus: 4, mem: 16 }) })).code).toBe(0);
    const said = await waitFor(
      async () => {
        const r = await cli(['why', '/cli/big']);
        return /insufficient cpus \(\d+ of \d+ offers\)/.test(r.stdout) ? r : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500, what: 'why to name insufficient cpus' },
    );
    expect(said.stdout).toMatch(/^\/cli\/big is waiting to launch 1 of 1 instance\(s\):\n {2}insufficient cpus/);
    const asJson = await json(['why', 'cli/big']);
    expect([asJson.app, asJson.waiting, asJson.running]).toEqual(['/cli/big', 1, 0]);
    expect(asJson.reasons[0]).toMatch(/^insufficient cpus/);
    expect((await cli(['app', 'remove', '/cli/big', '--wait'])).code).toBe(0);
    const services = await json(['service', 'list']);
    expect(services.map((f: any) => f.name).sort()).toEqual(['chronos', 'marathon']);
    expect((await cli(['service', 'list'])).stdout).toMatch(/marathon\s+\S+\s+True\s+\d+/);
  });

  it('node list/show and task list/logs --follow/ls/cat follow a task through the gateway', async () => {
    const cmd = 'for i in 1 2 3 4 5 6; do echo line-$i; sleep 0.4; done; echo bye >&2';
    expect((await cli(['app', 'add', '--wait'], { input: JSON.stringify({ id: '/cli/talk', cmd, cpus: 0.1, mem: 16, instances: 1 }) })).code).toBe(0);
    const tasks = await json(['task', 'list', 'cli_talk']);
    expect(tasks).toHaveLength(1);
    const task = tasks[0];
    expect([task.framework, task.state]).toEqual(['marathon', 'TASK_RUNNING']);
    // --follow prints every line as the task writes them and returns once the task has ended.
    let seen = '';
    const followed = await strata(['task', 'logs', task.id.slice(0, -4), '--follow'], { STRATA_CONFIG_DIR: configDir, STRATA_URL: '' }, { timeoutMs: 60_000 });
    seen = followed.stdout;
    expect([followed.code, seen]).toEqual([0, 'line-1\nline-2\nline-3\nline-4\nline-5\nline-6\n']);
    expect((await cli(['task', 'logs', task.id, '--stderr'])).stdout).toContain('bye\n');
    const files = await json(['task', 'ls', task.id]);
    expect(files.map((f: any) => f.path.split('/').pop())).toEqual(expect.arrayContaining(['stdout', 'stderr']));
    expect((await cli(['task', 'ls', task.id])).stdout).toMatch(/\d+\s+\S+\s+stdout/);
    expect((await cli(['task', 'cat', task.id, 'stdout'])).stdout).toBe(seen);
    const missing = await cli(['task', 'cat', task.id, 'nope']);
    expect([missing.code, missing.stdout]).toEqual([1, '']);
    expect(missing.stderr).toMatch(/\[HTTP 404\]/);
    expect((await json(['task', 'list', task.id, '--completed']))[0].state).toBe('TASK_FINISHED');

    // A task that stays, for the node's page (talk's tasks end and are relaunched).
    expect((await cli(['app', 'add', '--wait'], { input: JSON.stringify({ id: '/cli/stay', cmd: 'sleep 100000', cpus: 0.1, mem: 16 }) })).code).toBe(0);
    const nodes = await json(['node', 'list']);
    expect(nodes).toHaveLength(1);
    expect((await cli(['node', 'list'])).stdout).toMatch(new RegExp(`${nodes[0].id}\\s+\\S+:\\d+\\s+active\\s+[\\d.]+/2\\s+[\\d.]+/1024`));
    const shown = await cli(['node', 'show', nodes[0].id]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/cpus\s+[\d.]+\/2/);
    const stay = (await json(['node', 'show', nodes[0].id])).tasks.find((t: any) => t.name === 'stay.cli');
    expect(stay.state).toBe('TASK_RUNNING');
    expect(shown.stdout).toMatch(new RegExp(`${stay.id.replace(/\./g, '\\.')}\\s+TASK_RUNNING\\s+marathon`));
    const noNode = await cli(['node', 'show', 'nope']);
    expect([noNode.code, noNode.stderr]).toEqual([1, "strata: no agent 'nope' is known to the master (strata node list shows them)\n"]);
    expect((await cli(['app', 'remove', '/cli/talk', '--wait'])).code).toBe(0);
    expect((await cli(['app', 'remove', '/cli/stay', '--wait'])).code).toBe(0);
  });

  it('job add/list/run/history/update/graph/remove against Chronos, its 400 in one line', async () => {
    const file = path.join(configDir, 'job.json');
    writeFileSync(file, JSON.stringify({ name: 'cli-etl', command: 'echo etl', schedule: 'R/2099-01-01T00:00:00Z/PT1H', scheduleTimeZone: 'Europe/Paris', cpus: 0.1, mem: 16 }));
    expect((await cli(['job', 'add', file])).stdout).toBe('job cli-etl saved\n');
    expect((await cli(['job', 'add'], { input: JSON.stringify({ name: 'cli-report', command: 'echo report', parents: ['cli-etl'], cpus: 0.1, mem: 16 }) })).code).toBe(0);
    const bad = await cli(['job', 'add', '-'], { input: JSON.stringify({ name: 'cli-bad', command: 'true', schedule: 'every tuesday' }) });
    expect([bad.code, bad.stdout]).toEqual([1, '']);
    expect(bad.stderr).toMatch(/^strata: .*\[HTTP 400\]\n$/);
    const listed = await json(['job', 'list']);
    expect(listed.map((j: any) => j.name).sort()).toEqual(['cli-etl', 'cli-report']);
    expect((await cli(['job', 'list'])).stdout).toMatch(/cli-etl\s+R\/2099-01-01T00:00:00Z\/PT1H \(Europe\/Paris\)\s+-\s+2099-01-01T00:00:00.000Z/);
    expect((await cli(['job', 'graph'])).stdout).toBe('cli-etl\n└─ cli-report\n');
    expect((await cli(['job', 'graph', '--dot'])).stdout).toMatch(/digraph G \{[\s\S]*->[\s\S]*\}/);
    expect((await cli(['job', 'run', 'cli-etl'])).code).toBe(0);
    // A run of the parent, then its dependent, each in its history.
    for (const name of ['cli-etl', 'cli-report'])
      await waitFor(async () => (await json(['job', 'history', name])).runs.some((r: any) => r.status === 'success'), { timeoutMs: 60_000, intervalMs: 500, what: `${name} to succeed` });
    expect((await cli(['job', 'history', 'cli-etl'])).stdout).toMatch(/^cli-etl: 1 succeeded, 0 failed\n/);
    // kill a run in flight; success marks the job as if its last run had succeeded.
    expect((await cli(['job', 'add'], { input: JSON.stringify({ name: 'cli-slow', command: 'sleep 1000', schedule: 'R/2099-01-01T00:00:00Z/PT1H', cpus: 0.1, mem: 16 }) })).code).toBe(0);
    expect((await cli(['job', 'run', 'cli-slow'])).code).toBe(0);
    await waitFor(async () => (await cli(['task', 'list', 'cli-slow'])).stdout.includes('TASK_RUNNING'), { timeoutMs: 30_000, intervalMs: 500, what: 'cli-slow running' });
    expect((await cli(['job', 'kill', 'cli-slow'])).stdout).toBe('job cli-slow: its tasks killed\n');
    await waitFor(async () => (await json(['task', 'list', 'cli-slow', '--completed'])).some((t: any) => t.state === 'TASK_KILLED'), { timeoutMs: 30_000, intervalMs: 500, what: 'cli-slow killed' });
    expect((await cli(['job', 'success', 'cli-slow'])).stdout).toBe('job cli-slow marked successful\n');
    expect(JSON.parse((await cli(['job', 'show', 'cli-slow'])).stdout).lastSuccess).toMatch(/^\d{4}-/);
    expect((await cli(['job', 'remove', 'cli-slow'])).code).toBe(0);
    expect((await cli(['job', 'update', 'cli-etl', 'command=echo etl2', 'disabled=true'])).code).toBe(0);
    expect(JSON.parse((await cli(['job', 'show', 'cli-etl'])).stdout)).toMatchObject({ command: 'echo etl2', disabled: true, scheduleTimeZone: 'Europe/Paris' });
    expect((await cli(['job', 'remove', 'cli-report'])).code).toBe(0);
    expect((await cli(['job', 'remove', 'cli-etl'])).code).toBe(0);
    expect(await json(['job', 'list'])).toEqual([]);
    const gone = await cli(['job', 'show', 'cli-etl']);
    expect(gone.code).toBe(1);
  });

  it('completion: the bash script, sourced, completes the real command tree', async () => {
    const script = (await cli(['completion', 'bash'])).stdout;
    const complete = (words: string) => execFileSync('bash', ['-c', `${script}\nCOMP_WORDS=(${words}); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); _strata; echo "\${COMPREPLY[*]}"`], { encoding: 'utf8' }).trim();
    expect(complete("strata gr")).toBe('group');
    expect(complete("strata deployment ''")).toBe('list watch rollback stop');
    expect(complete("strata job h")).toBe('history');
    expect(complete("strata app add --w")).toBe('--wait');
    const zsh = (await cli(['completion', 'zsh'])).stdout;
    expect(execFileSync('zsh', ['-f', '-c', `${zsh}\n_strata_words 'task'; print -rl -- $reply`], { encoding: 'utf8' })).toMatch(/^logs:/m);
    const wrong = await cli(['completion', 'fish']);
    expect([wrong.code, wrong.stderr]).toEqual([1, expect.stringContaining("'fish' is not a shell strata completes")]);
  });
});
