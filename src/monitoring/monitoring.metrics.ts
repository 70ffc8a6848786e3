/**
 * The monitoring module's Prometheus series, registered on the service's registry
 * (METRICS). Created once per registry, so two service instances in one process
 * (tests) each get their own.
 */
import { Inject, Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';
import { METRICS } from '../health/metrics';

export const MQTT_DROP_REASONS = ['bad_topic', 'too_large', 'not_utf8', 'not_json', 'schema', 'unknown_station', 'unknown_camera'] as const;
export type MqttDropReason = (typeof MQTT_DROP_REASONS)[number];

@Injectable()
export class MonitoringMetrics {
  readonly mqttDropped: Counter<'reason'>;
  readonly mqttReceived: Counter<'kind'>;
  readonly checks: Counter<'result'>;
  readonly checkSeconds: Histogram<string>;

  constructor(@Inject(METRICS) registry: Registry) {
    this.mqttDropped = once(registry, 'camnet_mqtt_messages_dropped_total', () =>
      new Counter({ name: 'camnet_mqtt_messages_dropped_total', help: 'Station MQTT messages dropped as invalid, by reason', labelNames: ['reason'], registers: [registry] }),
    );
    for (const r of MQTT_DROP_REASONS) this.mqttDropped.inc({ reason: r }, 0);
    this.mqttReceived = once(registry, 'camnet_mqtt_messages_total', () =>
      new Counter({ name: 'camnet_mqtt_messages_total', help: 'Station MQTT messages accepted, by topic kind', labelNames: ['kind'], registers: [registry] }),
    );
    this.checks = once(registry, 'camnet_probe_checks_total', () =>
      new Counter({ name: 'camnet_probe_checks_total', help: 'ONVIF checks run, by outcome', labelNames: ['result'], registers: [registry] }),
    );
    this.checkSeconds = once(registry, 'camnet_probe_check_seconds', () =>
      new Histogram({
        name: 'camnet_probe_check_seconds',
        help: 'Duration of one ONVIF check',
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers: [registry],
      }),
    );
  }
}

function once<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}
