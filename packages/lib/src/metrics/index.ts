export { createMetricsRegistry, Registry, Counter, Gauge, Histogram } from './registry';
