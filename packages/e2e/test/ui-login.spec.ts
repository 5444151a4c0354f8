import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { authorizationFor, generateTokenKeys } from '@strata/lib';
import { tmpDir, waitFor } from '@strata/lib/testing';
import { BINS, LocalCluster, MarathonProcess, ServiceProcess } from '../src';
import { launchChromium, screenshot } from '../src/browser';

jest.setTimeout(180_000);

/**
 * The UI on a cluster with authentication and per-path permissions (issue 17), in a real
 * Chromium: a visitor is asked to log in; the gateway keeps the login as DC/OS's HttpOnly cookie
 * (the page never holds the token); team A then sees its own services and none of team B's.
 */
describe('the web UI behind a login', () => {
  const dir = tmpDir('strata-ui-login-');
  const keys = generateTokenKeys();
  const files = { credentials: path.join(dir.path, 'credentials'), publicKey: path.join(dir.path, 'token.pub'), privateKey: path.join(dir.path, 'token.key'), permissions: path.join(dir.path, 'permissions.json'), credential: path.join(dir.path, 'gateway.credential'), secret: path.join(dir.path, 'admin.secret') };
  writeFileSync(files.credentials, 'admin admin-secret\nteama a-secret\nteamb b-secret\n');
  writeFileSync(files.publicKey, keys.publicKey);
  writeFileSync(files.privateKey, keys.privateKey);
  writeFileSync(files.credential, 'admin admin-secret');
  writeFileSync(files.secret, 'admin-secret');
  writeFileSync(
    files.permissions,
    JSON.stringify({
      permissions: [
        { principal: 'admin', resource: 'dcos:superuser', actions: 'full' },
        { principal: 'teama', resource: 'dcos:service:marathon:marathon:services:/teama', actions: 'full' },
        { principal: 'teamb', resource: 'dcos:service:marathon:marathon:services:/teamb', actions: 'full' },
      ],
    }),
  );
  const auth = ['--authenticate', '--credentials', files.credentials, '--token-public-key', files.publicKey];
  const admin = authorizationFor({ kind: 'basic', principal: 'admin', secret: 'admin-secret' });

  let cluster: LocalCluster;
  let marathon: MarathonProcess;
  let gateway: ServiceProcess;
  let base = '';
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    cluster = await LocalCluster.start({ agents: 1, masterArgs: auth, agentArgs: [...auth, '--credential', files.credential], authorization: admin });
    marathon = await MarathonProcess.start(cluster, [...auth, '--permissions', files.permissions, '--mesos-authentication-principal', 'admin', '--mesos-authentication-secret-file', files.secret]);
    marathon.authorization = admin;
    gateway = ServiceProcess.start('gateway', BINS.gateway, ['--port', '0', '--http-address', '127.0.0.1', '--master', cluster.masterAddress, '--marathon', marathon.base, '--chronos', '', ...auth, '--token-private-key', files.privateKey, '--credential', files.credential]);
    base = `http://127.0.0.1:${(await gateway.waitForLog('gateway listening')).port}`;
    for (const id of ['/teama/web', '/teamb/db']) expect((await marathon.call('POST', '/v2/apps', { id, cmd: 'sleep 100000', cpus: 0.1, mem: 16, instances: 0 })).status).toBe(201);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });
  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    await marathon?.stop();
    await cluster?.stop();
    dir.remove();
  });
  afterEach(() => expect(pageErrors).toEqual([]));

  it('asks a visitor to log in, and says so when the password is wrong', async () => {
    await page.goto(`${base}/#/services`);
    await page.getByTestId('login').waitFor();
    await page.fill('[data-testid=login-uid]', 'teama');
    await page.fill('[data-testid=login-password]', 'wrong');
    await page.click('[data-testid=login] button[type=submit]');
    expect(await page.getByTestId('login-error').textContent()).toBe('invalid uid or password');
    await screenshot(page, 'login');
  });

  it("logged in as team A it shows team A's services and none of team B's; the token stays out of the page's reach", async () => {
    await page.fill('[data-testid=login-password]', 'a-secret');
    await page.click('[data-testid=login] button[type=submit]');
    await page.getByTestId('group-/teama').waitFor();
    expect(await page.getByTestId('group-/teamb').count()).toBe(0);
    await page.getByTestId('group-/teama').getByRole('link').first().click();
    await page.getByTestId('service-/teama/web').waitFor();
    expect(await page.getByTestId('user').textContent()).toContain('teama');
    const html = await page.content();
    expect(html).not.toContain('/teamb');
    // HttpOnly: the page's scripts cannot read the cookie that carries the token.
    expect(await page.evaluate('document.cookie')).toBe('');
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'dcos-acs-auth-cookie')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    await screenshot(page, 'services-as-teama');
  });

  it('logging out clears the cookie: the next request is asked to log in again', async () => {
    await page.getByTestId('user').getByText('log out').click();
    await page.getByTestId('login').waitFor();
    await waitFor(async () => !(await page.context().cookies()).some((c) => c.name === 'dcos-acs-auth-cookie' && c.value) || undefined, { what: 'the cookie cleared' });
    const r = await fetch(`${base}/marathon/v2/apps`);
    expect(r.status).toBe(401);
  });
});
