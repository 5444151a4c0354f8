import { res } from '@strata/lib';
import { masterFetch, masterJson } from '../master-api';
import { table } from '../table';

/**
 * `strata reserve|unreserve <agent-id> <resources>`: dynamic reservations through the master's
 * /master/reserve and /master/unreserve. Resources in Mesos's text syntax with the role in
 * parentheses (`cpus(web):1;mem(web):128`), all for one role.
 */
export async function reservationCommand(type: 'reserve' | 'unreserve', agentId: string, text: string, opts: { master: string }): Promise<void> {
  const parsed = res.parseReservedResources(text);
  if (!res.isEmpty(parsed.unreserved)) throw new Error(`give every resource a role, as in cpus(web):1 (got ${res.formatResources(parsed.unreserved)} without one)`);
  if (parsed.reserved.size !== 1) throw new Error(`reserve for one role at a time (got ${parsed.reserved.size})`);
  const [role, resources] = [...parsed.reserved][0]!;
  const body = new URLSearchParams({ slaveId: agentId, resources: JSON.stringify(res.toProtoReserved(resources, role, 'DYNAMIC')) });
  const resp = await masterFetch(opts.master, `/master/${type}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString() });
  if (resp.status !== 202) {
    const message = ((await resp.json().catch(() => ({}))) as { message?: string }).message ?? '';
    throw new Error(`the master refused (${resp.status}): ${message}`);
  }
  console.log(`${type === 'reserve' ? 'reserved' : 'unreserved'} ${res.formatResources(resources)} for role ${role} on ${agentId}`);
}

/** `strata roles`: each role's weight, share, frameworks and what it holds (the master's /roles). */
export async function rolesCommand(opts: { master: string; json?: boolean }): Promise<void> {
  const { roles } = await masterJson<{ roles: { name: string; weight: number; share: number; frameworks: string[]; resources: Record<string, number> }[] }>(opts.master, '/roles');
  if (opts.json) return void console.log(JSON.stringify(roles, null, 2));
  const rows = roles.map((r) => [r.name, String(r.weight), r.share.toFixed(3), String(r.frameworks.length), String(r.resources.cpus ?? 0), String(r.resources.mem ?? 0)]);
  console.log(table(['ROLE', 'WEIGHT', 'SHARE', 'FRAMEWORKS', 'CPUS', 'MEM'], rows));
}
