export { portPlan, portClashes, masterPortOf, etcdClientPortOf, etcdPeerPortOf, frameworkPortOf, type PlannedPort, type PortPlanOptions } from './port-plan';
export { checkPorts } from './port-check';
