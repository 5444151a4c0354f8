import type { Browser, Page } from 'playwright-core';
import { waitFor } from '@strata/lib/testing';
import { GatewayCluster, type ChronosProcess, type LocalCluster, type MarathonProcess } from '../src';
import { launchChromium, screenshot } from '../src/browser';

jest.setTimeout(180_000);

/**
 * The web UI in a real Chromium, through the gateway, against a real cluster: what an operator
 * sees and does. Each view's screenshot is saved under reports/ui/.
 */
describe('the web UI in Chromium', () => {
  let cluster: LocalCluster;
  let marathon: MarathonProcess;
  let chronos: ChronosProcess;
  let env: GatewayCluster;
  let browser: Browser;
  let page: Page;
  let base = '';
  const pageErrors: string[] = [];

  beforeAll(async () => {
    // Two agents of 1 cpu each: an app asking for 2 cpus can launch nowhere.
    env = await GatewayCluster.start({ agents: 2, resources: 'cpus:1;mem:512;disk:512;ports:[31000-31100]' });
    ({ cluster, marathon, chronos, base } = env);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });
  afterAll(async () => {
    await browser?.close();
    await env?.stop();
  });
  afterEach(() => expect(pageErrors).toEqual([]));

  const row = (id: string) => page.getByTestId(`service-${id}`);
  const marathonAppDef = async (id: string) => ((await (await fetch(`${marathon.base}/v2/apps${id}`)).json()) as { app: { mem: number } }).app;
  const appInstances = async (id: string) => ((await (await fetch(`${marathon.base}/v2/apps${id}`)).json()) as { app?: { instances: number } }).app?.instances;

  it('the dashboard shows the agents and what is allocated', async () => {
    await page.goto(`${base}/#/dashboard`);
    await page.getByTestId('agents-active').filter({ hasText: '2' }).waitFor();
    // 2 cpus in all, nothing used yet: the bar says so.
    await page.getByTestId('allocation').getByText('cpus 0 / 2 (0%)').first().waitFor();
    await screenshot(page, 'dashboard');
  });

  it('an invalid definition shows Marathon\'s 422 detail beside its field', async () => {
    await page.goto(`${base}/#/services/new`);
    await page.fill('input[name=id]', '/bad');
    await page.fill('input[name=cmd]', 'sleep 100');
    await page.fill('input[name=cpus]', '-1');
    await page.click('button[type=submit]');
    const err = page.getByTestId('error-cpus');
    await err.waitFor();
    // Exactly what Marathon says about the field.
    const direct = (await (await fetch(`${marathon.base}/v2/apps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: '/bad', cmd: 'sleep 100', instances: 1, cpus: -1, mem: 32, disk: 0 }) })).json()) as { details: { path: string; errors: string[] }[] };
    const said = direct.details.find((d) => d.path === '/cpus')!.errors.join('; ');
    expect(said).toMatch(/\S/);
    expect(await err.textContent()).toBe(said);
    expect(await page.getAttribute('input[name=cpus]', 'aria-invalid')).toBe('true');
    await screenshot(page, 'service-form-422');
    expect(await appInstances('/bad')).toBeUndefined();
  });

  it('an app created from the form reaches running; scale and destroy from the list', async () => {
    await page.goto(`${base}/#/services/new`);
    await page.fill('input[name=id]', '/web');
    await page.fill('input[name=cmd]', 'sleep 100000');
    await page.fill('input[name=cpus]', '0.1');
    await page.fill('input[name=mem]', '16');
    await page.click('button[type=submit]');
    await page.waitForURL(/#\/services$/);
    await row('/web').getByTestId('instances').filter({ hasText: '1/1' }).waitFor({ timeout: 30_000 }).catch(async (e: Error) => {
      throw new Error(`${e.message}; Marathon says ${await (await fetch(`${marathon.base}/v2/apps/web?embed=apps.counts`)).text()} ${await (await fetch(`${marathon.base}/v2/queue`)).text()}; the row shows ${await row('/web').textContent()}`);
    });
    await row('/web').getByTestId('status').filter({ hasText: 'Running' }).waitFor({ timeout: 30_000 });
    await screenshot(page, 'services');

    page.once('dialog', (d) => d.accept('3').catch(() => undefined));
    await row('/web').getByRole('button', { name: 'Scale' }).click();
    await row('/web').getByTestId('instances').filter({ hasText: '3/3' }).waitFor({ timeout: 30_000 });
    expect(await appInstances('/web')).toBe(3);

    page.once('dialog', (d) => d.accept().catch(() => undefined));
    await row('/web').getByRole('button', { name: 'Destroy' }).click();
    await row('/web').waitFor({ state: 'detached', timeout: 30_000 });
    await waitFor(async () => (await appInstances('/web')) === undefined, { what: 'the app gone from Marathon' });
  });

  it('an app that cannot launch says why', async () => {
    expect((await fetch(`${marathon.base}/v2/apps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: '/huge', cmd: 'sleep 100', cpus: 2, mem: 16 }) })).status).toBe(201);
    await page.goto(`${base}/#/services`);
    await row('/huge').getByTestId('why').filter({ hasText: /insufficient cpus \(\d+ of \d+ offers\)/ }).waitFor({ timeout: 30_000 });
    expect(await row('/huge').getByTestId('status').textContent()).toMatch(/^Waiting/);
    // Its deployment (StartApplication, then ScaleApplication) stays in its second step, and the list says so.
    await row('/huge').getByTestId('deployment').filter({ hasText: /^step 2 of 2: ScaleApplication$/ }).waitFor({ timeout: 10_000 }).catch(async (e: Error) => {
      throw new Error(`${e.message}; the row shows ${await row('/huge').textContent()}; Marathon: ${await (await fetch(`${marathon.base}/v2/deployments`)).text()}`);
    });
    await screenshot(page, 'services-waiting');
  });

  it('the nodes page shows each agent with its utilisation', async () => {
    const state = (await (await fetch(`http://${cluster.masterAddress}/master/state`)).json()) as { slaves: { id: string }[] };
    await page.goto(`${base}/#/nodes`);
    for (const a of state.slaves) await page.getByTestId(`node-${a.id}`).getByText(/cpus [\d.]+ \/ 1 \(/).waitFor();
    expect(await page.locator('[data-testid^=node-]').count()).toBe(2);
    await screenshot(page, 'nodes');
    // An agent's page: its tasks (a running one placed there by Marathon).
    expect((await fetch(`${marathon.base}/v2/apps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: '/placed', cmd: 'sleep 100000', cpus: 0.1, mem: 16 }) })).status).toBe(201);
    const task = await waitFor(async () => ((await (await fetch(`${marathon.base}/v2/apps/placed/tasks`)).json()) as { tasks: { id: string; slaveId: string; state: string }[] }).tasks.find((t) => t.state === 'TASK_RUNNING'), { what: '/placed running', timeoutMs: 30_000 });
    await page.getByTestId(`node-${task.slaveId}`).getByRole('link').click();
    await page.getByTestId('node-tasks').getByTestId(`task-${task.id}`).filter({ hasText: 'TASK_RUNNING' }).waitFor();
    expect(await page.getByTestId('node').getByText(/cpus 0\.10? \/ 1 \(10%\)/).count()).toBe(1);
    await screenshot(page, 'node');
    await fetch(`${marathon.base}/v2/apps/placed?force=true`, { method: 'DELETE' });
  });

  it('a job created in the UI runs and appears in its history; a dependent job is drawn in the graph', async () => {
    await page.goto(`${base}/#/jobs/new`);
    await page.fill('input[name=name]', 'ui-job');
    await page.fill('input[name=command]', 'echo from the ui');
    // Due in 2 s, then hourly: one run inside the test.
    await page.fill('input[name=schedule]', `R/${new Date(Date.now() + 2_000).toISOString()}/PT1H`);
    await page.fill('input[name=scheduleTimeZone]', 'Europe/Paris');
    await page.click('button[type=submit]');
    await page.waitForURL(/#\/jobs$/);
    await page.getByTestId('job-ui-job').waitFor();
    expect(((await (await fetch(`${chronos.base}/job/ui-job`)).json()) as { scheduleTimeZone?: string }).scheduleTimeZone).toBe('Europe/Paris');

    await page.goto(`${base}/#/jobs/ui-job`);
    await page.getByTestId('run').getByTestId('outcome').filter({ hasText: 'success' }).waitFor({ timeout: 60_000 });
    await screenshot(page, 'job-history');
    // Edited as JSON: a bad schedule gets Chronos's 400 and changes nothing; a good edit is saved.
    await page.getByRole('button', { name: 'Edit job' }).click();
    const editor = page.locator('textarea[name=job]');
    const job = JSON.parse(await editor.inputValue());
    await editor.fill(JSON.stringify({ ...job, schedule: 'sometimes' }));
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('edit-job').getByRole('alert').filter({ hasText: /\(400\)$/ }).waitFor();
    await editor.fill(JSON.stringify({ ...job, command: 'echo edited' }));
    await page.getByRole('button', { name: 'Save' }).click();
    await editor.waitFor({ state: 'detached' });
    const saved = (await (await fetch(`${chronos.base}/job/ui-job`)).json()) as { command: string; schedule: string; scheduleTimeZone: string };
    expect([saved.command, saved.schedule, saved.scheduleTimeZone]).toEqual(['echo edited', job.schedule, 'Europe/Paris']);

    expect((await fetch(`${chronos.base}/dependency`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'ui-child', command: 'true', parents: ['ui-job'], cpus: 0.1, mem: 16 }) })).status).toBe(204);
    await page.goto(`${base}/#/jobs`);
    await page.getByTestId('job-ui-job').getByTestId('last-run').filter({ hasText: /^success/ }).waitFor();
    await page.getByTestId('job-graph').getByTestId('graph-ui-child').waitFor();
    expect(await page.getByTestId('job-ui-child').locator('td').nth(1).textContent()).toBe('after ui-job');
    await screenshot(page, 'jobs');
  });

  it('a bad schedule gets Chronos\'s 400 message on the form', async () => {
    await page.goto(`${base}/#/jobs/new`);
    await page.fill('input[name=name]', 'bad-job');
    await page.fill('input[name=command]', 'true');
    await page.fill('input[name=schedule]', 'every tuesday');
    await page.click('button[type=submit]');
    const alert = page.getByTestId('job-form').getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/schedule.*\(400\)$/i);
    expect((await fetch(`${chronos.base}/job/bad-job`)).status).toBe(400);
  });

  it('the tasks list filters, and a task page shows its states, its sandbox and its stdout as it grows', async () => {
    const cmd = 'i=0; while true; do echo "tick $i"; i=$((i+1)); sleep 0.3; done';
    expect((await fetch(`${marathon.base}/v2/apps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: '/ticker', cmd, cpus: 0.1, mem: 16 }) })).status).toBe(201);
    const taskId = await waitFor(async () => {
      const r = (await (await fetch(`${marathon.base}/v2/apps/ticker/tasks`)).json()) as { tasks: { id: string; state: string }[] };
      return r.tasks.find((t) => t.state === 'TASK_RUNNING')?.id;
    }, { what: 'the ticker running', timeoutMs: 30_000 });
    await page.goto(`${base}/#/tasks`);
    await page.getByTestId(`task-${taskId}`).waitFor();
    await page.fill('input[name=filter]', 'ticker');
    await waitFor(async () => (await page.locator('[data-testid^="task-"]').count()) === 1, { what: 'only the ticker listed' });
    await screenshot(page, 'tasks');
    await page.getByTestId(`task-${taskId}`).getByRole('link').click();
    await page.getByTestId('current-state').filter({ hasText: 'TASK_RUNNING' }).waitFor();
    await page.getByTestId('files').getByText('stdout').waitFor();
    const log = page.getByTestId('log');
    await log.filter({ hasText: 'tick 1' }).waitFor({ timeout: 20_000 });
    const first = (await log.textContent())!.length;
    // The same page, no reload: the log grows as the task writes.
    const last = (text: string) => Number(/tick (\d+)\n$/.exec(text)?.[1] ?? -1);
    const before = last((await log.textContent())!);
    await waitFor(async () => last((await log.textContent())!) >= before + 3, { what: 'three more lines followed', timeoutMs: 20_000 });
    expect((await log.textContent())!.length).toBeGreaterThan(first);
    expect(await log.textContent()).toMatch(/^tick 0\ntick 1\n/);
    await screenshot(page, 'task');
  });

  it('the roles page shows each role with its DRF share, as the master computes it', async () => {
    const api = async () => ((await (await fetch(`http://${cluster.masterAddress}/roles`)).json()) as { roles: { name: string; share: number; frameworks: string[] }[] }).roles;
    // Something of its own running, so that the default role holds a share.
    expect((await fetch(`${marathon.base}/v2/apps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: '/share', cmd: 'sleep 100000', cpus: 0.2, mem: 16 }) })).status).toBe(201);
    const star = await waitFor(async () => (await api()).find((r) => r.name === '*' && r.share > 0), { what: "a share for role '*'", timeoutMs: 30_000 });
    await page.goto(`${base}/#/roles`);
    const row = page.getByTestId('role-*');
    await row.waitFor();
    await waitFor(async () => (await row.locator('td').nth(4).textContent()) === String(star.frameworks.length), { what: 'the frameworks counted' });
    // The page follows the master: within a poll it shows the share the master computes now.
    await waitFor(async () => {
      const shown = Number((await row.getByRole('meter').textContent())!.replace('%', ''));
      const now = (await api()).find((r) => r.name === '*')!.share * 100;
      return now > 0 && Math.abs(shown - now) < 0.11;
    }, { what: "the page's share to match the master's", timeoutMs: 15_000 });
    await screenshot(page, 'roles');
  });

  it('a long services list is windowed: every app counted, a screenful drawn, the end reached by scrolling', async () => {
    // 600 suspended apps in one group: a long list without tasks.
    const apps = Array.from({ length: 600 }, (_, i) => ({ id: `app-${String(i).padStart(3, '0')}`, cmd: 'sleep 100', cpus: 0.01, mem: 1, instances: 0 }));
    const created = await fetch(`${marathon.base}/v2/groups`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: '/many', apps }) });
    expect(created.status).toBe(201);
    await page.goto(`${base}/#/services/group/${encodeURIComponent('/many')}`);
    await page.getByTestId('count-services').filter({ hasText: /^600 services$/ }).waitFor();
    const drawn = () => page.locator('table[data-testid=services] tbody tr[data-testid]').count();
    const first = await drawn();
    // A screenful (900 px of 80 px rows) and the overscan: far fewer rows than apps.
    expect(first).toBeGreaterThan(5);
    expect(first).toBeLessThan(60);
    expect(await row('/many/app-599').count()).toBe(0);
    // The page is as tall as every row would make it, so the scrollbar tells the truth.
    const height = (await page.evaluate('document.documentElement.scrollHeight')) as number;
    expect(height).toBeGreaterThan(600 * 80);
    await page.evaluate('window.scrollTo(0, document.documentElement.scrollHeight)');
    await row('/many/app-599').waitFor();
    expect(await drawn()).toBeLessThan(60);
    expect(await row('/many/app-000').count()).toBe(0);
    await screenshot(page, 'services-windowed');
    await page.evaluate('window.scrollTo(0, 0)');
    await fetch(`${marathon.base}/v2/groups/many?force=true`, { method: 'DELETE' });
  });

  it('groups are folders; an app page edits the definition (422 on its field), diffs a version and rolls back to it', async () => {
    const post = (p: string, body: unknown) => fetch(`${marathon.base}${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('/v2/groups', { id: '/shop', apps: [{ id: 'cart', cmd: 'sleep 100000', cpus: 0.1, mem: 16, instances: 1 }], groups: [{ id: 'db', apps: [{ id: 'pg', cmd: 'sleep 100000', cpus: 0.1, mem: 16, instances: 0 }] }] })).status).toBe(201);
    await page.goto(`${base}/#/services`);
    const folder = page.getByTestId('group-/shop');
    await folder.getByTestId('status').filter({ hasText: '2 apps' }).waitFor();
    await folder.getByTestId('instances').filter({ hasText: '1/1' }).waitFor({ timeout: 30_000 });
    expect(await row('/shop/cart').count()).toBe(0);
    await folder.getByRole('link').click();
    await row('/shop/cart').waitFor();
    expect(await page.getByTestId('group-/shop/db').count()).toBe(1);
    expect(await page.getByTestId('trail').textContent()).toBe('Services / shop');
    await screenshot(page, 'services-group');
    // Search lists matching apps from every level.
    await page.goto(`${base}/#/services`);
    await page.fill('input[name=search]', 'pg');
    await row('/shop/db/pg').waitFor();
    expect(await page.getByTestId('group-/shop').count()).toBe(0);

    await page.goto(`${base}/#/services/app/${encodeURIComponent('/shop/cart')}`);
    await page.getByTestId('app-summary').getByTestId('status').filter({ hasText: '1/1 running' }).waitFor({ timeout: 30_000 });
    await page.getByTestId('app-tasks').locator('tr').first().waitFor();
    // A bad edit: Marathon's 422 listed by field, nothing changed.
    await page.getByRole('button', { name: 'Edit definition' }).click();
    const editor = page.locator('textarea[name=definition]');
    const original = JSON.parse(await editor.inputValue());
    expect([original.id, original.cmd, original.tasks, original.version]).toEqual(['/shop/cart', 'sleep 100000', undefined, undefined]);
    await editor.fill(JSON.stringify({ ...original, mem: -5 }));
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('json-errors').filter({ hasText: /^mem: / }).waitFor();
    expect((await marathonAppDef('/shop/cart')).mem).toBe(16);
    // A good edit makes a new version.
    await editor.fill(JSON.stringify({ ...original, mem: 24 }));
    await page.getByRole('button', { name: 'Save' }).click();
    await editor.waitFor({ state: 'detached' });
    await waitFor(async () => (await marathonAppDef('/shop/cart')).mem === 24, { what: 'the edit saved' });
    // The older version, picked, shows what rolling back would change; rolling back applies it.
    await page.getByTestId('version').nth(1).waitFor();
    await page.getByTestId('version').nth(1).click();
    const change = page.getByTestId('version-diff').getByTestId('change-/mem');
    await change.waitFor();
    expect([await change.locator('.from').textContent(), await change.locator('.to').textContent()]).toEqual(['24', '16']);
    await screenshot(page, 'service-versions');
    await page.getByRole('button', { name: 'Roll back to this version' }).click();
    await waitFor(async () => (await marathonAppDef('/shop/cart')).mem === 16, { what: 'the rollback applied', timeoutMs: 15_000 });
    await fetch(`${marathon.base}/v2/groups/shop?force=true`, { method: 'DELETE' });
  });

  it('the dashboard lists failing tasks; a task page shows its health', async () => {
    const post = (body: unknown) => fetch(`${marathon.base}/v2/apps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post({ id: '/crashing', cmd: 'echo dying; exit 3', cpus: 0.1, mem: 16 })).status).toBe(201);
    expect((await post({ id: '/checked', cmd: 'sleep 100000', cpus: 0.1, mem: 16, healthChecks: [{ protocol: 'COMMAND', command: { value: 'true' }, gracePeriodSeconds: 5, intervalSeconds: 1, maxConsecutiveFailures: 3 }] })).status).toBe(201);
    await page.goto(`${base}/#/dashboard`);
    const failing = page.getByTestId('failing-tasks');
    await failing.getByText(/^crashing failed on /).first().waitFor({ timeout: 30_000 });
    await screenshot(page, 'dashboard-failing');
    const task = await waitFor(async () => ((await (await fetch(`${marathon.base}/v2/apps/checked/tasks`)).json()) as { tasks: { id: string; healthCheckResults?: { alive: boolean }[] }[] }).tasks.find((t) => t.healthCheckResults?.[0]?.alive), { what: '/checked healthy', timeoutMs: 30_000 });
    await page.goto(`${base}/#/tasks/${encodeURIComponent(task.id)}`);
    await page.getByTestId('task-health').filter({ hasText: /^healthy/ }).waitFor({ timeout: 15_000 });
    await page.getByTestId('task-state').getByText('TASK_RUNNING (healthy)').waitFor();
    await screenshot(page, 'task-health');
    await fetch(`${marathon.base}/v2/apps/crashing?force=true`, { method: 'DELETE' });
    await fetch(`${marathon.base}/v2/apps/checked?force=true`, { method: 'DELETE' });
  });
});
