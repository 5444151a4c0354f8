import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import * as path from 'node:path';
import type { Container, Containerizer, ExitInfo, LaunchSpec } from './containerizer';

/**
 * Runs a task as a plain process in its own process group, with the sandbox as working directory
 * and stdout/stderr going to files there. Kills take the whole group, so a shell's children do
 * not outlive the task; whatever is left in the group when the main process exits is killed too.
 */
export class ProcessContainerizer implements Containerizer {
  async launch(spec: LaunchSpec): Promise<Container> {
    mkdirSync(spec.sandbox, { recursive: true });
    const out = openSync(path.join(spec.sandbox, 'stdout'), 'a');
    const err = openSync(path.join(spec.sandbox, 'stderr'), 'a');
    const shell = spec.command.shell ?? true;
    const [file, args, argv0] = shell
      ? ['/bin/sh', ['-c', spec.command.value], undefined]
      : [spec.command.value, spec.command.arguments.slice(1), spec.command.arguments[0]];
    let child;
    try {
      child = spawn(file, args, { cwd: spec.sandbox, env: spec.env, detached: true, stdio: ['ignore', out, err], argv0 });
    } finally {
      closeSync(out);
      closeSync(err);
    }
    let killed = false;
    let exited = false;
    let graceTimer: NodeJS.Timeout | undefined;
    const pid = child.pid;
    const signalGroup = (sig: NodeJS.Signals) => {
      if (pid === undefined) return;
      try {
        process.kill(-pid, sig);
      } catch {
        // ESRCH: the group is already gone
      }
    };
    const exitedPromise = new Promise<ExitInfo>((resolve) => {
      child.once('error', (e) => {
        if (exited) return;
        exited = true;
        resolve({ code: null, signal: null, killed, launchError: e.message });
      });
      child.once('exit', (code, signal) => {
        if (exited) return;
        exited = true;
        if (graceTimer) clearTimeout(graceTimer);
        signalGroup('SIGKILL'); // stragglers in the task's group die with it
        resolve({ code, signal, killed });
      });
    });
    return {
      pid,
      exited: exitedPromise,
      kill(gracePeriodMs: number) {
        if (exited || killed) return;
        killed = true;
        signalGroup('SIGTERM');
        graceTimer = setTimeout(() => signalGroup('SIGKILL'), Math.max(0, gracePeriodMs));
        graceTimer.unref();
      },
    };
  }
}
