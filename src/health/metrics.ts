/**
 * The service's Prometheus registry. Modules register their own counters and
 * gauges here; GET /metrics exposes them with Node's default metrics.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';

export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'camnet_' });
  return registry;
}

/** Injection token: the Registry of this service instance. */
export const METRICS = Symbol('METRICS');
