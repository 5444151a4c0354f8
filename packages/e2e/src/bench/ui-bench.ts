import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { waitFor } from '@strata/lib/testing';
import { launchChromium } from '../browser';
import { LocalCluster } from '../cluster';
import { MarathonProcess } from '../marathon-process';
import { BINS, ServiceProcess } from '../processes';
import { EMULATOR, startService } from './scale-bench';
import { round, summary } from './stats';

const progress = (line: string) => process.stderr.write(`${line}\n`);

/**
 * The operator's surface under load: `apps` Marathon apps of `perApp` instances running on
 * emulated agents (real master, real Marathon, real gateway), then
 * - the gateway's overhead on GET /v2/apps (medians, through the gateway vs Marathon directly);
 * - in Chromium, time from navigation to a rendered services list (every app's row) and to a
 *   rendered tasks list, beside the time to the bare shell in the same page (the baseline);
 * - the UI bundle's size.
 */
export async function uiBench(opts: { apps: number; perApp: number }) {
  const agents = Math.max(1, Math.ceil((opts.apps * opts.perApp) / 40));
  const cluster = await LocalCluster.start({ agents: 0 });
  const emulator = startService('emulator', EMULATOR, ['--master', cluster.masterAddress, '--agents', String(agents), '--host-prefix', 'ui', '--resources', 'cpus:8;mem:16384;disk:100000;ports:[31000-32000]', '--task-ms', '36000000']);
  const marathon = await MarathonProcess.start(cluster);
  const gw = ServiceProcess.start('gateway', BINS.gateway, ['--port', '0', '--http-address', '127.0.0.1', '--master', cluster.masterAddress, '--marathon', marathon.base, '--chronos', '']);
  const out: Record<string, unknown> = { apps: opts.apps, tasks: opts.apps * opts.perApp, emulated_agents: agents };
  try {
    const base = `http://127.0.0.1:${(await gw.waitForLog('gateway listening')).port}`;
    await waitFor(async () => ((await (await fetch(`http://${cluster.masterAddress}/master/state`)).json()) as { slaves: unknown[] }).slaves.length === agents, { timeoutMs: 120_000, what: `${agents} emulated agents` });
    const t0 = performance.now();
    for (let i = 0; i < opts.apps; i += 50) {
      const b0 = performance.now();
      await Promise.all(Array.from({ length: Math.min(50, opts.apps - i) }, (_, k) => marathon.call('POST', '/v2/apps', { id: `/app-${String(i + k).padStart(4, '0')}`, cmd: 'sleep 36000', cpus: 0.01, mem: 1, instances: opts.perApp, portDefinitions: [] })));
      progress(`ui-bench: ${i + 50} apps posted (batch ${round(performance.now() - b0, 0)} ms)`);
    }
    const total = opts.apps * opts.perApp;
    await waitFor(async () => {
      const apps = (await marathon.call('GET', '/v2/apps')).body.apps as { tasksRunning: number }[];
      const running = apps.reduce((n, a) => n + a.tasksRunning, 0);
      progress(`ui-bench: ${running}/${total} running`);
      return running === total;
    }, { timeoutMs: 900_000, intervalMs: 2_000, what: `${total} tasks running` });
    out.fill_ms = round(performance.now() - t0, 0);

    const time = async (url: string) => {
      const s = performance.now();
      const r = await fetch(url);
      await r.arrayBuffer();
      if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
      return performance.now() - s;
    };
    // Alternated, after a warm-up; 20 pairs under this load gave ratios from 0.85 to 1.14 on the same build.
    const direct: number[] = [];
    const via: number[] = [];
    for (let i = 0; i < 110; i++) {
      const straight = await time(`${marathon.base}/v2/apps`);
      const proxied = await time(`${base}/marathon/v2/apps`);
      if (i < 10) continue;
      direct.push(straight);
      via.push(proxied);
    }
    const d = summary(direct);
    const v = summary(via);
    out.gateway_overhead = { direct_p50_ms: d.p50, gateway_p50_ms: v.p50, ratio: round(v.p50 / d.p50, 3), goal: 'ratio under 1.1', goal_met: v.p50 / d.p50 < 1.1 };

    const browser = await launchChromium();
    try {
      const render = async (hash: string, ready: string) => {
        const shell: number[] = [];
        const full: number[] = [];
        for (let i = 0; i < 5; i++) {
          const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
          await page.goto(`${base}/${hash}`);
          await page.waitForSelector('[data-testid=view-title]');
          shell.push((await page.evaluate('performance.now()')) as number);
          await page.waitForFunction(ready, undefined, { timeout: 60_000, polling: 'raf' });
          full.push((await page.evaluate('performance.now()')) as number);
          await page.close();
        }
        const f = summary(full);
        const sh = summary(shell);
        return { shell_p50_ms: sh.p50, rendered_p50_ms: f.p50, rendered_p99_ms: f.p99, ratio: round(f.p50 / sh.p50, 2), goal: 'rendered under 1,000 ms', goal_met: f.p50 < 1_000 };
      };
      // Rendered: the list knows every row (its count) and has drawn the screenful in view (the rest is windowed).
      const drawn = (what: 'service' | 'task', n: number) => `document.querySelector('[data-testid=count-${what}s]')?.textContent?.startsWith('${n} ${what}s') && document.querySelectorAll('table[data-testid=${what}s] tbody tr[data-testid]').length >= Math.min(${n}, Math.floor(innerHeight / 80))`;
      out.services_first_render = await render('#/services', drawn('service', opts.apps));
      out.tasks_first_render = await render('#/tasks', drawn('task', total));
    } finally {
      await browser.close();
    }

    const dist = path.dirname(require.resolve('@strata/ui/dist/index.html'));
    const js = readFileSync(path.join(dist, 'app.js'));
    out.bundle = { app_js_bytes: statSync(path.join(dist, 'app.js')).size, app_js_gzip_bytes: gzipSync(js).length, app_css_bytes: statSync(path.join(dist, 'app.css')).size };
    return out;
  } catch (err) {
    // What the services were doing when it failed: the bench's error alone says only "fetch failed".
    for (const p of [marathon.proc, gw]) progress(`ui-bench: ${p.name} ${p.exit ? `exited ${JSON.stringify(p.exit)}` : 'running'}; last log lines:\n${p.logs.slice(-15).map((l) => JSON.stringify(l)).join('\n')}\n${p.stderr.slice(-2000)}`);
    throw Object.assign(err as Error, { message: `${(err as Error).message}${(err as Error).cause ? ` (${String((err as Error).cause)})` : ''}` });
  } finally {
    await gw.stop();
    await marathon.stop();
    await emulator.stop();
    await cluster.stop();
  }
}
