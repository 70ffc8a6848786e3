/**
 * One simulated station's MQTT agent: a retained `status` with a Last Will, a
 * heartbeat that reports power and what each of its cameras is doing, and
 * `orientation` when a camera is turned. A `down` fault cuts the TCP stream without
 * DISCONNECT, as a power cut does, so the broker publishes the Will.
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { Clock } from '../common/clock';
import type { SimLogger } from './onvif-device.server';
import { currentHeading, currentPan, isDeviceReachable, type DeviceState, type SimFleetState, type StationState } from './sim-fault.registry';

export const STATION_TOPIC_PREFIX = 'camnet/v1/stations';

export interface StationAgentOptions {
  station: StationState;
  state: SimFleetState;
  mqttUrl: string;
  /** Each station's MQTT password (its username is its code); unset: the agents connect without credentials. */
  stationPassword?: (code: string) => string;
  /** 4 (MQTT 3.1.1, what aedes speaks) unless told 5. */
  protocolVersion?: 4 | 5;
  heartbeatIntervalMs: number;
  clock: Clock;
  logger?: SimLogger;
  random?: () => number;
}

export interface HeartbeatPayload {
  ts: string;
  uptime_s: number;
  power: 'grid' | 'battery';
  temp_c: number;
  cameras: { code: string; online: boolean; heading_deg?: number }[];
}

export interface OrientationPayload {
  ts: string;
  camera: string;
  heading_deg: number;
  pan?: number;
  tilt?: number;
}

export class StationAgent {
  readonly code: string;
  private client: MqttClient | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private bootMs: number;
  private down = false;
  private stopped = false;
  /** Last heading published per camera, so orientation goes out on change only. */
  private readonly published = new Map<string, number>();
  private readonly cameras: DeviceState[];
  private readonly baseTemp: number;
  private readonly random: () => number;

  constructor(private readonly o: StationAgentOptions) {
    this.code = o.station.station.code;
    this.bootMs = o.clock.now().getTime();
    this.random = o.random ?? Math.random;
    this.baseTemp = 32 + this.random() * 8;
    this.cameras = o.station.station.cameraCodes.map((c) => o.state.devices.get(c)).filter((d): d is DeviceState => d !== undefined);
    for (const c of this.cameras) this.published.set(c.device.code, c.device.headingDeg);
  }

  get topic(): string {
    return `${STATION_TOPIC_PREFIX}/${this.code}`;
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /** Connects (or reconnects after `down` clears). */
  start(): void {
    if (this.stopped || this.client !== null) return;
    if (this.o.station.faults?.has('down')) {
      this.down = true;
      return;
    }
    const client = mqtt.connect(this.o.mqttUrl, {
      clientId: `camnet-sim-${this.code}`,
      protocolVersion: this.o.protocolVersion ?? 4,
      ...(this.o.stationPassword ? { username: this.code, password: this.o.stationPassword(this.code) } : {}),
      clean: true,
      keepalive: 30,
      reconnectPeriod: 2000,
      connectTimeout: 10_000,
      will: { topic: `${this.topic}/status`, payload: Buffer.from('{"online":false}'), qos: 1, retain: true },
    });
    this.client = client;
    client.on('connect', () => {
      if (this.client !== client) return;
      client.publish(`${this.topic}/status`, JSON.stringify({ online: true, ts: this.now() }), { qos: 1, retain: true });
      for (const c of this.cameras) {
        if (c.faults?.has('turn')) this.publishOrientation(c, true);
      }
      this.publishHeartbeat();
      if (this.heartbeat === null) {
        this.heartbeat = setInterval(() => this.publishHeartbeat(), this.o.heartbeatIntervalMs);
      }
    });
    client.on('error', (err) => this.o.logger?.warn(`station ${this.code}: MQTT ${err.message}`));
  }

  /** A station fault changed: go down, come back, or report the new power source at once. */
  onStationChange(): void {
    if (this.stopped) return;
    const wantDown = this.o.station.faults?.has('down') ?? false;
    if (wantDown && !this.down) this.cut();
    else if (!wantDown && this.down) {
      this.down = false;
      this.bootMs = this.o.clock.now().getTime(); // it rebooted
      this.start();
    } else this.publishHeartbeat();
  }

  /** A camera of this station changed: publish orientation if its heading moved. */
  onDeviceChange(s: DeviceState): void {
    if (this.stopped || this.down) return;
    this.publishOrientation(s, false);
  }

  heartbeatPayload(): HeartbeatPayload {
    const nowMs = this.o.clock.now().getTime();
    return {
      ts: new Date(nowMs).toISOString(),
      uptime_s: Math.max(0, Math.floor((nowMs - this.bootMs) / 1000)),
      power: this.o.station.faults?.has('battery') ? 'battery' : 'grid',
      temp_c: Math.round((this.baseTemp + (this.random() - 0.5) * 2) * 10) / 10,
      cameras: this.cameras.map((c) => ({
        code: c.device.code,
        online: isDeviceReachable(c, nowMs),
        heading_deg: currentHeading(c),
      })),
    };
  }

  /**
   * Shuts the station down cleanly: a retained {"online":false} (so a real broker
   * does not keep announcing a fleet that is gone), then DISCONNECT, so no Will.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clearHeartbeat();
    const client = this.client;
    this.client = null;
    if (client === null) return;
    if (client.connected) {
      await withinMs(2000, (done) =>
        client.publish(`${this.topic}/status`, JSON.stringify({ online: false, ts: this.now() }), { qos: 1, retain: true }, () => done()),
      );
    }
    // a broker that vanished never acknowledges: then drop the stream instead of waiting
    const ended = await withinMs(2000, (done) => client.end(false, {}, () => done()));
    if (!ended) client.end(true);
  }

  private cut(): void {
    this.down = true;
    this.clearHeartbeat();
    const client = this.client;
    this.client = null;
    // end(true) destroys the stream without a DISCONNECT packet and stops reconnecting.
    client?.end(true);
    this.o.logger?.log(`station ${this.code}: down (connection cut)`);
  }

  private clearHeartbeat(): void {
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  private publishHeartbeat(): void {
    const client = this.client;
    if (client === null || !client.connected) return;
    client.publish(`${this.topic}/heartbeat`, JSON.stringify(this.heartbeatPayload()), { qos: 1 });
  }

  private publishOrientation(s: DeviceState, force: boolean): void {
    const client = this.client;
    const heading = currentHeading(s);
    if (!force && this.published.get(s.device.code) === heading) return;
    if (client === null || !client.connected) return;
    this.published.set(s.device.code, heading);
    const payload: OrientationPayload = { ts: this.now(), camera: s.device.code, heading_deg: heading };
    if (s.device.ptz) {
      payload.pan = Math.round(currentPan(s) * 1e6) / 1e6;
      payload.tilt = 0;
    }
    client.publish(`${this.topic}/orientation`, JSON.stringify(payload), { qos: 1 });
  }

  private now(): string {
    return this.o.clock.now().toISOString();
  }
}

/** Runs fn and resolves true when it calls done within ms, false otherwise (the timer is always cleared). */
function withinMs(ms: number, fn: (done: () => void) => void): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    fn(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
