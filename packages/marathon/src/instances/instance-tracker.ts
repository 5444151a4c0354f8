import { instanceUuidOfTask, type Instance } from './instance';

/**
 * Every instance Marathon tracks, indexed by id, by app (every converge and API read walks one
 * app's instances, not all of them) and by task uuid (every status update).
 */
export class InstanceTracker {
  private readonly byId = new Map<string, Instance>();
  private readonly byApp = new Map<string, Map<string, Instance>>();
  private readonly byUuid = new Map<string, Instance>();

  get size(): number {
    return this.byId.size;
  }

  get(instanceId: string): Instance | undefined {
    return this.byId.get(instanceId);
  }

  values(): IterableIterator<Instance> {
    return this.byId.values();
  }

  /** One app's instances (a copy: callers decommission while they walk it). */
  ofApp(appId: string): Instance[] {
    return [...(this.byApp.get(appId)?.values() ?? [])];
  }

  /** The instance a task id belongs to, if that task is its current one. */
  byTask(taskId: string): Instance | undefined {
    const uuid = instanceUuidOfTask(taskId);
    const inst = uuid === undefined ? undefined : this.byUuid.get(uuid);
    return inst?.taskId === taskId ? inst : undefined;
  }

  track(inst: Instance): void {
    this.byId.set(inst.instanceId, inst);
    this.byUuid.set(inst.uuid, inst);
    let m = this.byApp.get(inst.appId);
    if (!m) this.byApp.set(inst.appId, (m = new Map()));
    m.set(inst.instanceId, inst);
  }

  untrack(inst: Instance): void {
    this.byId.delete(inst.instanceId);
    this.byUuid.delete(inst.uuid);
    const m = this.byApp.get(inst.appId);
    m?.delete(inst.instanceId);
    if (m?.size === 0) this.byApp.delete(inst.appId);
  }
}
