import { faultDuring, observations, operations, type HistoryEntry, type Observation, type Operation } from '../history/history';
import { verdict, type CheckerVerdict, type Violation } from './verdict';

/** What the workload changes in an app: its instance count and a version marker (a new one is a rolling upgrade). */
export interface AppSpec {
  instances: number;
  version: string;
}

/** One app as read from Marathon's /v2/apps. */
export interface AppReading {
  id: string;
  instances: number;
  version: string;
  tasksRunning: number;
  tasksStaged: number;
  tasksHealthy: number;
  deploying: boolean;
  minimumHealthCapacity: number;
  maximumOverCapacity: number;
}

/** Operations of the Marathon client: app-create {appId, spec}, app-scale {appId, instances}, app-upgrade {appId, version}, app-delete {appId}. */
export interface AppOpValue {
  appId: string;
  spec?: AppSpec;
  instances?: number;
  version?: string;
}

/** An app's state as a checker reasons about it: absent, or a spec. */
type State = 'absent' | string;
const key = (s: AppSpec): string => `${s.instances}@${s.version}`;
const parse = (k: string): AppSpec => {
  const at = k.indexOf('@');
  return { instances: Number(k.slice(0, at)), version: k.slice(at + 1) };
};

function apply(op: Operation<AppOpValue>, s: State): State {
  switch (op.f) {
    case 'app-create':
      return s === 'absent' ? key(op.value.spec!) : s; // a create of an existing app is refused (409)
    case 'app-delete':
      return 'absent';
    case 'app-scale':
      return s === 'absent' ? s : key({ ...parse(s), instances: op.value.instances! });
    case 'app-upgrade':
      return s === 'absent' ? s : key({ ...parse(s), version: op.value.version! });
    default:
      return s;
  }
}

/**
 * How long after it was sent an operation of unknown outcome may still take effect. Marathon
 * applies a request while answering it; one whose answer was lost was applied then or never, or
 * at the latest when a paused leader wakes (and then its fenced write fails). A minute bounds all
 * of these generously, and keeps the checker sharp: past it, the operation is settled either way.
 */
export const INFO_HORIZON_MS = 60_000;

/**
 * The states an app may be in given its operations in invocation order (one client per app, as
 * the workload is): an `ok` one happened, on whichever state the app was in; a `fail` one did
 * not; an `info` one (or one never answered) may take effect at any time within INFO_HORIZON_MS
 * of being sent, or never. Its effects are closed over as set-writes that may land any number of
 * times: a relaxation (more states allowed, never fewer), so whatever it reports is a real loss.
 */
export function possibleStates(ops: Operation<AppOpValue>[], horizonMs = INFO_HORIZON_MS): { final: Set<State>; lastAck?: Operation<AppOpValue> } {
  let states = new Set<State>(['absent']);
  let pending: Operation<AppOpValue>[] = [];
  let lastAck: Operation<AppOpValue> | undefined;
  const close = (from: Set<State>): Set<State> => {
    const out = new Set(from);
    const queue = [...from];
    while (queue.length) {
      const s = queue.pop()!;
      for (const op of pending) {
        const next = apply(op, s);
        if (!out.has(next)) {
          out.add(next);
          queue.push(next);
        }
      }
    }
    return out;
  };
  for (const op of ops) {
    if (op.outcome === 'fail') continue;
    // Unknown operations sent more than a horizon ago have landed or never will: settle them.
    const expired = pending.filter((p) => p.invokedAt + horizonMs < op.invokedAt);
    if (expired.length) {
      states = close(states);
      pending = pending.filter((p) => !expired.includes(p));
    }
    if (op.outcome === 'ok') {
      lastAck = op;
      states = new Set([...close(states)].map((s) => apply(op, s)));
    } else {
      pending.push(op);
    }
  }
  return { final: close(states), lastAck };
}

const describe = (s: State) => (s === 'absent' ? 'absent' : `${parse(s).instances} instances of version ${parse(s).version}`);

/**
 * Marathon under faults: after healing, every app that was acknowledged exists with its last
 * acknowledged definition (or one an unknown later operation could have made) and runs its
 * instance count; during deployments the app never runs more than floor(N x (1 + maximumOverCapacity))
 * tasks, and during an upgrade with no fault about it never fewer than ceil(N x minimumHealthCapacity)
 * healthy ones; an acknowledged delete never comes back.
 */
export function checkMarathon(entries: readonly HistoryEntry[], opts: { faultGraceMs?: number } = {}): CheckerVerdict {
  const violations: Violation[] = [];
  const ops = operations(entries).filter((o) => o.client === 'marathon' && o.f.startsWith('app-')) as Operation<AppOpValue>[];
  const reads = observations<AppReading[]>(entries, 'marathon-apps');
  const final = observations<AppReading[]>(entries, 'marathon-final').at(-1);
  const byApp = new Map<string, Operation<AppOpValue>[]>();
  for (const op of ops) byApp.set(op.value.appId, [...(byApp.get(op.value.appId) ?? []), op]);
  let judged = 0;
  let boundsChecked = 0;

  if (!final) violations.push({ kind: 'no-final-read', message: 'the run has no final read of Marathon\'s apps: nothing after healing can be judged' });

  for (const [appId, appOps] of byApp) {
    const { final: allowed, lastAck } = possibleStates(appOps);
    if (!final) continue;
    judged++;
    const seen = final.value.find((a) => a.id === appId);
    const state: State = seen ? key({ instances: seen.instances, version: seen.version }) : 'absent';
    if (!allowed.has(state)) {
      violations.push({
        kind: state === 'absent' ? 'acknowledged-app-lost' : lastAck?.f === 'app-delete' ? 'deleted-app-back' : 'acknowledged-change-lost',
        subject: appId,
        op: lastAck?.index,
        observation: final.index,
        message: `${appId} is ${describe(state)} after healing; its acknowledged operations allow only ${[...allowed].map(describe).join(' or ')} (last acknowledged: #${lastAck?.index} ${lastAck?.f} ${JSON.stringify(lastAck?.value)})`,
      });
    }
    if (seen && (seen.deploying || seen.tasksRunning !== seen.instances)) {
      violations.push({ kind: 'not-converged', subject: appId, observation: final.index, message: `${appId} runs ${seen.tasksRunning} of ${seen.instances} instances after healing${seen.deploying ? ' and is still deploying' : ''}` });
    }
  }

  // An acknowledged delete never comes back: no read after it shows the app until a create of it is invoked.
  for (const del of ops.filter((o) => o.f === 'app-delete' && o.outcome === 'ok')) {
    const recreated = ops.find((o) => o.f === 'app-create' && o.value.appId === del.value.appId && o.invokedAt > del.completedAt!);
    for (const r of [...reads, ...(final ? [final] : [])]) {
      if (r.at <= del.completedAt! || (recreated && r.at >= recreated.invokedAt)) continue;
      if (r.value.some((a) => a.id === del.value.appId)) {
        violations.push({ kind: 'deleted-app-back', subject: del.value.appId, op: del.index, observation: r.index, message: `${del.value.appId} was deleted (acknowledged, #${del.index}) and is listed again at +${r.at - del.completedAt!} ms` });
        break;
      }
    }
  }

  // Upgrade bounds, at every read during a rolling upgrade (a scale is not bounded: it adds or removes to its count).
  for (const r of reads) {
    for (const a of r.value) {
      if (!a.deploying) continue;
      const up = upgradeUnderway(a, r, byApp.get(a.id) ?? [], reads);
      if (!up) continue;
      boundsChecked++;
      const most = upgradeCeiling(a);
      if (a.tasksRunning + a.tasksStaged > most) {
        violations.push({ kind: 'over-capacity', subject: a.id, op: up.index, observation: r.index, message: `${a.id} ran ${a.tasksRunning + a.tasksStaged} tasks while upgrading to ${a.version}; maximumOverCapacity ${a.maximumOverCapacity} of ${a.instances} allows ${most}` });
      }
      // A fault may take tasks away, which Marathon then replaces, not prevents: the lower bound holds with none about.
      if (faultDuring(entries, up.invokedAt - (opts.faultGraceMs ?? 5_000), r.at, opts.faultGraceMs ?? 5_000)) continue;
      const least = upgradeFloor(a);
      if (a.tasksHealthy < least) {
        violations.push({ kind: 'under-capacity', subject: a.id, op: up.index, observation: r.index, message: `${a.id} had ${a.tasksHealthy} healthy tasks while upgrading to ${a.version} with no fault about; minimumHealthCapacity ${a.minimumHealthCapacity} of ${a.instances} needs ${least}` });
      }
    }
  }
  return verdict('marathon', { apps: byApp.size, apps_judged: judged, operations: ops.length, acknowledged: ops.filter((o) => o.outcome === 'ok').length, deploying_reads: boundsChecked }, violations);
}

/** ceil(N x minimumHealthCapacity): the healthy tasks a rolling upgrade keeps. */
export const upgradeFloor = (a: AppReading) => Math.ceil(a.instances * a.minimumHealthCapacity - 1e-9);

/**
 * floor(N x (1 + maximumOverCapacity)): the most tasks a rolling upgrade runs; one more when that
 * equals the floor (Marathon's TaskReplaceActor allows the one extra so the restart can progress:
 * N=1 with 0.5/0.5, or N=3 with 1/0).
 */
export function upgradeCeiling(a: AppReading): number {
  const most = Math.floor(a.instances * (1 + a.maximumOverCapacity) + 1e-9);
  return most === upgradeFloor(a) ? most + 1 : most;
}

/**
 * The upgrade a read of a deploying app is in the middle of: the app's last operation before the
 * read is an upgrade to the version the read shows, and the app was whole before it (its count
 * running, no deployment), so the strategy's bounds apply from there.
 */
function upgradeUnderway(a: AppReading, r: Observation<AppReading[]>, appOps: Operation<AppOpValue>[], reads: Observation<AppReading[]>[]): Operation<AppOpValue> | undefined {
  const last = appOps.filter((o) => o.invokedAt <= r.at && o.outcome !== 'fail').at(-1);
  if (!last || last.f !== 'app-upgrade' || last.value.version !== a.version) return undefined;
  const before = reads.filter((x) => x.at < last.invokedAt).at(-1)?.value.find((x) => x.id === a.id);
  if (!before || before.deploying || before.tasksHealthy < before.instances || before.instances !== a.instances) return undefined;
  return last;
}
