import * as os from 'node:os';
import { statfsSync, mkdirSync } from 'node:fs';
import { res, parseReservedResources, type ReservedResources, type Resources } from '@strata/lib';

const MB = 1024 * 1024;

/**
 * What this machine can offer, the way Mesos's agent estimates it: every cpu, memory less what the
 * OS needs (1 GiB, or half of small machines), disk of the work dir's filesystem less a margin
 * (5 GiB, or half of small disks), and ports 31000-32000.
 */
export function detectResources(workDir: string): Resources {
  const cpus = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const totalMem = Math.floor(os.totalmem() / MB);
  const mem = totalMem >= 2048 ? totalMem - 1024 : Math.floor(totalMem / 2);
  let disk = 10 * 1024;
  try {
    mkdirSync(workDir, { recursive: true });
    const s = statfsSync(workDir);
    const total = Math.floor((s.blocks * s.bsize) / MB);
    disk = total >= 10 * 1024 ? total - 5 * 1024 : Math.floor(total / 2);
  } catch {
    // Mesos falls back to 10 GB when it cannot measure
  }
  return res.resources({ cpus, mem, disk }, { ports: [{ begin: 31000, end: 32000 }] });
}

/**
 * `--resources` names what it sets; anything it does not name (in any role) is detected, as
 * Mesos does. Role-tagged entries (`cpus(web):2`) are static reservations for that role.
 */
export function agentResources(workDir: string, flag: string | undefined): ReservedResources {
  const detected = detectResources(workDir);
  if (!flag) return { unreserved: detected, reserved: new Map() };
  const given = parseReservedResources(flag);
  const named = new Set<string>();
  for (const r of [given.unreserved, ...given.reserved.values()]) for (const k of [...Object.keys(r.scalars), ...Object.keys(r.ranges)]) named.add(k);
  const scalars: Record<string, number> = {};
  const ranges: Record<string, { begin: number; end: number }[]> = {};
  for (const [k, v] of Object.entries(detected.scalars)) if (!named.has(k)) scalars[k] = v;
  for (const [k, v] of Object.entries(detected.ranges)) if (!named.has(k)) ranges[k] = [...v];
  Object.assign(scalars, given.unreserved.scalars);
  for (const [k, v] of Object.entries(given.unreserved.ranges)) ranges[k] = [...v];
  return { unreserved: res.resources(scalars, ranges), reserved: given.reserved };
}
