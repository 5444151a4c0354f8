import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import { SchedulerDriver, offerResources, taskInfo } from '@strata/sdk';
import { isTerminalState, type Offer__Output } from '@strata/proto';
import { res } from '@strata/lib';
import { clusterAuthorization } from '../cluster/config';
import { authorizationHeaders } from '../master-api';
import { FileFollower, agentAddress, agentScheme, sandboxFile } from './task-files';

export interface RunOptions {
  master: string;
  cpus: number;
  mem: number;
  disk: number;
  name?: string;
  env: string[];
  killGrace: number;
  quiet?: boolean;
}

/**
 * The task's command: one word after `--` is a shell command line (`strata run -- 'echo $HOST'`);
 * several words are an argv run as given, with no shell to re-split them (as `docker run IMAGE
 * CMD ARGS`): `strata run -- sh -c 'exit 3'` runs sh with two arguments.
 */
export function commandOf(words: string[]): { command: string } | { argv: string[] } {
  return words.length === 1 ? { command: words[0]! } : { argv: words };
}

/** How often the task's stdout and stderr are read while it runs. */
const OUTPUT_POLL_MS = 200;

/**
 * Runs one command as a task, like mesos-execute: subscribe, take the first offer that fits,
 * stream the task's stdout and stderr to ours while it runs (status lines on stderr, none with
 * -q), and exit with the task's exit code (1 if it has none, e.g. killed).
 */
export async function runCommand(command: string[], opts: RunOptions): Promise<number> {
  if (command.length === 0) throw new Error('nothing to run: give a command after --');
  const env: Record<string, string> = {};
  for (const e of opts.env) {
    const i = e.indexOf('=');
    if (i <= 0) throw new Error(`--env '${e}' is not NAME=value`);
    env[e.slice(0, i)] = e.slice(i + 1);
  }
  const taskId = `${opts.name ?? 'strata-run'}.${randomUUID()}`;
  const authorization = clusterAuthorization();
  const driver = new SchedulerDriver({ master: opts.master, framework: { name: `strata run ${opts.name ?? ''}`.trim(), user: os.userInfo().username, failoverTimeout: 0 }, ...(authorization ? { authorization } : {}) });
  const headers = authorizationHeaders();
  const say = (line: string) => { if (!opts.quiet) process.stderr.write(`${line}\n`); };
  const frameworkId = await driver.subscribe();
  say(`subscribed as framework ${frameworkId}`);
  const wanted = res.resources({ cpus: opts.cpus, mem: opts.mem, ...(opts.disk ? { disk: opts.disk } : {}) });

  /** Follows stdout and stderr through the agent's files API until drained after the end. */
  const startOutput = (agent: string) => {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const followers = agentAddress(opts.master, agent).then((address) => [
      new FileFollower(`${agentScheme()}://${address}`, sandboxFile(frameworkId, taskId, 'stdout'), process.stdout, headers),
      new FileFollower(`${agentScheme()}://${address}`, sandboxFile(frameworkId, taskId, 'stderr'), process.stderr, headers),
    ]);
    followers.catch(() => undefined); // reported by drain()
    const pumpAll = async () => Promise.all((await followers).map((f) => f.pump()));
    const loop = () => {
      if (stopped) return;
      pumpAll()
        .catch(() => undefined) // a transient read error: the next poll or the drain says so
        .finally(() => {
          if (!stopped) timer = setTimeout(loop, OUTPUT_POLL_MS);
        });
    };
    loop();
    return {
      drain: async () => {
        stopped = true;
        if (timer) clearTimeout(timer);
        await pumpAll();
      },
    };
  };

  return new Promise<number>((resolve) => {
    let launched: Offer__Output | undefined;
    let agentId = '';
    let output: ReturnType<typeof startOutput> | undefined;
    const finish = (code: number) => {
      driver.close();
      resolve(code);
    };
    driver.on('offers', (offers) => {
      const fit = launched ? undefined : offers.find((o) => res.contains(offerResources(o), wanted));
      const others = offers.filter((o) => o !== fit).map((o) => o.id!.value);
      if (others.length) driver.decline(others, { refuseSeconds: launched ? 3600 : 1 });
      if (!fit) return;
      launched = fit;
      agentId = fit.agentId!.value;
      say(`launching task ${taskId} on agent ${agentId} (${fit.hostname})`);
      driver.launch([fit.id!.value], [taskInfo(fit, { id: taskId, ...commandOf(command), cpus: opts.cpus, mem: opts.mem, disk: opts.disk || undefined, env, killGraceMs: opts.killGrace * 1000 })]);
      driver.suppress();
      output = startOutput(agentId);
    });
    driver.on('update', (s) => {
      if (s.taskId?.value !== taskId) return;
      say(`${s.state}${s.message ? `: ${s.message}` : ''}`);
      if (!isTerminalState(s.state)) return;
      const code = s.state === 'TASK_FINISHED' ? 0 : s.exitCode ?? 1;
      // What the task wrote last is read before we exit.
      (output?.drain() ?? Promise.resolve()).then(
        () => finish(code),
        (err: unknown) => {
          say(`cannot read the task's output: ${(err as Error).message}`);
          finish(code);
        },
      );
    });
    driver.on('error', (message) => say(`error from master: ${message}`));
    driver.on('closed', (why) => {
      say(`connection to the master closed: ${why}`);
      finish(launched ? 1 : 2);
    });
    const interrupt = () => {
      if (launched) {
        say('killing task');
        driver.kill(taskId, agentId);
      } else finish(130);
    };
    process.once('SIGINT', interrupt);
    process.once('SIGTERM', interrupt);
  });
}
