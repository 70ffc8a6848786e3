/**
 * Listens to the stations over MQTT (DESIGN.md "MQTT contract"): `status` and the
 * Last Will drive station status (with the camera cascade), heartbeats refresh
 * last-seen times in batches (CameraStateService writes them every 250 ms, so
 * thousands of heartbeats a second cost a few statements), `orientation` (and a
 * heartbeat's heading) updates headings. Everything is applied per station in the
 * order it was heard, at the time it was heard, and kept (retried) while the
 * database is away. Invalid messages are dropped, counted in
 * camnet_mqtt_messages_dropped_total{reason} and logged without flooding.
 *
 * A broker going down is not a station going down: a Will is held for
 * CAMNET_WILL_HOLD_MS (1 s) before it acts, and dropped if camnet's own connection
 * to the broker closes meanwhile (a broker that shuts down publishes every
 * client's Will, then closes camnet's connection too). After a reconnection a
 * retained {"online":false} is not acted on (it is a past fact of unknown age):
 * a station that does not come back goes offline by silence.
 *
 * With MQTT_SHARED_GROUP the replicas share one subscription (MQTT 5 `$share/…`).
 * MQTT 5 is spoken to any broker that accepts it, with a maximumPacketSize so the
 * broker never sends camnet a message over the 16 KiB contract; a 3.1.1-only broker
 * (aedes, the embedded one) is spoken 3.1.1.
 */
import { redactedUrl } from '../mqtt/mqtt-credentials';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import mqtt, { IClientOptions, MqttClient } from 'mqtt';
import { DataSource } from 'typeorm';
import { CLOCK, Clock } from '../common/clock';
import { CAMNET_CONFIG, CamnetConfig } from '../config/config';
import { CAMNET_RUNTIME, CamnetRuntime } from '../common/runtime';
import { CameraStateRepository } from './camera-state.repository';
import { CameraStateService } from './camera-state.service';
import { ListeningWindow } from './listening-window';
import { MonitoringMetrics, MqttDropReason } from './monitoring.metrics';
import { HeartbeatMessage, MQTT_MAX_PAYLOAD_BYTES, MQTT_TOPIC_PREFIX, parseStationMessage, StationMessage } from './mqtt.payloads';
import type { Status } from '../domain/status';
import { headingDelta, HEADING_NOISE_DEG } from './status.machine';

const FLUSH_MS = 250;
const INVENTORY_REFRESH_MS = 60_000;
const STATUS_REFRESH_MS = 5_000;
const DROP_LOG_MS = 60_000;
/** A message stamped further ahead of camnet's clock than this is refused (a station clock gone wrong). */
export const MAX_CLOCK_AHEAD_MS = 60_000;
/** The largest MQTT packet camnet accepts: the 16 KiB payload, its topic and the header. */
export const MQTT_MAX_PACKET_BYTES = MQTT_MAX_PAYLOAD_BYTES + 1024;

interface CameraEntry {
  id: number;
  stationId: number | null;
  /** Last recorded heading, else the registered one: what a new heading is compared with. */
  headingDeg: number;
}

interface HeldWill {
  stationId: number;
  heardAt: Date;
  timer: NodeJS.Timeout;
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
  private flushTimer: NodeJS.Timeout | null = null;
  /** Per-station chains so a Will and the status that follows it apply in order. */
  private readonly chains = new Map<string, Promise<void>>();
  /** Station messages waiting in the chains (bounded by config.applyBufferMax). */
  private queued = 0;
  /** Stations with a heartbeat application waiting in their chain. */
  private readonly heartbeatQueued = new Set<string>();
  /** Wills waiting out CAMNET_WILL_HOLD_MS, by station code. */
  private readonly heldWills = new Map<string, HeldWill>();
  /** The last `ts` accepted per station (heartbeats) and per camera (orientation), ms. */
  private readonly lastHeartbeatTs = new Map<number, number>();
  private readonly lastOrientationTs = new Map<number, number>();
  private readonly drops = new Map<MqttDropReason, { since: number }>();
  private dropLogTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: CameraStateRepository,
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
    // The embedded aedes speaks 3.1.1 only; any other broker is tried in MQTT 5 first.
    const embedded = this.config.mqttUrl === null;
    const options: IClientOptions = {
      protocolVersion: embedded ? 4 : 5,
      clientId: `camnet-${this.runtime.instanceId}`,
      clean: true,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      reconnectOnConnackError: true,
      ...(embedded ? {} : { properties: { maximumPacketSize: MQTT_MAX_PACKET_BYTES } }),
    };
    const client = mqtt.connect(this.runtime.mqttUrl, options);
    this.client = client;
    client.on('message', (topic, payload, packet) => this.onMessage(topic, payload, packet.retain));
    client.on('error', (err: Error & { code?: number }) => {
      if (client.options.protocolVersion === 5 && /unacceptable protocol version|unsupported protocol version/i.test(err.message)) {
        if (group)
          this.logger.error(`broker ${redactedUrl(this.runtime.mqttUrl)} speaks no MQTT 5: MQTT_SHARED_GROUP cannot work there; subscribing without it`);
        else this.logger.log(`broker ${redactedUrl(this.runtime.mqttUrl)} speaks MQTT 3.1.1 only: messages over 16 KiB are refused after they arrive`);
        client.options.protocolVersion = 4;
        delete client.options.properties;
        return;
      }
      this.logger.warn(`broker ${redactedUrl(this.runtime.mqttUrl)}: ${err.message}`);
    });
    client.on('close', () => this.onConnectionClosed());
    const subscribed = new Promise<void>((resolve) => {
      client.on('connect', () => {
        const shared = client.options.protocolVersion === 5;
        const subscribeTo = shared ? topics : topics.map((t) => t.replace(/^\$share\/[^/]+\//, ''));
        // Heartbeats at QoS 0: each only repeats "seen" and the next comes long before the silence
        // limit, and with a clean session a redelivery could only come on the same live connection;
        // QoS 1 would cost a PUBACK written back for every one. Statuses (Wills) and orientations keep QoS 1.
        const qos = Object.fromEntries(subscribeTo.map((t) => [t, { qos: t.endsWith('/heartbeat') ? (0 as const) : (1 as const) }]));
        client.subscribe(qos, (err) => {
          if (err) this.logger.error(`cannot subscribe to ${subscribeTo.join(', ')}: ${err.message}`);
          else {
            this.listening.connected(this.clock.now());
            this.logger.log(`subscribed to ${subscribeTo.join(', ')} on ${redactedUrl(this.runtime.mqttUrl)} (MQTT ${shared ? 5 : '3.1.1'})`);
          }
          resolve();
        });
      });
    });
    this.flushTimer = setInterval(() => void this.state.flushHeartbeats(), FLUSH_MS);
    this.dropLogTimer = setInterval(() => this.logDropSummaries(), DROP_LOG_MS);
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([subscribed, new Promise<void>((resolve) => (timeout = setTimeout(resolve, 10_000)))]);
    clearTimeout(timeout);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.flushTimer) clearInterval(this.flushTimer);
    if (this.dropLogTimer) clearInterval(this.dropLogTimer);
    // Wills still held are real as far as we know: they act now.
    for (const [code, held] of [...this.heldWills]) this.releaseWill(code, held);
    const client = this.client;
    this.client = null;
    if (client) await new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
    // Writes still retrying get a grace period; past it (the database is still away) what is left is dropped, counted and logged.
    this.state.beginShutdown();
    await Promise.allSettled([...this.chains.values()]);
    await this.state.flushHeartbeats();
  }

  /** Whether a station message is held or waiting to be written (tests, shutdown). */
  get busy(): boolean {
    return this.chains.size > 0 || this.heldWills.size > 0;
  }

  /** Handles one raw message; never throws (a bad message must not take the listener down). */
  onMessage(topic: string, payload: Buffer, retained = false): void {
    try {
      const parsed = parseStationMessage(topic, payload);
      if (!parsed.ok) return this.drop(parsed.reason, parsed.detail);
      const msg = parsed.message;
      const stationId = this.stations.get(msg.station);
      if (stationId === undefined) {
        this.maybeReloadInventory();
        return this.drop('unknown_station', `station ${msg.station} is not in the inventory (${msg.kind})`);
      }
      const heardAt = this.clock.now();
      if (msg.kind === 'status' && !msg.online && retained) {
        return this.drop('retained_offline', `retained {"online":false} of ${msg.station} at subscription: not acted on; silence decides`);
      }
      if (msg.kind !== 'status' && !this.acceptTs(stationId, msg, heardAt)) return;
      this.metrics.mqttReceived.inc({ kind: msg.kind });
      this.dispatch(stationId, msg, heardAt);
    } catch (err) {
      this.logger.error(`message on ${topic.slice(0, 120)} could not be handled: ${err?.message ?? err}`);
    }
  }

  /**
   * A heartbeat or orientation stamped in the future, before the last one accepted
   * from the same station (camera), or at the same time (a QoS 1 redelivery) is
   * dropped and counted: applying it would reorder the history.
   */
  private acceptTs(stationId: number, msg: Exclude<StationMessage, { kind: 'status' }>, heardAt: Date): boolean {
    const ts = Date.parse(msg.ts);
    if (ts > heardAt.getTime() + MAX_CLOCK_AHEAD_MS) {
      this.drop('future_ts', `${msg.kind} of ${msg.station} stamped ${msg.ts}, more than ${MAX_CLOCK_AHEAD_MS / 1000} s ahead of camnet's clock`);
      return false;
    }
    let key = stationId;
    let seen = this.lastHeartbeatTs;
    if (msg.kind === 'orientation') {
      const cam = this.cameras.get(msg.camera);
      if (cam === undefined) return true; // dispatch drops it as unknown_camera
      key = cam.id;
      seen = this.lastOrientationTs;
    }
    const last = seen.get(key);
    if (last !== undefined && ts === last) {
      this.drop('duplicate', `${msg.kind} of ${msg.station} stamped ${msg.ts} again`);
      return false;
    }
    if (last !== undefined && ts < last) {
      this.drop('stale_ts', `${msg.kind} of ${msg.station} stamped ${msg.ts}, before the last one (${new Date(last).toISOString()})`);
      return false;
    }
    seen.set(key, ts);
    return true;
  }

  /** Writes buffered heartbeats now (tests, shutdown). */
  flush(): Promise<void> {
    return this.state.flushHeartbeats();
  }

  private dispatch(stationId: number, msg: StationMessage, heardAt: Date): void {
    switch (msg.kind) {
      case 'status':
        if (!msg.online) return this.holdWill(msg.station, stationId, heardAt);
        // A station back within the hold: its Will was real and goes first, so the history shows the blip.
        this.releaseHeldWill(msg.station);
        return this.serial(msg.station, () => this.applyStation(stationId, { type: 'online' }, { at: heardAt }));
      case 'heartbeat':
        return this.onHeartbeat(stationId, msg, heardAt);
      case 'orientation': {
        const cam = this.cameras.get(msg.camera);
        if (cam === undefined || cam.stationId !== stationId) {
          return this.drop('unknown_camera', `orientation from ${msg.station} names camera ${msg.camera}, not one of its cameras`);
        }
        return this.serial(msg.station, () => this.applyHeading(cam, msg.headingDeg, msg.pan, msg.tilt, heardAt));
      }
    }
  }

  /** A Will (or {"online":false}) waits CAMNET_WILL_HOLD_MS: if camnet's own connection closes meanwhile, the broker was going down. */
  private holdWill(code: string, stationId: number, heardAt: Date): void {
    if (this.heldWills.has(code)) return;
    if (this.config.willHoldMs === 0) return this.serial(code, () => this.applyStation(stationId, { type: 'will' }, { at: heardAt }));
    const held: HeldWill = { stationId, heardAt, timer: setTimeout(() => this.releaseWill(code, held), this.config.willHoldMs) };
    this.heldWills.set(code, held);
  }

  private releaseHeldWill(code: string): void {
    const held = this.heldWills.get(code);
    if (held !== undefined) this.releaseWill(code, held);
  }

  private releaseWill(code: string, held: HeldWill): void {
    clearTimeout(held.timer);
    if (this.heldWills.get(code) !== held) return;
    this.heldWills.delete(code);
    this.serial(code, () => this.applyStation(held.stationId, { type: 'will' }, { at: held.heardAt }), true);
  }

  private onConnectionClosed(): void {
    this.listening.lost();
    if (this.heldWills.size === 0) return;
    const codes = [...this.heldWills.keys()];
    for (const held of this.heldWills.values()) clearTimeout(held.timer);
    this.heldWills.clear();
    for (const code of codes) this.drop('will_from_closing_broker', `Will of ${code} delivered as the broker connection closed`);
    this.logger.warn(
      `the broker connection closed ${this.config.willHoldMs} ms or less after Wills of ${codes.length} stations (${codes.slice(0, 10).join(', ')}${codes.length > 10 ? ', …' : ''}): ` +
        `a broker shutting down, not stations; they are judged by their messages after reconnection`,
    );
  }

  private onHeartbeat(stationId: number, msg: HeartbeatMessage, heardAt: Date): void {
    const online: number[] = [];
    for (const c of msg.cameras) {
      const cam = this.cameras.get(c.code);
      if (cam === undefined || cam.stationId !== stationId) continue;
      if (c.online) online.push(cam.id);
      if (c.headingDeg !== null && headingDelta(c.headingDeg, cam.headingDeg) > HEADING_NOISE_DEG) {
        const heading = c.headingDeg;
        this.serial(msg.station, () => this.applyHeading(cam, heading, null, null, heardAt));
      }
    }
    this.state.recordHeartbeat(stationId, heardAt, msg.power, msg.tempC, online);
    this.maybeReloadStatuses();
    // Only a station not known to be online needs the state machine; the rest is last-seen.
    const status = this.stationStatus.get(stationId);
    if ((status !== 'online' && status !== 'maintenance') || this.heldWills.has(msg.station)) {
      this.releaseHeldWill(msg.station);
      // One queued heartbeat application per station is enough: the rest would only repeat "seen"
      // (their last-seen times are in the heartbeat buffer), and a slow database would pile them up.
      if (this.heartbeatQueued.has(msg.station)) return;
      this.heartbeatQueued.add(msg.station);
      this.serial(msg.station, () => {
        this.heartbeatQueued.delete(msg.station);
        return this.applyStation(stationId, { type: 'heartbeat' }, { power: msg.power, tempC: msg.tempC, at: heardAt });
      });
    }
  }

  private async applyStation(stationId: number, o: { type: 'online' | 'will' | 'heartbeat' }, details: { power?: string; tempC?: number | null; at: Date }) {
    const next = await this.state.applyStation(stationId, o, 'mqtt', details);
    if (next !== null) this.stationStatus.set(stationId, next);
  }

  private async applyHeading(cam: CameraEntry, heading: number, pan: number | null, tilt: number | null, heardAt: Date): Promise<void> {
    const changed = await this.state.applyOrientation(cam.id, heading, { pan, tilt }, 'mqtt', heardAt);
    if (changed) cam.headingDeg = heading;
  }

  /**
   * Runs fn after everything queued for the same station (their order is the order
   * heard). The service retries transient failures itself; what fails for good is
   * dropped, counted and logged. A Will is never refused for a full buffer.
   */
  private serial(station: string, fn: () => Promise<void>, essential = false): void {
    if (this.stopped && !essential) return;
    if (!essential && this.queued >= this.config.applyBufferMax) {
      this.state.dropped('station_messages', 'overflow', `a message of station ${station}`);
      return;
    }
    this.queued++;
    this.metrics.bufferSize('station_messages', this.queued);
    const prev = this.chains.get(station) ?? Promise.resolve();
    const next = prev
      .then(fn)
      .catch((err) => this.state.dropped('station_messages', 'permanent', `a message of station ${station}`, err))
      .finally(() => {
        this.queued--;
        this.metrics.bufferSize('station_messages', this.queued);
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
    this.loadInventory().catch((err) => this.state.quietly('inventory-reload', 'warn', `inventory reload failed: ${err.message}`));
  }

  private maybeReloadStatuses(): void {
    const now = this.clock.now().getTime();
    if (now - this.lastStatusLoad < STATUS_REFRESH_MS) return;
    this.lastStatusLoad = now;
    // Another replica may have applied a Will this one never saw (shared subscriptions split messages).
    this.repo
      .stationStatuses()
      .then((statuses) => {
        this.stationStatus = statuses;
      })
      .catch((err) => this.state.quietly('status-reload', 'warn', `station status reload failed: ${err.message}`));
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
      this.repo.stationStatuses(),
    ]);
    this.stations = new Map(stations.map((s: { id: number; code: string }) => [s.code, s.id]));
    this.cameras = new Map(
      cameras.map((c: { id: number; code: string; station_id: number; heading_deg: number }) => [
        c.code,
        { id: c.id, stationId: c.station_id, headingDeg: c.heading_deg },
      ]),
    );
    this.stationStatus = statuses;
    this.lastStatusLoad = this.clock.now().getTime();
  }
}
