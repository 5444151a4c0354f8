import { useEffect, useState } from 'preact/hooks';
import { get } from './client';

/**
 * Data that follows the cluster: fetched once, then again when Marathon's event stream says
 * something changed (`/v2/events`), or at `pollMs` for what has no stream yet (the master's state).
 */
export function useLive<T>(path: string, opts: { pollMs?: number; events?: boolean } = {}): { data?: T; error?: string; reload: () => void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    // No path (yet): nothing to follow, e.g. an agent not known until the master answers.
    if (!path) return undefined;
    let alive = true;
    get<T>(path).then(
      (a) => {
        if (!alive) return;
        if (a.ok) {
          setData(a.body);
          setError(undefined);
        } else setError(`HTTP ${a.status}`);
      },
      (err: unknown) => alive && setError((err as Error).message),
    );
    return () => {
      alive = false;
    };
  }, [path, tick]);
  useEffect(() => {
    const timers: (() => void)[] = [];
    if (!path) return undefined;
    if (opts.pollMs) {
      const t = setInterval(() => setTick((n) => n + 1), opts.pollMs);
      timers.push(() => clearInterval(t));
    }
    if (opts.events) timers.push(onMarathonEvent(() => setTick((n) => n + 1)));
    return () => timers.forEach((stop) => stop());
  }, [path, opts.pollMs, opts.events]);
  return { data, error, reload: () => setTick((n) => n + 1) };
}

/** One EventSource for the whole page, shared by every view that follows Marathon. */
let source: EventSource | undefined;
const listeners = new Set<() => void>();
const RELEVANT = ['deployment_success', 'deployment_failed', 'deployment_info', 'deployment_step_success', 'status_update_event', 'api_post_event', 'app_terminated_event', 'health_status_changed_event', 'instance_changed_event'];

function onMarathonEvent(fn: () => void): () => void {
  listeners.add(fn);
  if (!source) {
    source = new EventSource('/marathon/v2/events');
    // Once the stream is open, fetch again: a change between the first fetch and the stream's
    // opening (or during a reconnect) would otherwise never be seen.
    source.addEventListener('open', () => listeners.forEach((l) => l()));
    for (const name of RELEVANT) source.addEventListener(name, () => listeners.forEach((l) => l()));
  }
  return () => {
    listeners.delete(fn);
    if (!listeners.size) {
      source?.close();
      source = undefined;
    }
  };
}
