import * as res from '@strata/lib/resources';
import type { Resources } from '@strata/lib/resources';
import type { AppDefinition } from '../model/app-definition';
import { hostPortSlots } from '../model/networking';
import { isLike, isUnlike } from '@strata/sdk/offers';

export interface AgentView {
  agentId: string;
  hostname: string;
  attributes: Record<string, string>;
}

/** Where the app's live instances are, for constraints. */
export interface Placement {
  agentId: string;
  hostname: string;
  attributes: Record<string, string>;
}

/** Marathon 1.10's NoOfferMatchReason names, in the order /v2/queue lists them. */
export const NO_OFFER_MATCH_REASONS = ['UnfulfilledRole', 'UnfulfilledConstraint', 'NoCorrespondingReservationFound', 'AgentMaintenance', 'InsufficientCpus', 'InsufficientMemory', 'InsufficientDisk', 'InsufficientGpus', 'InsufficientPorts', 'DeclinedScarceResources'] as const;
export type NoOfferMatchReason = (typeof NO_OFFER_MATCH_REASONS)[number];

/** The Marathon reason a matcher's explanation stands for. */
export function reasonOf(detail: string): NoOfferMatchReason {
  if (detail.startsWith('insufficient cpus')) return 'InsufficientCpus';
  if (detail.startsWith('insufficient mem')) return 'InsufficientMemory';
  if (detail.startsWith('insufficient disk')) return 'InsufficientDisk';
  if (detail.startsWith('insufficient gpus')) return 'InsufficientGpus';
  if (detail.startsWith('constraint')) return 'UnfulfilledConstraint';
  if (detail.startsWith('role')) return 'UnfulfilledRole';
  return 'InsufficientPorts';
}

export type MatchResult = { ok: true; ports: number[]; resources: Resources } | { ok: false; reasons: string[] };

function valueOf(field: string, agent: AgentView): string | undefined {
  if (field === 'hostname' || field === '@hostname') return agent.hostname;
  return agent.attributes[field];
}

/** Checks Marathon's constraint operators for one candidate agent; returns why not, or nothing. */
export function constraintProblems(app: AppDefinition, agent: AgentView, placed: Placement[]): string[] {
  const out: string[] = [];
  for (const [field, op, value] of app.constraints) {
    const v = valueOf(field!, agent);
    const used = placed.map((p) => valueOf(field!, p)).filter((x): x is string => x !== undefined);
    const counts = new Map<string, number>();
    for (const u of used) counts.set(u, (counts.get(u) ?? 0) + 1);
    const fail = () => out.push(`constraint ${field}:${op}${value !== undefined ? `:${value}` : ''}`);
    if (v === undefined) {
      if (op !== 'UNLIKE') fail(); // a missing attribute satisfies only UNLIKE
      continue;
    }
    switch (op) {
      case 'UNIQUE':
        if (counts.has(v)) fail();
        break;
      case 'CLUSTER':
        if (value !== undefined ? v !== value : used.length > 0 && used[0] !== v) fail();
        break;
      case 'GROUP_BY': {
        const expected = value !== undefined ? Number(value) : 0;
        const mine = counts.get(v) ?? 0;
        const known = [...counts.values()];
        const unseenValuesRemain = counts.size < expected;
        const min = unseenValuesRemain ? 0 : known.length ? Math.min(...known) : 0;
        if (mine > min) fail();
        break;
      }
      case 'LIKE':
        if (!isLike(v, value ?? '')) fail();
        break;
      case 'UNLIKE':
        if (!isUnlike(v, value ?? '')) fail();
        break;
      case 'MAX_PER':
        if ((counts.get(v) ?? 0) >= Number(value)) fail();
        break;
      case 'IS':
        if (v !== value) fail();
        break;
    }
  }
  return out;
}

/**
 * Whether one instance of `app` fits in what is left of an offer: resources, ports (any
 * `portDefinitions.length` ports, or exactly the defined ones with requirePorts), constraints.
 * "No" is a value with reasons, which feed /v2/queue.
 */
export function matchOffer(app: AppDefinition, available: Resources, agent: AgentView, placed: Placement[]): MatchResult {
  const reasons: string[] = [];
  if (res.scalar(available, 'cpus') + 1e-9 < app.cpus) reasons.push(`insufficient cpus: want ${app.cpus}, offered ${res.scalar(available, 'cpus')}`);
  if (res.scalar(available, 'mem') + 1e-9 < app.mem) reasons.push(`insufficient mem: want ${app.mem}, offered ${res.scalar(available, 'mem')}`);
  if (res.scalar(available, 'disk') + 1e-9 < app.disk) reasons.push(`insufficient disk: want ${app.disk}, offered ${res.scalar(available, 'disk')}`);
  const free = res.rangeValues(available.ranges.ports);
  // One host port per slot, in order: fixed ones must be offered, 0 takes any other offered port.
  const slots = hostPortSlots(app);
  const fixed = new Set(slots.filter((p) => p !== 0));
  const missing = [...fixed].filter((p) => !free.includes(p));
  const spare = free.filter((p) => !fixed.has(p));
  const anyCount = slots.filter((p) => p === 0).length;
  let ports: number[] = [];
  if (missing.length) reasons.push(`required ports ${missing.join(',')} not offered`);
  else if (spare.length < anyCount) reasons.push(`insufficient ports: want ${slots.length}, offered ${free.length}`);
  else {
    let next = 0;
    ports = slots.map((p) => (p !== 0 ? p : spare[next++]!));
  }
  reasons.push(...constraintProblems(app, agent, placed));
  if (reasons.length) return { ok: false, reasons };
  const scalars: Record<string, number> = { cpus: app.cpus, mem: app.mem };
  if (app.disk) scalars.disk = app.disk;
  if (app.gpus) scalars.gpus = app.gpus;
  const resources = res.resources(scalars, ports.length ? { ports: ports.map((p) => ({ begin: p, end: p })) } : {});
  return { ok: true, ports, resources };
}
