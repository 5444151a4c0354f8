import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { fetchState } from '../master-api';
import { Supervisor } from '../supervisor/supervisor';

export interface UpOptions {
  workDir: string;
  masterPort: number;
  agentPort: number;
  agents: number;
  resources?: string;
  ip: string;
  marathonPort: number;
  marathon: boolean;
  chronosPort: number;
  chronos: boolean;
}

const bin = (pkg: string, file: string) => require.resolve(`@strata/${pkg}/bin/${file}`);

/**
 * A whole cluster on this machine: one master and N agents as separate processes (the same
 * bins an operator runs), state and logs under one directory, kept running by a supervisor: a
 * service that dies is restarted with backoff while the rest, and every task, run on. Ctrl-C
 * stops the frameworks, then the agents (killing their tasks), then the master.
 */
export async function upCommand(opts: UpOptions): Promise<void> {
  const workDir = path.resolve(opts.workDir);
  const logDir = path.join(workDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const master = `${opts.ip}:${opts.masterPort}`;
  const supervisor = new Supervisor((line) => process.stderr.write(`${line}\n`));
  const start = (name: string, file: string, args: string[], stopSignal: NodeJS.Signals) => supervisor.start({ name, bin: file, args, stopSignal, logFile: path.join(logDir, `${name}.log`) });

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write('stopping the cluster...\n');
    // Frameworks first (they must not relaunch what is being stopped), then agents (SIGUSR1 kills their tasks), then the master.
    await supervisor.stop([(n) => n === 'marathon' || n === 'chronos', (n) => n.startsWith('agent'), (n) => n === 'master']);
    process.exit(code);
  };
  const stopOn = () =>
    stop(0).catch((err: unknown) => {
      process.stderr.write(`cannot stop the cluster cleanly: ${(err as Error).message}\n`);
      process.exit(1);
    });
  process.once('SIGINT', stopOn);
  process.once('SIGTERM', stopOn);

  try {
    await bringUp();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    await stop(1);
  }

  async function bringUp(): Promise<void> {
    start('master', bin('master', 'strata-master.js'), ['--ip', opts.ip, '--port', String(opts.masterPort), '--hostname', opts.ip, '--work-dir', path.join(workDir, 'master')], 'SIGTERM');
    await waitUntil(async () => (await fetch(`http://${master}/health`)).ok, 15_000, `the master on ${master}`);
    for (let i = 0; i < opts.agents; i++) {
      const args = ['--master', master, '--ip', opts.ip, '--port', String(opts.agentPort + i), '--hostname', opts.ip, '--advertise-ip', opts.ip, '--work-dir', path.join(workDir, `agent-${i}`)];
      if (opts.resources) args.push('--resources', opts.resources);
      start(`agent-${i}`, bin('agent', 'strata-agent.js'), args, 'SIGUSR1');
    }
    await waitUntil(async () => (await fetchState(master)).slaves.filter((a) => a.active).length >= opts.agents, 15_000, `${opts.agents} agent(s) to register`);
    const marathon = `${opts.ip}:${opts.marathonPort}`;
    if (opts.marathon) {
      start('marathon', bin('marathon', 'strata-marathon.js'), ['--master', master, '--http-address', opts.ip, '--http-port', String(opts.marathonPort), '--hostname', opts.ip, '--state', path.join(workDir, 'marathon')], 'SIGTERM');
      await waitUntil(async () => (await fetch(`http://${marathon}/ping`)).ok, 15_000, `marathon on ${marathon}`);
    }
    const chronos = `${opts.ip}:${opts.chronosPort}`;
    if (opts.chronos) {
      start('chronos', bin('chronos', 'strata-chronos.js'), ['--master', master, '--http-address', opts.ip, '--http-port', String(opts.chronosPort), '--hostname', opts.ip, '--state', path.join(workDir, 'chronos')], 'SIGTERM');
      await waitUntil(async () => (await fetch(`http://${chronos}/ping`)).ok, 15_000, `chronos on ${chronos}`);
    }

    const lines = [
      'Strata is up.',
      `  master   grpc+http  ${master}       state: http://${master}/master/state`,
      ...Array.from({ length: opts.agents }, (_, i) => `  agent-${i}  http       ${opts.ip}:${opts.agentPort + i}`),
      ...(opts.marathon ? [`  marathon http       ${marathon}       apps: curl http://${marathon}/v2/apps`] : []),
      ...(opts.chronos ? [`  chronos  http       ${chronos}       jobs: curl http://${chronos}/v1/scheduler/jobs`] : []),
      `  work dir ${workDir} (logs in ${logDir})`,
      `  pids     ${['master', ...Array.from({ length: opts.agents }, (_, i) => `agent-${i}`), ...(opts.marathon ? ['marathon'] : []), ...(opts.chronos ? ['chronos'] : [])].map((n) => `${n}=${supervisor.pid(n)}`).join(' ')}`,
      '',
      'Try:  strata run --cpus 0.1 --mem 32 -- echo hello    |    strata agents    |    strata tasks --all',
      'A service that dies is restarted; Ctrl-C stops the cluster.',
    ];
    process.stdout.write(lines.join('\n') + '\n');
  }
  await new Promise<never>(() => undefined);
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
