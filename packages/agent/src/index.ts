export { startAgent } from './server';
export type { RunningAgent } from './server';
export { Agent } from './agent';
export type { AgentConfig } from './agent';
export { defaultAgentConfig, parseAttributes } from './config';
export { agentResources, detectResources } from './resources/detect';
export { ProcessContainerizer } from './containerizer/process-containerizer';
export type { Containerizer, Container, ExitInfo, LaunchSpec } from './containerizer/containerizer';
export { StatusUpdateManager } from './status-updates/status-update-manager';
