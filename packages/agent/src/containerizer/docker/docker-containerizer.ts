import { createWriteStream, mkdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { constants } from 'node:os';
import { PassThrough } from 'node:stream';
import { finished } from 'node:stream/promises';
import { once } from 'node:events';
import Docker from 'dockerode';
import type { Logger } from '@strata/lib';
import type { Container, Containerizer, ExitInfo, LaunchSpec, RecoverSpec } from '../containerizer';
import { containerSpec, LABELS } from './container-spec';

export interface DockerOptions {
  socketPath: string;
  /** A pull that takes longer than this fails the task (the registry may be unreachable). */
  pullTimeoutMs: number;
  agentKey: string;
  agentId: () => string;
}

const signalName = (code: number): NodeJS.Signals | null =>
  code > 128 && code < 128 + 65 ? ((Object.entries(constants.signals).find(([, n]) => n === code - 128)?.[0] as NodeJS.Signals | undefined) ?? null) : null;

/**
 * Tasks in Docker containers through dockerode. The engine does the isolation (cpu shares and
 * memory from the task's resources); the agent keeps the lifecycle: image (local, else pulled),
 * create, start, logs into the sandbox, wait, kill with a grace period, report, then remove.
 * Containers carry labels naming this agent and their task, so a restarted agent reattaches to
 * running ones, reports those that ended with their real exit codes, and removes orphans.
 */
export class DockerContainerizer implements Containerizer {
  readonly docker: Docker;

  constructor(private readonly opts: DockerOptions, private readonly log: Logger) {
    this.docker = new Docker({ socketPath: opts.socketPath });
  }

  /** The engine's version if it answers, else why not. */
  static async probe(socketPath: string): Promise<{ version?: string; why?: string; bridge?: boolean }> {
    const docker = new Docker({ socketPath, timeout: 3_000 });
    try {
      const v = await docker.version();
      const nets = await docker.listNetworks({ filters: { name: ['bridge'] } });
      return { version: v.Version, bridge: nets.some((n) => n.Name === 'bridge') };
    } catch (err) {
      return { why: `no Docker engine at ${socketPath}: ${(err as Error).message}` };
    }
  }

  containerName(containerId: string): string {
    return `strata-${this.opts.agentKey}-${containerId}`.replace(/[^a-zA-Z0-9_.-]/g, '_');
  }

  async launch(spec: LaunchSpec): Promise<Container> {
    const image = spec.task.container?.docker?.image ?? '';
    const forcePull = spec.task.container?.docker?.forcePullImage ?? false;
    mkdirSync(spec.sandbox, { recursive: true });
    const options = containerSpec({
      name: this.containerName(spec.containerId),
      agentKey: this.opts.agentKey,
      agentId: this.opts.agentId(),
      frameworkId: spec.frameworkId,
      taskId: spec.taskId,
      containerId: spec.containerId,
      task: spec.task,
      resources: spec.resources,
      env: spec.env,
      sandbox: spec.sandbox,
      ...(spec.user ? { user: spec.user } : {}),
    });
    if (options.HostConfig?.NetworkMode === 'bridge') {
      const nets = await this.docker.listNetworks({ filters: { name: ['bridge'] } });
      if (!nets.some((n) => n.Name === 'bridge')) throw new Error("BRIDGE networking was asked for, but this agent's Docker engine has no bridge network");
    }
    if (forcePull) await this.pull(image);
    const c = await this.create(options, image, !forcePull);
    try {
      await c.start();
    } catch (err) {
      await c.remove({ force: true }).catch(() => undefined);
      throw new Error(`the engine could not start the container: ${engineMessage(err)}`);
    }
    return this.watch(c, spec.sandbox, false, 0);
  }

  recover(spec: RecoverSpec): Container {
    const c = this.docker.getContainer(this.containerName(spec.containerId));
    let since = 0;
    try {
      since = Math.floor(statSync(path.join(spec.sandbox, 'stdout')).mtimeMs / 1000) + 1;
    } catch {
      // no output yet
    }
    return this.watch(c, spec.sandbox, spec.killRequested, since);
  }

  async cleanupOrphans(live: Set<string>): Promise<void> {
    const mine = await this.docker.listContainers({ all: true, filters: { label: [`${LABELS.agent}=${this.opts.agentKey}`] } });
    for (const info of mine) {
      const id = info.Labels[LABELS.containerId] ?? '';
      if (live.has(id)) continue;
      this.log.warn({ container: info.Names[0], taskId: info.Labels[LABELS.taskId] }, 'removing orphan container');
      await this.docker.getContainer(info.Id).remove({ force: true }).catch((err) => this.log.warn({ err: engineMessage(err) }, 'cannot remove orphan container'));
    }
  }

  /**
   * Creates the container, learning about a missing image or a leftover container from the
   * engine's answer instead of asking first: the common case (image present, name free) costs one
   * call. A missing image is pulled once; a container of the same name left by a crash between
   * create and checkpoint is removed.
   */
  private async create(options: Docker.ContainerCreateOptions, image: string, mayPull: boolean): Promise<Docker.Container> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.docker.createContainer(options);
      } catch (err) {
        const status = (err as { statusCode?: number }).statusCode;
        if (status === 404 && mayPull && attempt === 0) await this.pull(image);
        else if (status === 409 && attempt < 2) await this.docker.getContainer(options.name!).remove({ force: true }).catch(() => undefined);
        else throw new Error(`the engine could not create the container: ${engineMessage(err)}`);
      }
    }
  }

  /** Pulls an image within the pull timeout; the engine's own message on failure. */
  private async pull(image: string): Promise<void> {
    const failed = (err: unknown) => new Error(`cannot pull image '${image}': ${engineMessage(err)}`);
    const pulled = this.docker.pull(image).then(
      (stream: NodeJS.ReadableStream) => new Promise<void>((resolve, reject) => this.docker.modem.followProgress(stream, (e: unknown) => (e ? reject(failed(e)) : resolve()))),
      (err: unknown) => Promise.reject(failed(err)),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`pulling image '${image}' took longer than ${this.opts.pullTimeoutMs} ms`)), this.opts.pullTimeoutMs);
    });
    try {
      await Promise.race([pulled, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Follows a started (or recovered) container: logs into the sandbox, exit, kill, removal. */
  private watch(c: Docker.Container, sandbox: string, killRequested: boolean, logsSince: number): Container {
    let killed = killRequested;
    let done = false;
    let graceTimer: NodeJS.Timeout | undefined;
    const out = createWriteStream(path.join(sandbox, 'stdout'), { flags: 'a' });
    const err = createWriteStream(path.join(sandbox, 'stderr'), { flags: 'a' });
    // Deferred a turn: the caller reports TASK_RUNNING first, and these engine calls are not on that path.
    const logsDone = new Promise<void>((resolve) => setImmediate(() => {
      c.logs({ follow: true, stdout: true, stderr: true, since: logsSince }, (e: unknown, stream?: NodeJS.ReadableStream) => {
        if (e || !stream) return resolve();
        const o = new PassThrough();
        const r = new PassThrough();
        o.pipe(out, { end: false });
        r.pipe(err, { end: false });
        this.docker.modem.demuxStream(stream, o, r);
        // Done when what the engine sent has passed into the files, not when the engine's stream
        // ends: the terminal update follows, and a reader of stdout must find all of it.
        Promise.all([once(o, 'end'), once(r, 'end')]).then(() => resolve(), () => resolve());
        const flush = () => {
          o.end();
          r.end();
        };
        stream.on('end', flush);
        stream.on('error', flush);
      });
    }));
    const exited = (async (): Promise<ExitInfo> => {
      await new Promise((r) => setImmediate(r));
      let info: Docker.ContainerInspectInfo;
      try {
        info = await c.inspect();
      } catch {
        return { code: null, signal: null, killed, lost: !killed };
      }
      if (info.State.Running || info.State.Restarting || info.State.Status === 'created') {
        try {
          await c.wait();
        } catch {
          // the engine went away: inspect below says what we can know
        }
      }
      done = true;
      if (graceTimer) clearTimeout(graceTimer);
      await Promise.race([logsDone, new Promise((r) => setTimeout(r, 2_000).unref())]);
      out.end();
      err.end();
      await Promise.race([Promise.all([finished(out), finished(err)]).catch(() => undefined), new Promise((r) => setTimeout(r, 2_000).unref())]);
      try {
        info = await c.inspect();
      } catch {
        return { code: null, signal: null, killed, lost: !killed };
      }
      const code = info.State.ExitCode;
      return { code, signal: signalName(code), killed, oom: info.State.OOMKilled };
    })();
    return {
      pid: undefined,
      startTicks: undefined,
      exited,
      kill: (gracePeriodMs: number) => {
        if (done || killed) return;
        killed = true;
        // Our own timer rather than `docker stop -t`: grace periods below a second are honoured.
        c.kill({ signal: 'SIGTERM' }).catch(() => undefined);
        graceTimer = setTimeout(() => void c.kill({ signal: 'SIGKILL' }).catch(() => undefined), Math.max(0, gracePeriodMs));
        graceTimer.unref();
      },
      destroy: async () => {
        await c.remove({ force: true }).catch((e) => this.log.warn({ err: engineMessage(e) }, 'cannot remove container'));
      },
    };
  }
}

/** The engine's own words: dockerode puts them in `json.message`. */
function engineMessage(err: unknown): string {
  const e = err as { json?: { message?: string }; message?: string; reason?: string };
  return e?.json?.message ?? e?.message ?? e?.reason ?? String(err);
}
