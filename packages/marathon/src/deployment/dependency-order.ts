/**
 * Orders apps for a deployment the way Marathon does (DeploymentPlan.apply): each app goes into
 * the class of the length of its longest dependency path, classes run one after another, apps in
 * a class run together. A dependency naming a group means every app inside it. Pure.
 */
export type DependencyOrder = { ok: true; classes: string[][] } | { ok: false; cycle: string[] };

export function expandDependency(dep: string, appIds: readonly string[]): string[] {
  if (appIds.includes(dep)) return [dep];
  const prefix = dep === '/' ? '/' : `${dep}/`;
  return appIds.filter((id) => id.startsWith(prefix));
}

export function orderByDependencies(apps: readonly { id: string; dependencies: readonly string[] }[], allAppIds: readonly string[] = apps.map((a) => a.id)): DependencyOrder {
  const deps = new Map<string, string[]>();
  for (const a of apps) deps.set(a.id, [...new Set(a.dependencies.flatMap((d) => expandDependency(d, allAppIds)))].filter((d) => d !== a.id));
  const depth = new Map<string, number>();
  const visiting: string[] = [];
  const visit = (id: string): number | string[] => {
    if (depth.has(id)) return depth.get(id)!;
    const at = visiting.indexOf(id);
    if (at >= 0) return [...visiting.slice(at), id];
    visiting.push(id);
    let d = 0;
    for (const dep of deps.get(id) ?? []) {
      if (!deps.has(dep)) continue; // not part of this deployment: already in place
      const r = visit(dep);
      if (Array.isArray(r)) return r;
      d = Math.max(d, r + 1);
    }
    visiting.pop();
    depth.set(id, d);
    return d;
  };
  for (const a of apps) {
    const r = visit(a.id);
    if (Array.isArray(r)) return { ok: false, cycle: r };
  }
  const classes: string[][] = [];
  for (const [id, d] of depth) (classes[d] ??= []).push(id);
  return { ok: true, classes: classes.filter(Boolean).map((c) => c.sort()) };
}
