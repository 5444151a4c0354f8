import { launchReasons, type QueueEntry } from '@strata/operator-model';
import { gateway as client, printJson as print } from '../cluster/output';

interface App {
  id: string;
  instances: number;
  tasksRunning?: number;
  lastTaskFailure?: { state: string; message?: string; timestamp?: string; host?: string };
}

/**
 * `strata why APP`: why an app is not (all) running, in words: the offers Marathon declined and
 * for what (most declines first), the backoff left, the last task failure. The same words as
 * the UI's services page (@strata/operator-model).
 */
export async function why(id: string, o: { json?: boolean }): Promise<void> {
  const appId = `/${id.replace(/^\/+/, '')}`;
  const api = client();
  const [{ app }, { queue }] = await Promise.all([api.get<{ app: App }>(`/marathon/v2/apps${appId}?embed=app.counts&embed=app.lastTaskFailure`), api.get<{ queue: (QueueEntry & { count: number })[] }>('/marathon/v2/queue')]);
  const entry = queue.find((e) => e.app?.id === app.id);
  const reasons = launchReasons(entry);
  const failure = app.lastTaskFailure;
  const failed = failure ? `last task failure: ${failure.state}${failure.timestamp ? ` at ${failure.timestamp}` : ''}${failure.host ? ` on ${failure.host}` : ''}${failure.message ? `: ${failure.message}` : ''}` : undefined;
  if (o.json) return print({ app: app.id, instances: app.instances, running: app.tasksRunning ?? 0, waiting: entry?.count ?? 0, reasons, ...(failure ? { lastTaskFailure: failure } : {}) });
  const lines: string[] = [];
  if (!entry) lines.push(`${app.id} is not waiting to launch anything: ${app.tasksRunning ?? 0}/${app.instances} running`);
  else {
    lines.push(`${app.id} is waiting to launch ${entry.count} of ${app.instances} instance(s):`);
    lines.push(...(reasons.length ? reasons : ['no offer processed for it yet']).map((r) => `  ${r}`));
  }
  if (failed) lines.push(failed);
  process.stdout.write(lines.join('\n') + '\n');
}
