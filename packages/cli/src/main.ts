import { spawnSync } from 'node:child_process';
import { Command, InvalidArgumentError } from 'commander';
import { agentsCommand } from './commands/agents';
import { tasksCommand } from './commands/tasks';
import { runCommand } from './commands/run';
import { upCommand } from './commands/up';
import { logsCommand } from './commands/logs';
import { reservationCommand, rolesCommand } from './commands/reservations';
import { defaultMaster } from './master-api';
import { addGatewayCommands } from './gateway-commands';
import { bashScript, commandTree, zshScript } from './completion';

const num = (what: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`'${v}' is not a valid ${what}`);
  return n;
};
const collect = (v: string, prev: string[]) => [...prev, v];

const program = new Command('strata').description('Operate a Strata cluster').version('0.1.0');

/** A subcommand that talks to the master (`--master`, default $STRATA_MASTER or 127.0.0.1:5050). */
const masterCommand = (name: string, description: string) =>
  program.command(name).description(description).option('--master <host:port>', 'master address: host:port, several (host:port,host:port), or etcd://h1:2379,…/NAME', defaultMaster());

program
  .command('up')
  .description('run a whole local cluster (one master, agents) on this machine until Ctrl-C')
  .option('--work-dir <dir>', 'state and logs', '.strata')
  .option('--ip <ip>', 'address everything binds to', '127.0.0.1')
  .option('--master-port <port>', 'master port', num('port'), 5050)
  .option('--agent-port <port>', 'first agent port', num('port'), 5051)
  .option('--agents <n>', 'number of agents', num('count'), 1)
  .option('--resources <spec>', 'resources each agent offers (default: detected)')
  .option('--marathon-port <port>', 'port of the init framework (Marathon API)', num('port'), 8080)
  .option('--no-marathon', 'do not start the init framework')
  .option('--chronos-port <port>', 'port of the cron framework (Chronos API)', num('port'), 4400)
  .option('--no-chronos', 'do not start the cron framework')
  .option('--ha', 'highly available: a three-member etcd on loopback, three masters (--master-port, +100, +200), two of each framework (their port, +1)')
  .option('--etcd-port <port>', 'first etcd client port with --ha (then +100, +200; peers one above each)', num('port'), 2379)
  .option('--gateway-port <port>', 'port of the gateway (the UI and every API on one origin)', num('port'), 8000)
  .option('--no-gateway', 'do not start the gateway')
  .option('--secure', 'authentication on every service and TLS on every listener (mutual between master and agents): credentials, token keys and a cluster CA made under the work dir; prints the admin login')
  .action(async (o) => upCommand(o));

program
  .command('chaos')
  .description('a Jepsen-style run: a cluster on five hosts in network namespaces, faults on a schedule, checkers over the history (root; strata chaos --help)')
  .allowUnknownOption()
  .helpOption(false)
  .argument('[args...]', 'passed to strata-chaos: --seed N, --minutes N, --short, --dir, --keep, --clean, --help')
  .action((args: string[]) => {
    // Its own program (packages/chaos): spawned, not imported, as `strata up` spawns the services.
    const r = spawnSync(process.execPath, [require.resolve('@strata/chaos/bin/strata-chaos.js'), ...args], { stdio: 'inherit' });
    process.exitCode = r.status ?? 2;
  });

masterCommand('run', 'run one command as a task and exit with its exit code (like mesos-execute)')
  .argument('<command...>', 'the command, after --')
  .option('--cpus <n>', 'cpus for the task', num('cpus'), 0.1)
  .option('--mem <mb>', 'memory in MB', num('mem'), 32)
  .option('--disk <mb>', 'disk in MB', num('disk'), 0)
  .option('--name <name>', 'task name (prefix of its id)')
  .option('--env <NAME=value>', 'environment variable (repeatable)', collect, [])
  .option('--kill-grace <seconds>', 'SIGTERM-to-SIGKILL grace when killed', num('seconds'), 3)
  .option('-q, --quiet', 'print nothing but the task output')
  .action(async (command: string[], o) => {
    process.exitCode = await runCommand(command, o);
  });

masterCommand('agents', 'list agents with their resources')
  .option('--json', 'print JSON')
  .action(async (o) => agentsCommand(o));

masterCommand('tasks', 'list tasks')
  .option('--all', 'include completed tasks and frameworks')
  .option('--json', 'print JSON')
  .action(async (o) => tasksCommand(o));

masterCommand('roles', 'list roles with their weight, share, frameworks and what they hold')
  .option('--json', 'print JSON')
  .action(async (o) => rolesCommand(o));

for (const type of ['reserve', 'unreserve'] as const) {
  masterCommand(type, `${type} resources on an agent for a role (dynamic reservation), e.g. ${type} <agent-id> 'cpus(web):1;mem(web):128'`)
    .argument('<agent-id>', 'the agent')
    .argument('<resources>', "resources with their role, Mesos syntax: 'cpus(web):1;mem(web):128'")
    .action(async (agentId: string, resources: string, o) => reservationCommand(type, agentId, resources, o));
}

masterCommand('logs', "print a task's stdout (or stderr) from its sandbox")
  .argument('<task-id>', 'the task id, or an unambiguous prefix of it')
  .option('--stderr', 'stderr instead of stdout')
  .option('-f, --follow', 'keep printing as the task writes, until it ends')
  .action(async (taskId: string, o) => logsCommand(taskId, o));

addGatewayCommands(program, num);

// Completion is generated from the very tree that parses the command line, so it cannot drift.
program
  .command('completion')
  .description('print a shell completion script: source <(strata completion bash), or zsh')
  .argument('<shell>', 'bash or zsh')
  .action((shell: string) => {
    if (shell !== 'bash' && shell !== 'zsh') throw new InvalidArgumentError(`'${shell}' is not a shell strata completes: give bash or zsh`);
    process.stdout.write((shell === 'bash' ? bashScript : zshScript)(commandTree(program)));
  });

program.parseAsync().catch((err) => {
  process.stderr.write(`strata: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
