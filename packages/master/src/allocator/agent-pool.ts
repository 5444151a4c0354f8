import * as res from '@strata/lib/resources';
import type { Resources } from '@strata/lib/resources';
import type { ShareVector } from './shares';

/** `held` keys: what a framework holds on an agent, per role. */
export const heldKey = (frameworkId: string, role: string) => `${frameworkId}\u0000${role}`;
export const heldOwner = (key: string) => key.slice(0, key.indexOf('\u0000'));
export const heldRole = (key: string) => key.slice(key.indexOf('\u0000') + 1);

/** One agent as the hierarchical allocator sees it: what is free, reserved and held, by whom. */
export interface PooledAgent {
  id: string;
  /** Unreserved free resources. */
  free: Resources;
  /** Free resources reserved for a role (static reservations: `cpus(web):2`, and dynamic ones). */
  reserved: Map<string, Resources>;
  /** What each role's reservation holds in all, to refill it first when resources come back. */
  reservedTotal: Map<string, Resources>;
  /** What each framework holds here (offered or used) per role (`heldKey`), so removing a framework frees it. */
  held: Map<string, Resources>;
  total: ShareVector;
  active: boolean;
}

/** The `held` keys of a framework on an agent: a lookup per role it has, or a scan when its roles are not known. */
export function heldKeysOf(a: PooledAgent, frameworkId: string, roles: Iterable<string> | undefined): string[] {
  if (a.held.size === 0) return [];
  if (!roles) return [...a.held.keys()].filter((k) => heldOwner(k) === frameworkId);
  const keys: string[] = [];
  for (const role of roles) {
    const key = heldKey(frameworkId, role);
    if (a.held.has(key)) keys.push(key);
  }
  return keys;
}

/** Records what a framework now holds on an agent in a role (no arithmetic in the common first-holding case). */
export function hold(a: PooledAgent, frameworkId: string, role: string, r: Resources): void {
  const key = heldKey(frameworkId, role);
  const cur = a.held.get(key);
  a.held.set(key, cur ? res.add(cur, r) : r);
}

/** Resources come back to the agent: they refill `role`'s reservation first, the rest is free. */
export function giveBack(a: PooledAgent, r: Resources, role: string): void {
  let rest = r;
  const total = a.reservedTotal.get(role);
  if (total) {
    const cur = a.reserved.get(role) ?? res.EMPTY;
    const toReserved = res.minScalars(rest, res.subtract(total, cur));
    a.reserved.set(role, res.add(cur, toReserved));
    rest = res.subtract(rest, toReserved);
  }
  a.free = res.add(a.free, rest);
}

/**
 * A dynamic reservation grows. `free`: taken from the agent's free resources now (false if they
 * are not free); `held`: they are in an offer of that role and join the reservation when given back.
 */
export function reserve(a: PooledAgent, role: string, r: Resources, source: 'free' | 'held'): boolean {
  if (role === '*') return false;
  if (source === 'free') {
    if (!res.contains(a.free, r)) return false;
    a.free = res.subtract(a.free, r);
    a.reserved.set(role, res.add(a.reserved.get(role) ?? res.EMPTY, r));
  }
  a.reservedTotal.set(role, res.add(a.reservedTotal.get(role) ?? res.EMPTY, r));
  return true;
}

export function unreserve(a: PooledAgent, role: string, r: Resources, source: 'free' | 'held'): boolean {
  const total = a.reservedTotal.get(role);
  if (!total || !res.contains(total, r)) return false;
  if (source === 'free') {
    const cur = a.reserved.get(role) ?? res.EMPTY;
    if (!res.contains(cur, r)) return false;
    a.reserved.set(role, res.subtract(cur, r));
    a.free = res.add(a.free, r);
  }
  const left = res.subtract(total, r);
  if (res.isEmpty(left)) a.reservedTotal.delete(role);
  else a.reservedTotal.set(role, left);
  return true;
}

export function hasReservedLeft(a: PooledAgent): boolean {
  for (const r of a.reserved.values()) if (!res.isEmpty(r)) return true;
  return false;
}
