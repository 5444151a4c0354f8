import { res } from '@strata/lib';
import type { FrameworkInfo__Output } from '@strata/proto';
import type { AgentConfig } from '../config';
import type { CompletedTasks } from '../tasks/completed-tasks';
import type { TaskRecord } from '../tasks/task-record';

/** The agent's /state: who it is, what it has, and its frameworks' tasks with their sandbox directories. */
export function agentState(view: {
  config: AgentConfig;
  agentId?: string;
  connected: boolean;
  isolation: string;
  docker?: string;
  recoveredTasks: number;
  pendingStatusUpdates: number;
  frameworks: Iterable<FrameworkInfo__Output>;
  tasks: Iterable<TaskRecord>;
  completed: CompletedTasks;
}) {
  const { config } = view;
  const tasks = [...view.tasks];
  const frameworks = [...view.frameworks];
  const known = new Set(frameworks.map((fw) => fw.id?.value));
  // Mesos's shape: one executor per task (command tasks), its finished task under completed_tasks.
  const completedExecutors = (frameworkId: string) => view.completed.of(frameworkId).map((t) => ({ id: t.taskId, directory: t.sandbox, tasks: [], completed_tasks: [{ id: t.taskId, name: t.name, state: t.state }] }));
  return {
    id: view.agentId ?? null,
    hostname: config.hostname,
    port: config.port,
    master: config.master,
    connected: view.connected,
    resources: res.toStateJson(config.resources),
    reserved_resources: Object.fromEntries([...config.reservations].map(([role, r]) => [role, res.toStateJson(r)])),
    attributes: config.attributes,
    isolation: view.isolation,
    docker: view.docker ?? null,
    recovered_tasks: view.recoveredTasks,
    pending_status_updates: view.pendingStatusUpdates,
    frameworks: frameworks.map((fw) => ({
      id: fw.id?.value,
      name: fw.name,
      executors: tasks
        .filter((t) => t.frameworkId === fw.id?.value)
        .map((t) => ({ id: t.info.taskId?.value, directory: t.sandbox, tasks: [{ id: t.info.taskId?.value, name: t.info.name, state: t.state, pid: t.container?.pid, resources: taskResources(t) }] })),
      completed_executors: completedExecutors(fw.id?.value ?? ''),
    })),
    // Frameworks this agent no longer runs anything for, with the sandboxes their tasks left.
    completed_frameworks: view.completed
      .frameworks()
      .filter((id) => !known.has(id))
      .map((id) => ({ id, executors: [], completed_executors: completedExecutors(id) })),
  };
}

/** A task's resources as Mesos's state shows them ({cpus, mem, disk, ports}); a malformed set shows empty rather than failing the whole page. */
function taskResources(t: TaskRecord) {
  try {
    return res.toStateJson(res.fromProto(t.info.resources));
  } catch {
    return {};
  }
}
