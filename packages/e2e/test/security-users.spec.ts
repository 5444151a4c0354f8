import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { authorizationFor } from '@strata/lib';
import { tmpDir, waitFor } from '@strata/lib/testing';
import { taskInfo } from '@strata/sdk';
import { LocalCluster, TestFramework } from '../src';

jest.setTimeout(120_000);

/**
 * Tasks as users (issue 17, Mesos's --switch_user, on by default): a task runs as its command's
 * user, else its framework's, and the agent (root) drops to that uid and gid before the task
 * starts. Its sandbox is its own; the files API shows it only to principals the agent's
 * access_sandboxes ACL lets see tasks of that user; a symlink out of a sandbox leads nowhere.
 */
describe('tasks run as their user', () => {
  const dir = tmpDir('strata-users-e2e-');
  const auth = (p: string) => authorizationFor({ kind: 'basic', principal: p, secret: `${p}-secret` });
  const files = { credentials: path.join(dir.path, 'credentials'), acls: path.join(dir.path, 'acls.json') };
  writeFileSync(files.credentials, ['ops', 'web-team', 'ci'].map((p) => `${p} ${p}-secret`).join('\n'));
  writeFileSync(
    files.acls,
    JSON.stringify({
      permissive: false,
      access_sandboxes: [
        { principals: { values: ['ops'] }, users: { type: 'ANY' } },
        { principals: { values: ['web-team'] }, users: { values: ['nobody'] } },
      ],
    }),
  );

  let cluster: LocalCluster;
  let agentHttp: string;
  let root: TestFramework;
  let nobody: TestFramework;
  let sandboxes: string;
  const mark = `strata-escaped-${process.pid}-${Date.now()}`;
  const PRIVATE = [['tmp', '/tmp'], ['var-tmp', '/var/tmp'], ['shm', '/dev/shm'], ['run-lock', '/run/lock']] as const;

  beforeAll(async () => {
    cluster = await LocalCluster.start({ agents: 1, agentArgs: ['--authenticate', '--credentials', files.credentials, '--acls', files.acls] });
    // A task's user must pass through the directories above its sandbox; the test's temp dir is 0700.
    chmodSync(cluster.dir.path, 0o711);
    agentHttp = `http://127.0.0.1:${(cluster.agents[0]!.logs.find((l) => l.msg === 'agent listening') as { port: number }).port}`;
    sandboxes = path.join(cluster.dir.path, 'agent-0', 'sandboxes');
    root = await TestFramework.subscribe(cluster.masterAddress, { name: 'as-root', user: 'root' });
    let o = await root.nextOffer();
    // One agent: whatever root does not use is refused for an hour, so its offers go to the other framework.
    root.onOffers = (offers) => root.driver.decline(offers.map((x) => x.id!.value), { refuseSeconds: 3600 });
    root.driver.launch([o.id!.value], [taskInfo(o, { id: 'root-task', command: 'echo root secret', cpus: 0.1, mem: 32 })], { refuseSeconds: 3600 });
    await root.waitForState('root-task', 'TASK_FINISHED');
    nobody = await TestFramework.subscribe(cluster.masterAddress, { name: 'as-nobody', user: 'nobody' });
    o = await nobody.nextOffer();
    const other = path.join(sandboxes, root.driver.frameworkId!, 'root-task');
    const attempt = (name: string, target: string) => `(touch '${target}' 2>/dev/null && echo wrote-${name}) || echo refused-${name}`;
    const command = [
      'echo $$ > pid',
      'touch inside && echo wrote-inside',
      attempt('workdir', '$STRATA_AGENT_WORK_DIR/escaped'),
      attempt('other-sandbox', `${other}/escaped`),
      attempt('etc', '/etc/strata-escaped'),
      attempt('root-home', '/root/strata-escaped'),
      // World-writable on the host: the task gets private ones (its sandbox's tmp, a tmpfs), so these land nowhere the host sees.
      ...PRIVATE.map(([name, d]) => attempt(name, `${d}/${mark}`)),
      'ln -s / root',
      'exec sleep 300',
    ].join('; ');
    nobody.driver.launch([o.id!.value], [taskInfo(o, { id: 'nobody-task', command, cpus: 0.1, mem: 32 })]);
    await nobody.waitForState('nobody-task', 'TASK_RUNNING');
  });
  afterAll(async () => {
    root?.close();
    nobody?.close();
    await cluster?.stop();
    dir.remove();
  });

  const sandboxOf = (f: TestFramework, task: string) => path.join(sandboxes, f.driver.frameworkId!, task);
  const read = (principal: string | undefined, p: string, endpoint = 'read') => fetch(`${agentHttp}/files/${endpoint}?path=${encodeURIComponent(p)}`, { headers: principal ? { authorization: auth(principal) } : {} });

  it('a task run as nobody has uid and gid 65534 (in /proc), owns its sandbox, and cannot write outside it, not even to /tmp', async () => {
    const sandbox = sandboxOf(nobody, 'nobody-task');
    const pid = await waitFor(() => (existsSync(path.join(sandbox, 'pid')) ? Number(readFileSync(path.join(sandbox, 'pid'), 'utf8').trim()) || undefined : undefined), { what: 'the task to write its pid' });
    const ids = (field: string) => readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`))!.split(/\s+/).slice(1, 5);
    expect(ids('Uid')).toEqual(['65534', '65534', '65534', '65534']);
    expect(ids('Gid')).toEqual(['65534', '65534', '65534', '65534']);
    expect([statSync(sandbox).uid, statSync(sandbox).mode & 0o777]).toEqual([65534, 0o750]);
    const out = await waitFor(() => {
      const text = readFileSync(path.join(sandbox, 'stdout'), 'utf8');
      return text.includes('run-lock') ? text : undefined;
    }, { what: 'the write attempts to finish' });
    expect(out.split('\n').filter(Boolean)).toEqual(['wrote-inside', 'refused-workdir', 'refused-other-sandbox', 'refused-etc', 'refused-root-home', 'wrote-tmp', 'wrote-var-tmp', 'wrote-shm', 'wrote-run-lock']);
    expect([path.join(cluster.dir.path, 'agent-0', 'escaped'), path.join(sandboxOf(root, 'root-task'), 'escaped'), '/etc/strata-escaped', '/root/strata-escaped', ...PRIVATE.map(([, d]) => `${d}/${mark}`)].filter((p) => existsSync(p))).toEqual([]);
    // What it wrote to /tmp and /var/tmp is in its sandbox (one directory behind both), its own.
    expect([existsSync(path.join(sandbox, 'tmp', mark)), statSync(path.join(sandbox, 'tmp')).uid]).toEqual([true, 65534]);
    // The task of the framework whose user is root ran as root: the user is the task's (or its framework's), not the agent's choice.
    expect(statSync(sandboxOf(root, 'root-task')).uid).toBe(0);
  });

  it("its sandbox is readable through the files API only by principals the agent's access_sandboxes lets see nobody's tasks", async () => {
    const mine = `${sandboxOf(nobody, 'nobody-task')}/stdout`;
    const roots = `${sandboxOf(root, 'root-task')}/stdout`;
    const answers: [string, string, number][] = [];
    for (const principal of ['ops', 'web-team', 'ci', undefined]) for (const p of [mine, roots]) answers.push([principal ?? 'anonymous', p === mine ? 'nobody' : 'root', (await read(principal, p)).status]);
    expect(answers).toEqual([
      ['ops', 'nobody', 200],
      ['ops', 'root', 200],
      ['web-team', 'nobody', 200],
      ['web-team', 'root', 403],
      ['ci', 'nobody', 403],
      ['ci', 'root', 403],
      ['anonymous', 'nobody', 401],
      ['anonymous', 'root', 401],
    ]);
    const refused = await read('web-team', roots);
    expect(await refused.json()).toMatchObject({ message: "Not authorized to access the sandboxes of tasks run as 'root'" });
    // Above a task's sandbox nothing names a user: only a rule for ANY user lets a principal list it.
    expect((await read('web-team', '', 'browse')).status).toBe(400);
    expect((await read('web-team', sandboxes, 'browse')).status).toBe(403);
    expect((await read('ops', sandboxes, 'browse')).status).toBe(200);
  });

  it('a symlink in the sandbox pointing to / does not let the files API read outside it', async () => {
    const link = `${sandboxOf(nobody, 'nobody-task')}/root`;
    await waitFor(() => existsSync(link) || undefined, { what: 'the task to make its link' });
    for (const [endpoint, p] of [['read', `${link}/etc/passwd`], ['download', `${link}/etc/passwd`], ['browse', link], ['browse', `${link}/etc`], ['read', link]] as const) {
      const r = await read('ops', p, endpoint);
      const body = await r.text();
      expect([endpoint, p, r.status]).toEqual([endpoint, p, 403]);
      expect(body).not.toContain('root:x:0');
    }
  });

  it('a task whose user does not exist on the agent fails with the reason', async () => {
    const o = await nobody.nextOffer();
    nobody.driver.launch([o.id!.value], [taskInfo(o, { id: 'ghost-task', command: 'true', cpus: 0.1, mem: 32, user: 'no-such-user' })]);
    const failed = await nobody.waitForState('ghost-task', 'TASK_FAILED');
    expect([failed.reason, failed.message]).toEqual(['REASON_CONTAINER_LAUNCH_FAILED', "Failed to switch to user 'no-such-user': no such user on this agent"]);
  });
});
