import { parentOf } from './path-id';

/**
 * The group tree Marathon shows, derived from what exists: app ids and explicit group records
 * (empty groups, dependencies). A group exists when it is the root, has a record, or has any app
 * or recorded group below it; so every existing group's parent exists, and deleting the last
 * app of `/a/b` leaves `/a` and `/a/b` there, as in Marathon, until the group is deleted.
 */
export class GroupTree {
  private readonly exists = new Set<string>(['/']);
  private readonly children = new Map<string, Set<string>>();

  constructor(appIds: Iterable<string>, groupIds: Iterable<string>) {
    for (const g of groupIds) this.addGroup(g);
    for (const a of appIds) this.addGroup(parentOf(a));
  }

  private addGroup(id: string): void {
    while (!this.exists.has(id)) {
      this.exists.add(id);
      const parent = parentOf(id);
      let c = this.children.get(parent);
      if (!c) this.children.set(parent, (c = new Set()));
      c.add(id);
      id = parent;
    }
  }

  has(id: string): boolean {
    return this.exists.has(id);
  }

  /** Direct subgroups of `id`, sorted. */
  subgroups(id: string): string[] {
    return [...(this.children.get(id) ?? [])].sort();
  }
}
