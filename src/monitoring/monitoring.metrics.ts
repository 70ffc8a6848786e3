/**
 * The monitoring module's Prometheus series, registered on the service's registry
 * (METRICS). Created once per registry, so two service instances in one process
 * (tests) each get their own.
 */
import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { METRICS } from '../health/metrics';

export const MQTT_DROP_REASONS = [
  'bad_topic',
  'too_large',
  'not_utf8',
  'not_json',
  'schema',
  'unknown_station',
  'unknown_camera',
  /** ts more than MAX_CLOCK_AHEAD_MS ahead of camnet's clock. */
  'future_ts',
  /** ts before the last one accepted from that station (a late or replayed message). */
  'stale_ts',
  /** the same ts as the last one accepted from that station (a QoS 1 redelivery). */
  'duplicate',
  /** a retained {"online":false} handed over at (re)subscription: a past fact of unknown age. */
  'retained_offline',
  /** a Will delivered just before camnet's own broker connection closed (a broker shutting down). */
  'will_from_closing_broker',
] as const;
/** In-memory buffers that hold what camnet took in until the database takes it. */
export const APPLY_BUFFERS = ['heartbeats', 'station_messages', 'checks'] as const;
export type ApplyBuffer = (typeof APPLY_BUFFERS)[number];
export type MqttDropReason = (typeof MQTT_DROP_REASONS)[number];

@Injectable()
export class MonitoringMetrics {
  readonly mqttDropped: Counter<'reason'>;
  readonly mqttReceived: Counter<'kind'>;
  readonly checks: Counter<'result'>;
  readonly checkSeconds: Histogram<string>;
  /** Writes tried again after a transient failure, by kind (lock_conflict: deadlock or serialization; connection). */
  readonly dbRetries: Counter<'kind'>;
  /** Things taken in and then dropped, by buffer and reason (overflow: the buffer was full; permanent: the write can never succeed). */
  readonly applyDropped: Counter<'buffer' | 'reason'>;
  /** Items waiting in each buffer, and the most seen since start. */
  readonly bufferItems: Gauge<'buffer'>;
  readonly bufferPeak: Gauge<'buffer'>;

  constructor(@Inject(METRICS) registry: Registry) {
    this.mqttDropped = once(
      registry,
      'camnet_mqtt_messages_dropped_total',
      () =>
        new Counter({
          name: 'camnet_mqtt_messages_dropped_total',
          help: 'Station MQTT messages dropped as invalid, by reason',
          labelNames: ['reason'],
          registers: [registry],
        }),
    );
    for (const r of MQTT_DROP_REASONS) this.mqttDropped.inc({ reason: r }, 0);
    this.mqttReceived = once(
      registry,
      'camnet_mqtt_messages_total',
      () =>
        new Counter({ name: 'camnet_mqtt_messages_total', help: 'Station MQTT messages accepted, by topic kind', labelNames: ['kind'], registers: [registry] }),
    );
    this.checks = once(
      registry,
      'camnet_probe_checks_total',
      () => new Counter({ name: 'camnet_probe_checks_total', help: 'ONVIF checks run, by outcome', labelNames: ['result'], registers: [registry] }),
    );
    this.checkSeconds = once(
      registry,
      'camnet_probe_check_seconds',
      () =>
        new Histogram({
          name: 'camnet_probe_check_seconds',
          help: 'Duration of one ONVIF check',
          buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
          registers: [registry],
        }),
    );
    this.dbRetries = once(
      registry,
      'camnet_db_write_retries_total',
      () =>
        new Counter({
          name: 'camnet_db_write_retries_total',
          help: 'State writes retried after a transient database failure, by kind',
          labelNames: ['kind'],
          registers: [registry],
        }),
    );
    for (const k of ['lock_conflict', 'connection']) this.dbRetries.inc({ kind: k }, 0);
    this.applyDropped = once(
      registry,
      'camnet_apply_dropped_total',
      () =>
        new Counter({
          name: 'camnet_apply_dropped_total',
          help: 'Heartbeats, station messages and check results taken in but never written, by buffer and reason (overflow, permanent)',
          labelNames: ['buffer', 'reason'],
          registers: [registry],
        }),
    );
    this.bufferItems = once(
      registry,
      'camnet_apply_buffer_items',
      () => new Gauge({ name: 'camnet_apply_buffer_items', help: 'Items waiting to be written, by buffer', labelNames: ['buffer'], registers: [registry] }),
    );
    this.bufferPeak = once(
      registry,
      'camnet_apply_buffer_peak_items',
      () =>
        new Gauge({
          name: 'camnet_apply_buffer_peak_items',
          help: 'Most items seen waiting in each buffer since start',
          labelNames: ['buffer'],
          registers: [registry],
        }),
    );
    for (const b of APPLY_BUFFERS) {
      for (const r of ['overflow', 'permanent']) this.applyDropped.inc({ buffer: b, reason: r }, 0);
      this.bufferItems.set({ buffer: b }, 0);
      this.bufferPeak.set({ buffer: b }, 0);
    }
  }

  /** Records a buffer's size (and its peak). */
  bufferSize(buffer: ApplyBuffer, n: number): void {
    this.bufferItems.set({ buffer }, n);
    const peak = this.peaks.get(buffer) ?? 0;
    if (n > peak) {
      this.peaks.set(buffer, n);
      this.bufferPeak.set({ buffer }, n);
    }
  }

  peak(buffer: ApplyBuffer): number {
    return this.peaks.get(buffer) ?? 0;
  }

  private readonly peaks = new Map<ApplyBuffer, number>();
}

function once<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}
