/**
 * Listens to the stations over MQTT (DESIGN.md "MQTT contract"): `status` and the
 * Last Will drive station status (at once, with the camera cascade), heartbeats
 * refresh last-seen times in batches (one multi-row UPDATE per table every 250 ms,
 * so thousands of heartbeats a second cost a few statements), `orientation` (and a
 * heartbeat's heading) updates headings. Invalid messages are dropped, counted in
 * camnet_mqtt_messages_dropped_total{reason} and logged without flooding.
 * With MQTT_SHARED_GROUP the replicas share one subscription (MQTT 5 `$share/…`).
 */
import { redactedUrl } from '../mqtt/mqtt-credentials';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import mqtt, { MqttClient } from 'mqtt';
import { DataSource } from 'typeorm';
import { CLOCK, Clock } from '../common/clock';
import { CAMNET_CONFIG, CamnetConfig } from '../config/config';
import { CAMNET_RUNTIME, CamnetRuntime } from '../core.module';
import { CameraStateService } from './camera-state.service';
import { ListeningWindow } from './listening-window';
import { MonitoringMetrics, MqttDropReason } from './monitoring.metrics';
import { HeartbeatMessage, MQTT_TOPIC_PREFIX, parseStationMessage, StationMessage } from './mqtt.payloads';
import type { Status } from './status';
import { headingDelta, HEADING_NOISE_DEG } from './status.machine';

const FLUSH_MS = 250;
const INVENTORY_REFRESH_MS = 60_000;
const STATUS_REFRESH_MS = 5_000;
const DROP_LOG_MS = 60_000;

interface CameraEntry {
  id: number;
  stationId: number | null;
  /** Last recorded heading, else the registered one: what a new heading is compared with. */
  headingDeg: number;
}

@Injectable()
export class MqttListener implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('mqtt');
  private client: MqttClient | null = null;
  private stations = new Map<string, number>();
  private cameras = new Map<string, CameraEntry>();
  private stationStatus = new Map<number, Status>();
  private lastInventoryLoad = 0;
  private lastStatusLoad = 0;
  /** Heartbeat facts waiting for the next flush (latest per station / camera wins). */
  private pendingStations = new Map<number, { at: Date; power: string; tempC: number | null }>();
  private pendingCameras = new Map<number, Date>();
  private flushTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  /** Per-station chains so a Will and the status that follows it apply in order. */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly drops = new Map<MqttDropReason, { since: number }>();
  private dropLogTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly state: CameraStateService,
    private readonly metrics: MonitoringMetrics,
    private readonly listening: ListeningWindow,
    @Inject(CAMNET_CONFIG) private readonly config: CamnetConfig,
    @Inject(CAMNET_RUNTIME) private readonly runtime: CamnetRuntime,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.monitoring) await this.start();
  }

  /** Loads the inventory, connects and subscribes. Resolves once subscribed (or after 10 s of trying). */
  async start(): Promise<void> {
    if (this.client !== null) return;
    await this.loadInventory();
    const group = this.config.mqttSharedGroup;
    const topics = ['status', 'heartbeat', 'orientation'].map((k) => `${group ? `$share/${group}/` : ''}${MQTT_TOPIC_PREFIX}/+/${k}`);
    const client = mqtt.connect(this.runtime.mqttUrl, {
      // Shared subscriptions are MQTT 5; aedes (embedded) speaks 3.1.1 only.
      protocolVersion: group ? 5 : 4,
      clientId: `camnet-${this.runtime.instanceId}`,
      clean: true,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
    });
    this.client = client;
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    client.on('error', (err) => this.logger.warn(`broker ${redactedUrl(this.runtime.mqttUrl)}: ${err.message}`));
    client.on('close', () => this.listening.lost());
    const subscribed = new Promise<void>((resolve) => {
      client.on('connect', () => {
        client.subscribe(topics, { qos: 1 }, (err) => {
          if (err) this.logger.error(`cannot subscribe to ${topics.join(', ')}: ${err.message}`);
          else {
            this.listening.connected(this.clock.now());
            this.logger.log(`subscribed to ${topics.join(', ')} on ${redactedUrl(this.runtime.mqttUrl)}`);
          }
          resolve();
        });
      });
    });
    this.flushTimer = setInterval(() => {
      this.flushing = this.flushing.then(() => this.flush()).catch((err) => this.logger.warn(`heartbeat flush failed: ${err.message}`));
    }, FLUSH_MS);
    this.dropLogTimer = setInterval(() => this.logDropSummaries(), DROP_LOG_MS);
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([subscribed, new Promise<void>((resolve) => (timeout = setTimeout(resolve, 10_000)))]);
    clearTimeout(timeout);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.flushTimer) clearInterval(this.flushTimer);
    if (this.dropLogTimer) clearInterval(this.dropLogTimer);
    const client = this.client;
    this.client = null;
    if (client) await new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
    await Promise.allSettled([...this.chains.values()]);
    await this.flushing;
    await this.flush().catch(() => undefined);
  }

  /** Handles one raw message; never throws (a bad message must not take the listener down). */
  onMessage(topic: string, payload: Buffer): void {
    try {
      const parsed = parseStationMessage(topic, payload);
      if (!parsed.ok) return this.drop(parsed.reason, parsed.detail);
      const msg = parsed.message;
      const stationId = this.stations.get(msg.station);
      if (stationId === undefined) {
        this.maybeReloadInventory();
        return this.drop('unknown_station', `station ${msg.station} is not in the inventory (${msg.kind})`);
      }
      this.metrics.mqttReceived.inc({ kind: msg.kind });
      this.dispatch(stationId, msg);
    } catch (err) {
      this.logger.error(`message on ${topic.slice(0, 120)} could not be handled: ${err?.message ?? err}`);
    }
  }

  /** Writes buffered heartbeats: one UPDATE for stations, one for cameras. */
  async flush(): Promise<void> {
    if (this.pendingStations.size === 0 && this.pendingCameras.size === 0) return;
    const stations = this.pendingStations;
    const cameras = this.pendingCameras;
    this.pendingStations = new Map();
    this.pendingCameras = new Map();
    if (stations.size > 0) {
      const ids = [...stations.keys()];
      const v = [...stations.values()];
      await this.dataSource.query(
        `UPDATE station_state s SET last_seen_at = GREATEST(s.last_seen_at, v.at), power = v.power, temp_c = COALESCE(v.temp_c, s.temp_c)
         FROM unnest($1::int[], $2::timestamptz[], $3::text[], $4::float8[]) AS v(id, at, power, temp_c)
         WHERE s.station_id = v.id`,
        [ids, v.map((x) => x.at.toISOString()), v.map((x) => x.power), v.map((x) => x.tempC)],
      );
    }
    if (cameras.size > 0) {
      await this.dataSource.query(
        `UPDATE camera_state c SET last_seen_at = GREATEST(c.last_seen_at, v.at)
         FROM unnest($1::int[], $2::timestamptz[]) AS v(id, at) WHERE c.camera_id = v.id`,
        [[...cameras.keys()], [...cameras.values()].map((d) => d.toISOString())],
      );
    }
  }

  private dispatch(stationId: number, msg: StationMessage): void {
    switch (msg.kind) {
      case 'status':
        return this.serial(msg.station, () => this.applyStation(stationId, msg.online ? { type: 'online' } : { type: 'will' }));
      case 'heartbeat':
        return this.onHeartbeat(stationId, msg);
      case 'orientation': {
        const cam = this.cameras.get(msg.camera);
        if (cam === undefined || cam.stationId !== stationId) {
          return this.drop('unknown_camera', `orientation from ${msg.station} names camera ${msg.camera}, not one of its cameras`);
        }
        return this.serial(msg.station, () => this.applyHeading(cam, msg.headingDeg, msg.pan, msg.tilt));
      }
    }
  }

  private onHeartbeat(stationId: number, msg: HeartbeatMessage): void {
    const now = this.clock.now();
    this.pendingStations.set(stationId, { at: now, power: msg.power, tempC: msg.tempC });
    for (const c of msg.cameras) {
      const cam = this.cameras.get(c.code);
      if (cam === undefined || cam.stationId !== stationId) continue;
      if (c.online) this.pendingCameras.set(cam.id, now);
      if (c.headingDeg !== null && headingDelta(c.headingDeg, cam.headingDeg) > HEADING_NOISE_DEG) {
        const heading = c.headingDeg;
        this.serial(msg.station, () => this.applyHeading(cam, heading, null, null));
      }
    }
    this.maybeReloadStatuses();
    // Only a station not known to be online needs the state machine; the rest is last-seen.
    const status = this.stationStatus.get(stationId);
    if (status !== 'online' && status !== 'maintenance') {
      this.serial(msg.station, () => this.applyStation(stationId, { type: 'heartbeat' }, { power: msg.power, tempC: msg.tempC }));
    }
  }

  private async applyStation(stationId: number, o: { type: 'online' | 'will' | 'heartbeat' }, details: { power?: string; tempC?: number | null } = {}) {
    const next = await this.state.applyStation(stationId, o, 'mqtt', details);
    if (next !== null) this.stationStatus.set(stationId, next);
  }

  private async applyHeading(cam: CameraEntry, heading: number, pan: number | null, tilt: number | null): Promise<void> {
    const changed = await this.state.applyOrientation(cam.id, heading, { pan, tilt }, 'mqtt');
    if (changed) cam.headingDeg = heading;
  }

  private serial(station: string, fn: () => Promise<void>): void {
    if (this.stopped) return;
    const prev = this.chains.get(station) ?? Promise.resolve();
    const next = prev
      .then(fn)
      .catch((err) => this.logger.warn(`station ${station}: ${err?.message ?? err}`))
      .finally(() => {
        if (this.chains.get(station) === next) this.chains.delete(station);
      });
    this.chains.set(station, next);
  }

  private drop(reason: MqttDropReason, detail: string): void {
    this.metrics.mqttDropped.inc({ reason });
    const d = this.drops.get(reason);
    if (d === undefined) {
      this.drops.set(reason, { since: 0 });
      this.logger.warn(`dropped an MQTT message (${reason}): ${detail}; further drops of this kind are summed up once a minute`);
    } else d.since++;
  }

  private logDropSummaries(): void {
    for (const [reason, d] of this.drops) {
      if (d.since > 0) this.logger.warn(`dropped ${d.since} more MQTT messages (${reason}) in the last minute`);
      d.since = 0;
    }
  }

  private maybeReloadInventory(): void {
    const now = this.clock.now().getTime();
    if (now - this.lastInventoryLoad < 5_000) return;
    this.lastInventoryLoad = now;
    this.loadInventory().catch((err) => this.logger.warn(`inventory reload failed: ${err.message}`));
  }

  private maybeReloadStatuses(): void {
    const now = this.clock.now().getTime();
    if (now - this.lastStatusLoad < STATUS_REFRESH_MS) return;
    this.lastStatusLoad = now;
    // Another replica may have applied a Will this one never saw (shared subscriptions split messages).
    this.dataSource
      .query(`SELECT station_id, status FROM station_state`)
      .then((rows: { station_id: number; status: Status }[]) => {
        this.stationStatus = new Map(rows.map((r) => [r.station_id, r.status]));
      })
      .catch((err) => this.logger.warn(`station status reload failed: ${err.message}`));
    if (now - this.lastInventoryLoad >= INVENTORY_REFRESH_MS) this.maybeReloadInventory();
  }

  private async loadInventory(): Promise<void> {
    this.lastInventoryLoad = this.clock.now().getTime();
    const [stations, cameras, statuses] = await Promise.all([
      this.dataSource.query(`SELECT id, code FROM station WHERE retired_on IS NULL`),
      this.dataSource.query(
        `SELECT c.id, c.code, c.station_id, COALESCE(cs.heading_deg, c.heading_deg) AS heading_deg
         FROM camera c LEFT JOIN camera_state cs ON cs.camera_id = c.id WHERE c.station_id IS NOT NULL`,
      ),
      this.dataSource.query(`SELECT station_id, status FROM station_state`),
    ]);
    this.stations = new Map(stations.map((s: { id: number; code: string }) => [s.code, s.id]));
    this.cameras = new Map(
      cameras.map((c: { id: number; code: string; station_id: number; heading_deg: number }) => [
        c.code,
        { id: c.id, stationId: c.station_id, headingDeg: c.heading_deg },
      ]),
    );
    this.stationStatus = new Map(statuses.map((r: { station_id: number; status: Status }) => [r.station_id, r.status]));
    this.lastStatusLoad = this.clock.now().getTime();
  }
}
