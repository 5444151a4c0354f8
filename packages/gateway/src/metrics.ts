import { Counter, Histogram, createMetricsRegistry, type Registry } from '@strata/lib';

export interface GatewayMetrics {
  registry: Registry;
  requests: Counter<'route' | 'code'>;
  duration: Histogram<'route'>;
  upstreamErrors: Counter<'route'>;
  revalidations: Counter<'route' | 'outcome'>;
}

export function gatewayMetrics(): GatewayMetrics {
  const registry = createMetricsRegistry('gateway');
  return {
    registry,
    requests: new Counter({ name: 'strata_gateway_requests_total', help: 'Requests answered, by route kind and status code', labelNames: ['route', 'code'], registers: [registry] }),
    duration: new Histogram({ name: 'strata_gateway_request_duration_seconds', help: 'Time until the response head was sent, by route kind', labelNames: ['route'], buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5], registers: [registry] }),
    upstreamErrors: new Counter({ name: 'strata_gateway_upstream_errors_total', help: 'Upstreams that could not be reached or broke off, by route kind', labelNames: ['route'], registers: [registry] }),
    revalidations: new Counter({ name: 'strata_gateway_revalidations_total', help: 'GETs answered from the kept answer after the upstream said 304 (outcome="reused") or carried again ("carried")', labelNames: ['route', 'outcome'], registers: [registry] }),
  };
}
