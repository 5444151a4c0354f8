import { randomUUID } from 'node:crypto';
import { SchedulerDriver, offerResources, taskInfo } from '@strata/sdk';
import { isTerminalState, type Offer__Output } from '@strata/proto';
import { res } from '@strata/lib';

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
 * Runs one command as a task, like mesos-execute: subscribe, take the first offer that fits,
 * print each state change, and exit with the task's exit code (1 if it has none, e.g. killed).
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
  const driver = new SchedulerDriver({ master: opts.master, framework: { name: `strata run ${opts.name ?? ''}`.trim(), user: process.env.USER ?? 'root', failoverTimeout: 0 } });
  const say = (line: string) => { if (!opts.quiet) process.stderr.write(`${line}\n`); };
  const frameworkId = await driver.subscribe();
  say(`subscribed as framework ${frameworkId}`);
  const wanted = res.resources({ cpus: opts.cpus, mem: opts.mem, ...(opts.disk ? { disk: opts.disk } : {}) });

  return new Promise<number>((resolve) => {
    let launched: Offer__Output | undefined;
    let agentId = '';
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
      driver.launch([fit.id!.value], [taskInfo(fit, { id: taskId, command: command.join(' '), cpus: opts.cpus, mem: opts.mem, disk: opts.disk || undefined, env, killGraceMs: opts.killGrace * 1000 })]);
      driver.suppress();
    });
    driver.on('update', (s) => {
      if (s.taskId?.value !== taskId) return;
      say(`${s.state}${s.message ? `: ${s.message}` : ''}`);
      if (isTerminalState(s.state)) finish(s.state === 'TASK_FINISHED' ? 0 : s.exitCode ?? 1);
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
