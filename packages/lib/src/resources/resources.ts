import type { Resource, Resource__Output } from '@strata/proto';
import { StrataError } from '../errors/strata-error';

/**
 * A bag of resources as plain values: scalars (cpus, mem, disk, gpus…) and ranges (ports).
 * Immutable: every operation returns a new value. Scalars are kept at Mesos's fixed-point
 * precision (three decimals) so sums and differences never drift.
 */
export interface Range {
  begin: number;
  end: number;
}

export interface Resources {
  readonly scalars: Readonly<Record<string, number>>;
  readonly ranges: Readonly<Record<string, readonly Range[]>>;
}

export const EMPTY: Resources = Object.freeze({ scalars: Object.freeze({}), ranges: Object.freeze({}) });

const round = (v: number) => Math.round(v * 1000) / 1000;

export function resources(scalars: Record<string, number> = {}, ranges: Record<string, Range[]> = {}): Resources {
  // for-in, not Object.entries: these run for every offer, accept and recover (the allocator's
  // inner loop), and the [key, value] pairs were a tenth of what the master allocated.
  const s: Record<string, number> = {};
  for (const k in scalars) {
    const v = round(scalars[k]!);
    if (v !== 0) s[k] = v;
  }
  const r: Record<string, Range[]> = {};
  for (const k in ranges) {
    const n = normalizeRanges(ranges[k]!);
    if (n.length) r[k] = n;
  }
  return { scalars: s, ranges: r };
}

/**
 * Sorts and merges overlapping or adjacent ranges. Input already in that form (the common case:
 * an agent's one ports range, or what subtract left) is returned as it is: Range values are never
 * mutated once in a Resources, so sharing them is safe.
 */
export function normalizeRanges(input: readonly Range[]): Range[] {
  let normal = true;
  for (let i = 1; i < input.length && normal; i++) normal = input[i]!.begin > input[i - 1]!.end + 1;
  if (normal && input.every((r) => r.begin <= r.end)) return input as Range[];
  const sorted = [...input].sort((a, b) => a.begin - b.begin);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.begin <= last.end + 1) last.end = Math.max(last.end, r.end);
    else out.push({ begin: r.begin, end: r.end });
  }
  return out;
}

function subtractRanges(a: readonly Range[], b: readonly Range[]): Range[] {
  let out = a as Range[];
  for (const cut of b) {
    const next: Range[] = [];
    for (const r of out) {
      if (cut.end < r.begin || cut.begin > r.end) next.push(r);
      else {
        if (cut.begin > r.begin) next.push({ begin: r.begin, end: cut.begin - 1 });
        if (cut.end < r.end) next.push({ begin: cut.end + 1, end: r.end });
      }
    }
    out = next;
  }
  return out;
}

function rangesContain(outer: readonly Range[], inner: readonly Range[]): boolean {
  return inner.every((i) => outer.some((o) => o.begin <= i.begin && i.end <= o.end));
}

export function add(a: Resources, b: Resources): Resources {
  const s: Record<string, number> = {};
  for (const k in a.scalars) s[k] = a.scalars[k]!;
  for (const k in b.scalars) s[k] = (s[k] ?? 0) + b.scalars[k]!;
  const r: Record<string, Range[]> = {};
  for (const k in a.ranges) r[k] = b.ranges[k] ? [...a.ranges[k]!, ...b.ranges[k]!] : (a.ranges[k] as Range[]);
  for (const k in b.ranges) if (!a.ranges[k]) r[k] = b.ranges[k] as Range[];
  return resources(s, r);
}

/** a - b; the caller should know that b ⊆ a (anything missing in a is dropped, never negative). */
export function subtract(a: Resources, b: Resources): Resources {
  const s: Record<string, number> = {};
  for (const k in a.scalars) s[k] = a.scalars[k]!;
  for (const k in b.scalars) s[k] = Math.max(0, round((s[k] ?? 0) - b.scalars[k]!));
  const r: Record<string, Range[]> = {};
  for (const k in a.ranges) r[k] = b.ranges[k] ? subtractRanges(a.ranges[k]!, b.ranges[k]!) : (a.ranges[k] as Range[]);
  return resources(s, r);
}

export function contains(outer: Resources, inner: Resources): boolean {
  for (const k in inner.scalars) if (round((outer.scalars[k] ?? 0) - inner.scalars[k]!) < 0) return false;
  for (const k in inner.ranges) if (!rangesContain(outer.ranges[k] ?? [], inner.ranges[k]!)) return false;
  return true;
}

export function isEmpty(r: Resources): boolean {
  for (const _ in r.scalars) return false;
  for (const _ in r.ranges) return false;
  return true;
}

export function scalar(r: Resources, name: string): number {
  return r.scalars[name] ?? 0;
}

export function rangeCount(rs: readonly Range[]): number {
  return rs.reduce((n, r) => n + (r.end - r.begin + 1), 0);
}

export function formatRanges(rs: readonly Range[]): string {
  return `[${rs.map((r) => `${r.begin}-${r.end}`).join(', ')}]`;
}

/** Mesos's text form: "cpus:2;mem:1024;ports:[31000-32000]". */
export function formatResources(r: Resources): string {
  const parts = Object.entries(r.scalars).map(([k, v]) => `${k}:${v}`);
  for (const [k, v] of Object.entries(r.ranges)) parts.push(`${k}:${formatRanges(v)}`);
  return parts.join(';') || '{}';
}

export class ResourcesParseError extends StrataError {
  constructor(input: string, problem: string) {
    super('INVALID_RESOURCES', `malformed resources '${input}': ${problem}`, { status: 400, context: { input } });
  }
}

const NAME = /^[a-zA-Z_][\w.-]*$/;

/** An agent's resources split as Mesos keeps them: unreserved (`*`) and statically reserved per role. */
export interface ReservedResources {
  unreserved: Resources;
  reserved: Map<string, Resources>;
}

const ROLE = /^[a-zA-Z0-9_][\w.-]*(\/[a-zA-Z0-9_][\w.-]*)*$/;

/**
 * Parses Mesos's `--resources` syntax with roles: `name(role):value` pairs separated by `;`,
 * where a value is a number or a list of ranges `[a-b,c-d]` and a missing role means `*`
 * (`cpus:4;cpus(web):2;mem(web):1024;ports:[31000-32000]`).
 */
export function parseReservedResources(input: string): ReservedResources {
  const byRole = new Map<string, { scalars: Record<string, number>; ranges: Record<string, Range[]> }>();
  const text = input.trim();
  for (const raw of text ? text.split(';') : []) {
    const item = raw.trim();
    if (!item) continue;
    const colon = item.indexOf(':');
    if (colon <= 0) throw new ResourcesParseError(input, `'${item}' is not name:value`);
    let name = item.slice(0, colon).trim();
    const value = item.slice(colon + 1).trim();
    let role = '*';
    const roleMatch = /^(.+)\(([^)]*)\)$/.exec(name);
    if (roleMatch) {
      name = roleMatch[1]!;
      role = roleMatch[2]!.trim();
      if (role !== '*' && (!ROLE.test(role) || role === '.' || role === '..')) throw new ResourcesParseError(input, `'${role}' is not a valid role`);
    }
    if (!NAME.test(name)) throw new ResourcesParseError(input, `'${name}' is not a valid resource name`);
    let bag = byRole.get(role);
    if (!bag) byRole.set(role, (bag = { scalars: {}, ranges: {} }));
    if (name in bag.scalars || name in bag.ranges) throw new ResourcesParseError(input, `'${name}${role === '*' ? '' : `(${role})`}' is given twice`);
    if (value.startsWith('[')) {
      if (!value.endsWith(']')) throw new ResourcesParseError(input, `ranges for '${name}' must end with ']'`);
      const list: Range[] = [];
      for (const part of value.slice(1, -1).split(',')) {
        const m = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(part);
        if (!m) throw new ResourcesParseError(input, `'${part.trim()}' in '${name}' is not a range a-b`);
        const begin = Number(m[1]);
        const end = Number(m[2]);
        if (begin > end) throw new ResourcesParseError(input, `range ${begin}-${end} in '${name}' is reversed`);
        list.push({ begin, end });
      }
      bag.ranges[name] = list;
    } else if (value.startsWith('{')) {
      throw new ResourcesParseError(input, `set values ('${name}') are not supported`);
    } else {
      if (!/^\d+(\.\d+)?$/.test(value)) throw new ResourcesParseError(input, `'${value}' for '${name}' is not a non-negative number`);
      bag.scalars[name] = Number(value);
    }
  }
  const reserved = new Map<string, Resources>();
  for (const [role, bag] of byRole) if (role !== '*') reserved.set(role, resources(bag.scalars, bag.ranges));
  const star = byRole.get('*');
  return { unreserved: star ? resources(star.scalars, star.ranges) : EMPTY, reserved };
}

/**
 * Parses unreserved resources in Mesos's syntax (`cpus:4;mem:8192;ports:[31000-32000]`). A role
 * other than `*` is refused: reservations belong in an agent's `--resources`, and nobody should
 * silently lose one they asked for elsewhere.
 */
export function parseResources(input: string): Resources {
  const parsed = parseReservedResources(input);
  const role = parsed.reserved.keys().next().value;
  if (role !== undefined) throw new ResourcesParseError(input, `role '${role}' reservations are only accepted in an agent's --resources`);
  return parsed.unreserved;
}

/** The role a protobuf resource is reserved for (the last reservation, as Mesos's refined reservations), or `*`. */
export function reservationRole(r: Resource | Resource__Output): string {
  const list = r.reservations ?? [];
  const last = list[list.length - 1];
  return last?.role || (r.role && r.role !== '*' ? r.role : '*');
}

/** Splits protobuf resources by reservation: what is unreserved, and what each role has reserved. */
export function splitByRole(list: readonly (Resource | Resource__Output)[]): ReservedResources {
  const groups = new Map<string, (Resource | Resource__Output)[]>();
  for (const r of list) {
    const role = reservationRole(r);
    const g = groups.get(role);
    if (g) g.push(r);
    else groups.set(role, [r]);
  }
  const reserved = new Map<string, Resources>();
  for (const [role, g] of groups) if (role !== '*') reserved.set(role, fromProto(g));
  return { unreserved: fromProto(groups.get('*') ?? []), reserved };
}

/** Protobuf resources reserved for `role` (STATIC: by the agent; DYNAMIC: by a framework or operator), or unreserved for `*`. */
export function toProtoReserved(r: Resources, role: string, type: 'STATIC' | 'DYNAMIC' = 'STATIC', allocatedTo?: string): Resource[] {
  return role === '*' ? toProto(r, '*', { allocatedTo }) : toProto(r, role, { allocatedTo, reservation: type });
}

/** The smaller of `a` and `b`, resource by resource (scalars only: ranges are not split here). */
export function minScalars(a: Resources, b: Resources): Resources {
  const scalars: Record<string, number> = {};
  for (const [k, v] of Object.entries(a.scalars)) {
    const m = Math.min(v, b.scalars[k] ?? 0);
    if (m > 0) scalars[k] = m;
  }
  return resources(scalars);
}

/** Every value of a range set, in order (ports: `[31000-31002]` is 31000, 31001, 31002). */
export function rangeValues(rs: readonly Range[] | undefined): number[] {
  const out: number[] = [];
  for (const r of rs ?? []) for (let v = r.begin; v <= r.end; v++) out.push(v);
  return out;
}

/** What both hold: the smaller of each scalar, the overlap of each range set. */
export function intersect(a: Resources, b: Resources): Resources {
  const ranges: Record<string, Range[]> = {};
  for (const k in a.ranges) {
    const other = b.ranges[k];
    if (!other) continue;
    const out: Range[] = [];
    for (const x of a.ranges[k]!) {
      for (const y of other) {
        const begin = Math.max(x.begin, y.begin);
        const end = Math.min(x.end, y.end);
        if (begin <= end) out.push({ begin, end });
      }
    }
    ranges[k] = out;
  }
  return resources(minScalars(a, b).scalars, ranges);
}

/** Everything: the unreserved resources plus every role's reservation. */
export function totalOf(r: ReservedResources): Resources {
  let total = r.unreserved;
  for (const x of r.reserved.values()) total = add(total, x);
  return total;
}

/** Mesos's text form with roles: `cpus:2;cpus(web):1;mem(web):512`. */
export function formatReservedResources(r: ReservedResources): string {
  const parts = isEmpty(r.unreserved) ? [] : [formatResources(r.unreserved)];
  for (const [role, rs] of r.reserved) {
    for (const [k, v] of Object.entries(rs.scalars)) parts.push(`${k}(${role}):${v}`);
    for (const [k, v] of Object.entries(rs.ranges)) parts.push(`${k}(${role}):${formatRanges(v)}`);
  }
  return parts.join(';') || '{}';
}

export interface ToProtoOptions {
  /** allocation_info.role: the role an offer's, or a task's, resources are allocated to. */
  allocatedTo?: string;
  /** A reservation for `role` (Resource.reservations), by the agent (STATIC) or a framework or operator (DYNAMIC). */
  reservation?: 'STATIC' | 'DYNAMIC';
}

/**
 * Protobuf resources. Every object is one literal with all its fields (absent ones undefined),
 * never `{ ...r, more }`: objects built by spreading were ten times slower to encode (70-130 ns a
 * byte against 11 for a fresh batch of launches; V8's clones read slowly), and these are encoded
 * for every offer and every task.
 */
export function toProto(r: Resources, role = '*', opts: ToProtoOptions = {}): Resource[] {
  const allocationInfo = opts.allocatedTo === undefined ? undefined : { role: opts.allocatedTo };
  const reservations = opts.reservation === undefined || role === '*' ? undefined : [{ type: opts.reservation, role }];
  const out: Resource[] = [];
  for (const name in r.scalars) out.push({ name, type: 'SCALAR', scalar: { value: r.scalars[name] }, ranges: undefined, role, allocationInfo, reservations });
  for (const name in r.ranges) {
    const range = r.ranges[name]!.map((x) => ({ begin: String(x.begin), end: String(x.end) }));
    out.push({ name, type: 'RANGES', scalar: undefined, ranges: { range }, role, allocationInfo, reservations });
  }
  return out;
}

/** Converts protobuf resources, rejecting what Strata cannot account for (negative, NaN, sets, text). */
export function fromProto(list: readonly (Resource | Resource__Output)[]): Resources {
  const scalars: Record<string, number> = {};
  const ranges: Record<string, Range[]> = {};
  for (const res of list) {
    const name = res.name ?? '';
    if (!NAME.test(name)) throw new ResourcesParseError(JSON.stringify(res), `'${name}' is not a valid resource name`);
    const type = res.type ?? 'SCALAR';
    if (type === 'SCALAR' || type === 0) {
      const v = Number(res.scalar?.value ?? NaN);
      if (!Number.isFinite(v) || v < 0) throw new ResourcesParseError(`${name}`, `scalar value ${res.scalar?.value} is not a non-negative number`);
      scalars[name] = (scalars[name] ?? 0) + v;
    } else if (type === 'RANGES' || type === 1) {
      for (const x of res.ranges?.range ?? []) {
        const begin = Number(x.begin);
        const end = Number(x.end);
        if (!(begin <= end)) throw new ResourcesParseError(`${name}`, `range ${x.begin}-${x.end} is reversed`);
        (ranges[name] ??= []).push({ begin, end });
      }
    } else {
      throw new ResourcesParseError(`${name}`, `resource type ${String(type)} is not supported`);
    }
  }
  return resources(scalars, ranges);
}

/** The JSON Mesos's /state shows for resources: scalars as numbers, ranges as "[a-b, c-d]". */
export function toStateJson(r: Resources): Record<string, number | string> {
  const out: Record<string, number | string> = { cpus: 0, mem: 0, disk: 0, gpus: 0 };
  Object.assign(out, r.scalars);
  for (const [k, v] of Object.entries(r.ranges)) out[k] = formatRanges(v);
  return out;
}
