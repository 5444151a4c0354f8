export { startGateway } from './server';
export type { Gateway } from './server';
export type { GatewayConfig } from './config';
export { routeOf, describeRoute } from './routes/route-table';
export type { Route, UpstreamRoute } from './routes/route-table';
export { servicesFromApps } from './directory/services';
export type { AppWithTasks, ServiceEndpoint } from './directory/services';
