export { DeploymentEnds } from './deployment-ends';
export type { DeploymentEnd } from './deployment-ends';
