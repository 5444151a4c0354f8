import { res, type Resources } from '@strata/lib';
import type { Master } from '../master';
import { STRATA_VERSION } from '../master';
import type { TaskEntry } from '../registry';
import type { FrameworkInfo__Output } from '@strata/proto';
import type { LeaderInfo } from '@strata/lib/ha';

/**
 * GET /master/state in Mesos's classic JSON shape (v0 `/state`): operators' scripts and tools
 * read `slaves`, `frameworks[].tasks`, `used_resources` and so on, so the names are Mesos's.
 */
export function masterState(master: Master, self: { hostname: string; port: number; leader: LeaderInfo; masters: LeaderInfo[] }) {
  const s = master.snapshot();
  const pid = `master@${self.hostname}:${self.port}`;
  const taskJson = (t: TaskEntry) => ({
    id: t.id,
    name: t.info.name,
    framework_id: t.frameworkId,
    executor_id: '',
    slave_id: t.agentId,
    state: t.state,
    resources: res.toStateJson(t.resources),
    statuses: t.statuses.map((x) => ({ state: x.state, timestamp: x.timestamp, ...(x.healthy === undefined ? {} : { healthy: x.healthy }) })),
    ...(t.latest.message ? { message: t.latest.message } : {}),
  });
  const frameworkJson = (fw: (typeof s.frameworks)[number], active: boolean) => {
    let used = res.EMPTY;
    for (const t of fw.tasks.values()) used = res.add(used, t.resources);
    const offered = s.frameworkOffered(fw.id);
    return {
      id: fw.id,
      name: fw.info.name,
      user: fw.info.user,
      hostname: fw.info.hostname,
      principal: fw.info.principal || undefined,
      role: fw.info.roles[0] ?? '*',
      roles: fw.info.roles,
      failover_timeout: fw.info.failoverTimeout,
      checkpoint: fw.info.checkpoint,
      capabilities: fw.info.capabilities.map((c) => c.type),
      ...(Object.keys(fw.info.offerFilters ?? {}).length ? { offer_filters: offerFiltersJson(fw.info.offerFilters) } : {}),
      registered_time: fw.registeredAt / 1000,
      active: active && !!fw.outbox,
      connected: !!fw.outbox,
      dominant_share: s.share(fw.id),
      used_resources: res.toStateJson(used),
      offered_resources: res.toStateJson(offered),
      resources: res.toStateJson(res.add(used, offered)),
      tasks: [...fw.tasks.values()].map(taskJson),
      completed_tasks: fw.completed.map(taskJson),
      offers: s.offers(fw.id).map((o) => ({ id: o.id, framework_id: o.frameworkId, slave_id: o.agentId, resources: res.toStateJson(o.resources) })),
    };
  };
  const connected = s.agents.filter((a) => !!a.outbox);
  return {
    version: STRATA_VERSION,
    id: master.id,
    pid,
    leader: pid,
    hostname: self.hostname,
    start_time: master.startedAt / 1000,
    elected_time: master.startedAt / 1000,
    leader_info: { id: master.id, hostname: self.hostname, port: self.port, address: self.leader.address },
    // A Strata extension: every master of the cluster, leader first (Mesos shows only the leader).
    masters: self.masters.map((m, i) => ({ id: m.id, address: m.address, hostname: m.hostname, leading: i === 0 })),
    activated_slaves: connected.length,
    deactivated_slaves: s.agents.length - connected.length,
    slaves: s.agents.map((a) => {
      const used = s.usedOnAgent(a);
      const offered = s.agentOffered(a.id);
      return {
        id: a.id,
        pid: `slave(1)@${a.info.address?.ip || a.hostname}:${a.port}`,
        hostname: a.hostname,
        port: a.port,
        registered_time: a.registeredAt / 1000,
        active: !!a.outbox,
        version: a.version,
        resources: res.toStateJson(a.total),
        used_resources: res.toStateJson(used),
        offered_resources: res.toStateJson(offered),
        ...reservedJson(a.reserved, a.unreserved, s.dynamicReserved(a.id)),
        attributes: Object.fromEntries(a.info.attributes.map((x) => [x.name, x.text?.value ?? x.scalar?.value ?? ''])),
        capabilities: a.info.capabilities,
      };
    }),
    roles: rolesJson(master),
    frameworks: s.frameworks.map((fw) => frameworkJson(fw, true)),
    completed_frameworks: s.completedFrameworks.map((fw) => frameworkJson(fw, false)),
    unregistered_frameworks: [],
  };
}

/** Roles as Mesos's /roles shows them (name, weight, frameworks, resources), with the weighted dominant share the allocator orders them by. */
export function rolesJson(master: Master) {
  const quota = new Map(master.quotaInfos().map((q) => [q.role, q.guarantee]));
  return master.roleShares().map((r) => ({
    name: r.role,
    weight: r.weight,
    share: r.share,
    frameworks: r.frameworks,
    resources: res.toStateJson(r.allocated),
    ...(quota.has(r.role) ? { quota: { guarantee: res.toStateJson(quota.get(r.role)!) } } : {}),
  }));
}

/** `offer_filters` as Mesos renders the proto in JSON: `{role: {min_allocatable_resources: {quantities: [{quantities: {cpus: {value: 1}}}]}}}`. */
function offerFiltersJson(filters: FrameworkInfo__Output['offerFilters']) {
  return Object.fromEntries(
    Object.entries(filters).map(([role, f]) => [
      role,
      { min_allocatable_resources: { quantities: (f.minAllocatableResources?.quantities ?? []).map((q) => ({ quantities: Object.fromEntries(Object.entries(q.quantities).map(([k, v]) => [k, { value: v.value }])) })) } },
    ]),
  );
}

/**
 * An agent's reservations in Mesos's state shape: `reserved_resources` per role (static and
 * dynamic together), `unreserved_resources` (dynamic reservations taken out), and
 * `reserved_resources_full` with each reservation's type.
 */
function reservedJson(statics: ReadonlyMap<string, Resources>, unreserved: Resources, dynamic: ReadonlyMap<string, Resources>) {
  const roles = new Set([...statics.keys(), ...dynamic.keys()]);
  let free = unreserved;
  for (const r of dynamic.values()) free = res.subtract(free, r);
  const both = (role: string) => res.add(statics.get(role) ?? res.EMPTY, dynamic.get(role) ?? res.EMPTY);
  return {
    unreserved_resources: res.toStateJson(free),
    reserved_resources: Object.fromEntries([...roles].map((role) => [role, res.toStateJson(both(role))])),
    reserved_resources_full: Object.fromEntries(
      [...roles].map((role) => [role, [...res.toProtoReserved(statics.get(role) ?? res.EMPTY, role, 'STATIC'), ...res.toProtoReserved(dynamic.get(role) ?? res.EMPTY, role, 'DYNAMIC')]]),
    ),
  };
}
