import type { StateStore } from '@strata/lib';
import type { AppDefinition } from '../model/app-definition';
import type { Instance } from '../instances/instance';
import { safePathId } from '../model/path-id';
import type { Deployment } from '../deployment/deployment';
import type { GroupRecord } from '../marathon-state';

/** Versions kept per app (Marathon keeps a bounded history too). */
export const MAX_VERSIONS = 50;

const versionKey = (v: string) => v.replace(/[^A-Za-z0-9._:@-]/g, '_');

/**
 * Marathon's state in the StateStore, one record per thing (never one big blob): the framework
 * id, each app, each app version, each instance, each deployment.
 */
export class Repository {
  constructor(private readonly store: StateStore) {}

  async frameworkId(): Promise<string | undefined> {
    return (await this.store.get<string>('marathon/framework-id'))?.value;
  }
  async saveFrameworkId(id: string): Promise<void> {
    await this.store.put('marathon/framework-id', id);
  }

  async saveApp(app: AppDefinition): Promise<void> {
    await this.store.put(`apps/${safePathId(app.id)}`, app);
    await this.store.put(`app-versions/${safePathId(app.id)}/${versionKey(app.version)}`, app);
    const versions = await this.store.list<AppDefinition>(`app-versions/${safePathId(app.id)}/`);
    const excess = versions.length - MAX_VERSIONS;
    if (excess > 0) {
      const oldest = versions.sort((a, b) => (a.value.version < b.value.version ? -1 : 1)).slice(0, excess);
      await Promise.all(oldest.map((v) => this.store.delete(v.key)));
    }
  }
  async deleteApp(appId: string): Promise<void> {
    await this.store.delete(`apps/${safePathId(appId)}`);
    for (const v of await this.store.list(`app-versions/${safePathId(appId)}/`)) await this.store.delete(v.key);
  }
  async apps(): Promise<AppDefinition[]> {
    return (await this.store.list<AppDefinition>('apps/')).map((e) => e.value);
  }
  async appVersions(appId: string): Promise<AppDefinition[]> {
    return (await this.store.list<AppDefinition>(`app-versions/${safePathId(appId)}/`)).map((e) => e.value).sort((a, b) => (a.version < b.version ? 1 : -1));
  }

  async saveInstance(i: Instance): Promise<void> {
    await this.store.put(`instances/${i.instanceId}`, i);
  }
  async deleteInstance(instanceId: string): Promise<void> {
    await this.store.delete(`instances/${instanceId}`);
  }
  async instances(): Promise<Instance[]> {
    return (await this.store.list<Instance>('instances/')).map((e) => e.value);
  }

  async saveGroup(g: GroupRecord): Promise<void> {
    await this.store.put(`groups/${safePathId(g.id) || '_root'}`, g);
  }
  async deleteGroup(id: string): Promise<void> {
    await this.store.delete(`groups/${safePathId(id) || '_root'}`);
  }
  async groups(): Promise<GroupRecord[]> {
    return (await this.store.list<GroupRecord>('groups/')).map((e) => e.value);
  }
  /** A snapshot of a group's apps at a version, for `PUT /v2/groups/{id} {"version": …}`. */
  async saveGroupVersion(groupId: string, version: string, apps: AppDefinition[]): Promise<void> {
    await this.store.put(`group-versions/${safePathId(groupId) || '_root'}/${versionKey(version)}`, { version, apps });
  }
  async groupVersions(groupId: string): Promise<{ version: string; apps: AppDefinition[] }[]> {
    return (await this.store.list<{ version: string; apps: AppDefinition[] }>(`group-versions/${safePathId(groupId) || '_root'}/`)).map((e) => e.value).sort((a, b) => (a.version < b.version ? 1 : -1));
  }

  async saveDeployment(d: Deployment): Promise<void> {
    await this.store.put(`deployments/${d.id}`, d);
  }
  async deleteDeployment(id: string): Promise<void> {
    await this.store.delete(`deployments/${id}`);
  }
  async deployments(): Promise<Deployment[]> {
    return (await this.store.list<Deployment>('deployments/')).map((e) => e.value);
  }
}
