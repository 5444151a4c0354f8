import { performance } from 'node:perf_hooks';
import * as path from 'node:path';
import { freePort } from '@strata/lib';
import { EtcdCluster } from '@strata/lib/ha';
import { tmpDir, waitFor } from '@strata/lib/testing';
import { isTerminalState, type Offer__Output, type TaskStatus__Output } from '@strata/proto';
import { SchedulerDriver, taskInfo } from '@strata/sdk';
import { BINS, type ServiceProcess } from '../processes';
import { EMULATOR, connectedAgents, masterMetrics, startService } from './scale-bench';
import { round } from './stats';

/** Progress on stderr, at most once a second: the JSON result alone goes to stdout. */
let lastProgress = 0;
function progress(line: string): void {
  if (Date.now() - lastProgress < 1000) return;
  lastProgress = Date.now();
  process.stderr.write(`${line}\n`);
}

const DURATION_LABEL = 'strata.emulator/duration_ms';

/**
 * Recovery at scale: `agents` emulated agents holding `tasksPerAgent` running tasks each, under
 * a leading master on etcd with a standby; the leader is SIGKILLed, and the figure is the time
 * until the standby leads with every agent reregistered and every task back (its gauges).
 * Mesos 1.5 took about 19 s for 40,000 agents and 400,000 tasks after its recovery work.
 */
export async function haRecovery(opts: { agents: number; tasksPerAgent: number; agentsPerEmulator?: number }) {
  const dir = tmpDir('strata-ha-recovery-');
  const cluster = `rec${process.pid}`;
  const etcd = await EtcdCluster.start({ members: 3, dir: path.join(dir.path, 'etcd') });
  const masters: ServiceProcess[] = [];
  const emulators: ServiceProcess[] = [];
  const ports = [await freePort(), await freePort()];
  const address = (i: number) => `127.0.0.1:${ports[i]}`;
  const leading = async (i: number) => ((await (await fetch(`http://${address(i)}/health`)).json()) as { leading: boolean }).leading;
  let driver: SchedulerDriver | undefined;
  try {
    for (let i = 0; i < 2; i++) {
      masters.push(startService(`master-${i}`, BINS.master, ['--ip', '127.0.0.1', '--port', String(ports[i]), '--work-dir', path.join(dir.path, `m${i}`), '--etcd', etcd.endpoints.join(','), '--cluster-name', cluster, '--lease-ttl', '2', '--agent-ping-timeout', '15', '--max-offers-per-framework', '0'], process.env.BENCH_MASTER_NODE_ARGS));
      await waitFor(async () => (await fetch(`http://${address(i)}/master/health`)).ok, { timeoutMs: 15_000, what: `master-${i}` });
    }
    const first = await waitFor(async () => ((await leading(0)) ? 1 : (await leading(1)) ? 2 : 0), { what: 'a leader' }) - 1;
    const second = 1 - first;
    const masterUrl = etcd.masterUrl(cluster);
    const perEmulator = opts.agentsPerEmulator ?? 20_000;
    const started = performance.now();
    for (let i = 0, left = opts.agents; left > 0; i++, left -= perEmulator) {
      emulators.push(startService(`emulator-${i}`, EMULATOR, ['--master', masterUrl, '--agents', String(Math.min(perEmulator, left)), '--host-prefix', `emu${i}`, '--resources', 'cpus:8;mem:16384;disk:100000;ports:[31000-32000]', '--task-ms', '36000000', '--stats-interval', '1000'], '--expose-gc --max-old-space-size=8192'));
    }
    await waitFor(async () => (await connectedAgents(address(first))) === opts.agents, { timeoutMs: 900_000, intervalMs: 500, what: `${opts.agents} agents registered` });
    const registerS = (performance.now() - started) / 1000;

    // One framework fills every agent with its share of long tasks, one ACCEPT per offer. A launch
    // on an offer rescinded meanwhile comes back terminal: its room is offered again and refilled.
    const total = opts.agents * opts.tasksPerAgent;
    let next = 0;
    let placed = 0;
    const running = new Set<string>();
    driver = new SchedulerDriver({ master: masterUrl, framework: { name: 'fill', user: 'root', roles: ['*'], failoverTimeout: 3600 } });
    const d = driver;
    d.on('offers', (offers: Offer__Output[]) => {
      for (const o of offers) {
        const n = Math.min(opts.tasksPerAgent, total - placed);
        if (n <= 0) {
          // Full for good only once every task runs: a launch still in flight may come back lost.
          d.decline([o.id!.value], { refuseSeconds: running.size >= total ? 3600 : 2 });
          continue;
        }
        placed += n;
        const tasks = Array.from({ length: n }, () => ({ ...taskInfo(o, { id: `t${next++}`, command: 'true', cpus: 0.1, mem: 16 }), labels: { labels: [{ key: DURATION_LABEL, value: '36000000' }] } }));
        d.launch([o.id!.value], tasks, { refuseSeconds: 3600 });
      }
    });
    const lastState = new Map<string, string>();
    d.on('update', (st: TaskStatus__Output) => {
      const id = st.taskId?.value ?? '';
      lastState.set(id, `${st.state}${st.reason ? ` ${st.reason}` : ''}`);
      if (isTerminalState(st.state)) placed--;
      else if (st.state === 'TASK_RUNNING') running.add(id);
    });
    const f0 = performance.now();
    await d.subscribe(60_000);
    // Running on the agents, not only sent: a launch still in the old leader's outbox when it dies
    // is lost with it (Mesos's rule too; the framework learns it by reconciling).
    await waitFor(async () => {
      const runningOnMaster = (await masterMetrics(address(first)))('tasks', 'state="TASK_RUNNING"');
      progress(`ha-recovery: fill ${runningOnMaster}/${total} running on the master, ${placed} placed, ${running.size} seen running`);
      return runningOnMaster === total;
    }, { timeoutMs: Number(process.env.BENCH_HA_FILL_TIMEOUT_MS ?? 900_000), intervalMs: 500, what: `${total} tasks running` }).catch(async (err: unknown) => {
      // Where the launches that never ran are: the master's task gauges, the framework's last word on each, the emulators' counters.
      const text = await (await fetch(`http://${address(first)}/metrics`)).text();
      const byState = new Map<string, number>();
      for (let i = 0; i < next; i++) {
        const s = lastState.get(`t${i}`) ?? 'no update';
        if (!running.has(`t${i}`) || s !== 'TASK_RUNNING') byState.set(s, (byState.get(s) ?? 0) + 1);
      }
      const never = Array.from({ length: next }, (_, i) => `t${i}`).filter((id) => !lastState.has(id)).slice(0, 5);
      process.stderr.write(`ha-recovery: fill stalled. master task gauges: ${text.split('\n').filter((l) => l.startsWith('strata_master_tasks{')).join(' ')}\n`);
      process.stderr.write(`ha-recovery: framework's last state of the tasks not running: ${JSON.stringify(Object.fromEntries(byState))}; e.g. never heard of ${never.join(',')}\n`);
      process.stderr.write(`ha-recovery: the emulators say ${JSON.stringify(emulators.map((e) => e.logs.filter((l) => l.event === 'stats').at(-1)))}\n`);
      const said = new Map<string, number>();
      for (const l of masters[first]!.logs) if (l.level !== 'info' && l.level !== 30) said.set(String(l.msg), (said.get(String(l.msg)) ?? 0) + 1);
      process.stderr.write(`ha-recovery: the leader warned ${JSON.stringify(Object.fromEntries(said))}\n`);
      throw err;
    });
    const fillS = (performance.now() - f0) / 1000;

    const emulated = () => emulators.map((e) => e.logs.filter((l) => l.event === 'stats').at(-1));
    process.stderr.write(`ha-recovery: before the kill the emulators say ${JSON.stringify(emulated())}\n`);
    const t0 = performance.now();
    await masters[first]!.stop('SIGKILL');
    await waitFor(() => leading(second), { intervalMs: 20, timeoutMs: 30_000, what: 'the standby leading' });
    const electedMs = performance.now() - t0;
    let agentsBackMs = 0;
    // One scrape per look, four a second: the observer's own cost stays out of what is measured.
    await waitFor(async () => {
      const metric = await masterMetrics(address(second));
      const agents = metric('agents', 'state="connected"');
      if (agents === opts.agents && !agentsBackMs) agentsBackMs = performance.now() - t0;
      const tasks = metric('tasks');
      progress(`ha-recovery: ${agents}/${opts.agents} agents, ${tasks}/${total} tasks on the new leader`);
      return agents === opts.agents && tasks === total;
    }, { intervalMs: 250, timeoutMs: 300_000, what: 'every agent and task back on the new leader' }).catch((err: unknown) => {
      // What the new leader said, counted by message: the first clue when the run does not recover.
      const said = new Map<string, number>();
      const reported = new Map<number, number>();
      const count = <K>(m: Map<K, number>, k: K) => m.set(k, (m.get(k) ?? 0) + 1);
      for (const l of masters[second]!.logs) {
        count(said, `${String(l.level)} ${String(l.msg)}`);
        if (l.msg === 'agent reregistered') count(reported, Number(l.tasks));
      }
      process.stderr.write(`ha-recovery: the new leader logged ${JSON.stringify(Object.fromEntries(said))}; agents by tasks reported ${JSON.stringify(Object.fromEntries(reported))}\n`);
      process.stderr.write(`ha-recovery: the emulators say ${JSON.stringify(emulated())}\n`);
      throw err;
    });
    const allBackMs = performance.now() - t0;
    return {
      agents: opts.agents,
      tasks: total,
      register_all_agents_s: round(registerS, 1),
      fill_s: round(fillS, 1),
      sigkill_to_standby_leading_ms: round(electedMs, 0),
      sigkill_to_all_agents_reregistered_ms: round(agentsBackMs, 0),
      sigkill_to_all_tasks_back_ms: round(allBackMs, 0),
      elected_to_all_back_ms: round(allBackMs - electedMs, 0),
      lease_ttl_s: 2,
      goal: 'all back within 10,000 ms of the new leader (Mesos 1.5: ~19 s for 40,000 / 400,000)',
      goal_met: allBackMs - electedMs < 10_000,
    };
  } finally {
    driver?.close();
    await Promise.all(emulators.map((e) => e.stop()));
    await Promise.all(masters.map((m) => m.stop()));
    await etcd.stop();
    dir.remove();
  }
}
