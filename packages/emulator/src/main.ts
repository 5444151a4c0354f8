import { Command, InvalidArgumentError } from 'commander';
import { createLogger, stopOnSignals, runMain } from '@strata/lib';
import { EmulatedAgentPool } from './emulated-agent-pool';

const count = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`'${v}' is not a positive integer`);
  return n;
};

async function main(): Promise<void> {
  const opts = new Command('strata-emulator')
    .description('Registers emulated agents with a Strata master over the real agent channel; tasks are acknowledged and finish on a timer, no processes run')
    .option('--master <host:port>', 'master address', '127.0.0.1:5050')
    .option('--agents <n>', 'agents to emulate', count, 1000)
    .option('--resources <text>', 'resources of each agent (Mesos syntax)', 'cpus:8;mem:16384;disk:100000;ports:[31000-32000]')
    .option('--task-ms <ms>', 'how long a task runs unless its label strata.emulator/duration_ms says otherwise', count, 1000)
    .option('--connections <n>', 'HTTP/2 connections to spread the agents over (default: one per 1,000 agents)', count)
    .option('--host-prefix <prefix>', 'agent hostnames are <prefix>-<i>', 'emu')
    .option('--stats-interval <ms>', 'print a stats line on stdout this often (0: never)', (v) => Number(v), 0)
    .parse()
    .opts<{ master: string; agents: number; resources: string; taskMs: number; connections?: number; hostPrefix: string; statsInterval: number }>();
  const log = createLogger('emulator');
  const pool = new EmulatedAgentPool({ master: opts.master, agents: opts.agents, resources: opts.resources, taskDurationMs: opts.taskMs, connections: opts.connections, hostPrefix: opts.hostPrefix, log });
  const started = Date.now();
  await pool.start();
  // Registering thousands of agents leaves a large heap to collect: with --expose-gc it is
  // collected now, so a long pause of this harness does not land later in a measurement of the
  // master (the emulator's own GC pauses showed up as 100-200 ms launch outliers).
  (globalThis as { gc?: () => void }).gc?.();
  // One JSON line on stdout says the agents are up: a parent process waits for it.
  process.stdout.write(`${JSON.stringify({ event: 'ready', agents: opts.agents, ms: Date.now() - started })}\n`);
  const timer = opts.statsInterval > 0 ? setInterval(() => process.stdout.write(`${JSON.stringify({ event: 'stats', rssMb: Math.round(process.memoryUsage().rss / 2 ** 20), ...pool.stats() })}\n`), opts.statsInterval) : undefined;
  stopOnSignals(log, async () => {
    if (timer) clearInterval(timer);
    pool.stop();
  });
}

runMain('strata-emulator', main);
