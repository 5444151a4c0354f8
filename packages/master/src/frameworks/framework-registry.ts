import type { FrameworkInfo__Output } from '@strata/proto';
import type { FrameworkEntry } from '../registry';

const MAX_COMPLETED_FRAMEWORKS = 50;

/**
 * Frameworks this master serves, the ids it knows from its store (frameworks that may still
 * resubscribe after a restart) and the recently removed ones for /master/state.
 */
export class FrameworkRegistry {
  private readonly frameworks = new Map<string, FrameworkEntry>();
  private readonly known = new Set<string>();
  private readonly removed: FrameworkEntry[] = [];

  get(id: string): FrameworkEntry | undefined {
    return this.frameworks.get(id);
  }

  has(id: string): boolean {
    return this.frameworks.has(id);
  }

  values(): IterableIterator<FrameworkEntry> {
    return this.frameworks.values();
  }

  /** Known: registered with this master or a predecessor on the same store, and not removed. */
  isKnown(id: string): boolean {
    return this.known.has(id);
  }

  get knownCount(): number {
    return this.known.size;
  }

  remember(id: string): void {
    this.known.add(id);
  }

  isRemoved(id: string): boolean {
    return this.removed.some((f) => f.id === id);
  }

  completed(): FrameworkEntry[] {
    return [...this.removed];
  }

  add(id: string, info: FrameworkInfo__Output, registeredAt: number): FrameworkEntry {
    const fw: FrameworkEntry = { id, info, registeredAt, partitionAware: isPartitionAware(info), tasks: new Map(), completed: [] };
    this.frameworks.set(id, fw);
    this.known.add(id);
    return fw;
  }

  setInfo(fw: FrameworkEntry, info: FrameworkInfo__Output): void {
    fw.info = info;
    fw.partitionAware = isPartitionAware(info);
  }

  /** Gone for good: not known any more, kept among the completed for a while. */
  remove(fw: FrameworkEntry): void {
    this.frameworks.delete(fw.id);
    this.known.delete(fw.id);
    this.removed.push(fw);
    if (this.removed.length > MAX_COMPLETED_FRAMEWORKS) this.removed.shift();
  }
}

export function isPartitionAware(info: FrameworkInfo__Output): boolean {
  return info.capabilities.some((c) => c.type === 'PARTITION_AWARE');
}

/** A framework's roles: `roles` (MULTI_ROLE), else the old single `role`, else `*`. */
export const rolesOf = (info: FrameworkInfo__Output): string[] => (info.roles.length ? info.roles : [info.role || '*']);
