export { EmulatedAgentPool } from './emulated-agent-pool';
export type { EmulatedAgentPoolOptions, EmulatedAgentPoolStats } from './emulated-agent-pool';
export { EmulatedAgent, DURATION_LABEL } from './emulated-agent';
