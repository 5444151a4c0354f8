import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { fetchState } from '../master-api';

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

interface Service {
  name: string;
  child: ChildProcess;
  stopSignal: NodeJS.Signals;
}

const bin = (pkg: string, file: string) => require.resolve(`@strata/${pkg}/bin/${file}`);

/**
 * A whole cluster on this machine: one master and N agents as separate processes (the same
 * bins an operator runs), state and logs under one directory. Ctrl-C kills the tasks, then the
 * agents and the master, and waits for them.
 */
export async function upCommand(opts: UpOptions): Promise<void> {
  const workDir = path.resolve(opts.workDir);
  const logDir = path.join(workDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const master = `${opts.ip}:${opts.masterPort}`;
  const services: Service[] = [];
  const start = (name: string, file: string, args: string[], stopSignal: NodeJS.Signals) => {
    const log = createWriteStream(path.join(logDir, `${name}.log`), { flags: 'a' });
    const child = spawn(process.execPath, [file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.pipe(log);
    child.stderr!.on('data', (d: Buffer) => {
      log.write(d);
      process.stderr.write(`[${name}] ${d}`);
    });
    child.on('exit', (code, signal) => {
      if (!stopping) {
        process.stderr.write(`${name} exited unexpectedly (${signal ?? `code ${code}`}); see ${path.join(logDir, `${name}.log`)}\n`);
        void stop(1);
      }
    });
    services.push({ name, child, stopSignal });
  };

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write('stopping the cluster...\n');
    // Frameworks first (they must not relaunch what is being stopped), then agents (SIGUSR1 kills their tasks), then the master.
    for (const group of [services.filter((s) => s.name === 'marathon' || s.name === 'chronos'), services.filter((s) => s.name.startsWith('agent')), services.filter((s) => s.name === 'master')]) {
      await Promise.all(group.map((s) => new Promise<void>((resolve) => {
        if (s.child.exitCode !== null || s.child.signalCode !== null) return resolve();
        s.child.once('exit', () => resolve());
        s.child.kill(s.stopSignal);
        setTimeout(() => s.child.kill('SIGKILL'), 12_000).unref();
      })));
    }
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

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
    '',
    'Try:  strata run --cpus 0.1 --mem 32 -- echo hello    |    strata agents    |    strata tasks --all',
    'Ctrl-C stops the cluster.',
  ];
  process.stdout.write(lines.join('\n') + '\n');
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
