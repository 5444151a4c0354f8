import { Counter, type Registry } from '@strata/lib';

export interface AgentMetrics {
  tasksLaunched: Counter;
  statusUpdates: Counter<'state'>;
}

export function createAgentMetrics(registry: Registry): AgentMetrics {
  const registers = [registry];
  return {
    tasksLaunched: new Counter({ name: 'strata_agent_tasks_launched_total', help: 'Tasks started on this agent', registers }),
    statusUpdates: new Counter({ name: 'strata_agent_status_updates_total', help: 'Status updates generated', labelNames: ['state'], registers }),
  };
}
