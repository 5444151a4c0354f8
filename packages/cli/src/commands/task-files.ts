import { checkpointPaths } from '@strata/agent';
import { clusterFetch, schemeOf, tlsFromEnv } from '@strata/lib';
import { fetchState } from '../master-api';

/** The HTTP address of an agent in the master's state: its pid `slave(1)@host:port`, else hostname:port. */
export function addressOf(slave: { pid?: string; hostname: string; port: number }): string {
  return slave.pid?.split('@')[1] ?? `${slave.hostname}:${slave.port}`;
}

/** The HTTP address of an agent, asked of the master. */
export async function agentAddress(master: string, agentId: string): Promise<string> {
  const slave = (await fetchState(master)).slaves.find((s) => s.id === agentId);
  if (!slave) throw new Error(`agent ${agentId} is not known to the master`);
  return addressOf(slave);
}

/** http, or https when this process is configured for the cluster's TLS (LIBPROCESS_SSL_*). */
export const agentScheme = () => schemeOf(tlsFromEnv());

/** A task's stdout or stderr, as the agent's files API names it. */
export function sandboxFile(frameworkId: string, taskId: string, which: 'stdout' | 'stderr'): string {
  return `${checkpointPaths.safeId(frameworkId)}/${checkpointPaths.safeId(taskId)}/${which}`;
}

/**
 * Reads a sandbox file from where it was left off, through `/files/read` (as `dcos task log`),
 * and writes what is new to `out`. A file not there yet is not an error: the task may not
 * have started.
 */
export class FileFollower {
  private offset = 0;
  /** `files` is where the agent's files API is: `http://HOST:PORT`, or a gateway's `/agent/ID`. */
  constructor(
    private readonly files: string,
    private readonly file: string,
    private readonly out: NodeJS.WritableStream,
    /** The login's Authorization, when reading through the gateway. */
    private readonly headers: Record<string, string> = {},
  ) {
    // Once, not on every poll: an agent that serves TLS (LIBPROCESS_SSL_* set here too) is read with the cluster's CA.
    this.fetch = clusterFetch(files.startsWith('https:') ? tlsFromEnv() : undefined);
  }

  private readonly fetch: ReturnType<typeof clusterFetch>;
  private last: Promise<boolean> = Promise.resolve(false);

  /** Writes everything new; true when something was. Calls run one after another, so nothing is read twice. */
  pump(): Promise<boolean> {
    const next = this.last.catch(() => false).then(() => this.readNew());
    this.last = next;
    return next;
  }

  private async readNew(): Promise<boolean> {
    let wrote = false;
    for (;;) {
      const resp = await this.fetch(`${this.files}/files/read?path=${encodeURIComponent(this.file)}&offset=${this.offset}&length=65536`, { headers: this.headers });
      if (resp.status === 404) return wrote;
      if (!resp.ok) {
        const body = (await resp.json().catch(() => ({}))) as { message?: string };
        throw new Error(`${this.files} answered ${resp.status}: ${body.message ?? ''}`);
      }
      const { data } = (await resp.json()) as { data: string };
      if (!data.length) return wrote;
      this.out.write(data);
      this.offset += Buffer.byteLength(data);
      wrote = true;
    }
  }
}

/**
 * Prints what a task's file holds: once, or with `follow` until the task has ended (`ended` is
 * asked at most once a second), with one more read after the end so no last line is lost.
 */
export async function followUntilEnded(follower: FileFollower, o: { follow?: boolean; endedAtStart: boolean; ended: () => Promise<boolean> }): Promise<void> {
  let ended = o.endedAtStart;
  let checked = Date.now();
  for (;;) {
    await follower.pump();
    if (!o.follow || ended) return;
    await new Promise((r) => setTimeout(r, 250));
    if (Date.now() - checked >= 1_000) {
      checked = Date.now();
      ended = await o.ended();
    }
  }
}
