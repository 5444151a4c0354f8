/** A task the agent ran and has forgotten, kept for its sandbox (Mesos's `completed_executors`). */
export interface CompletedTask {
  frameworkId: string;
  taskId: string;
  name: string;
  state: string;
  sandbox: string;
  /** Who it ran as (its command's user, else its framework's): the object of access_sandboxes. */
  user?: string;
}

/**
 * The last tasks each framework finished on this agent, so that `/state` still says where their
 * sandboxes are once the tasks are forgotten (the files outlive them: `strata task logs` and the
 * UI read them after the end). Bounded per framework, as Mesos's
 * `--max_completed_executors_per_framework` (default 150): the oldest goes first.
 */
export class CompletedTasks {
  private readonly byFramework = new Map<string, CompletedTask[]>();

  constructor(private readonly maxPerFramework = 150) {}

  add(t: CompletedTask): void {
    const list = (this.byFramework.get(t.frameworkId) ?? []).filter((x) => x.taskId !== t.taskId);
    list.push(t);
    if (list.length > this.maxPerFramework) list.splice(0, list.length - this.maxPerFramework);
    this.byFramework.set(t.frameworkId, list);
  }

  of(frameworkId: string): readonly CompletedTask[] {
    return this.byFramework.get(frameworkId) ?? [];
  }

  frameworks(): string[] {
    return [...this.byFramework.keys()];
  }

  clear(): void {
    this.byFramework.clear();
  }
}
