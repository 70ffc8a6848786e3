/**
 * All stations' MQTT agents (670 for Long An): connects them spread over a few
 * seconds so the broker is not hit by every CONNECT at once, and routes fault
 * changes to the one agent they concern.
 */
import { systemClock, type Clock } from '../common/clock';
import type { SimLogger } from './onvif-device.server';
import type { DeviceState, SimFleetState, StationState } from './sim-fault.registry';
import { StationAgent } from './station-agent';

export interface StationFleetOptions {
  state: SimFleetState;
  mqttUrl: string;
  /** Each station's MQTT password (its username is its code); unset: the agents connect without credentials. */
  stationPassword?: (code: string) => string;
  protocolVersion?: 4 | 5;
  /** Default 15 000 ms (the contract allows 10–30 s). */
  heartbeatIntervalMs?: number;
  /** Connections are spread evenly over this window; default min(10 s, 15 ms per station). */
  connectSpreadMs?: number;
  clock?: Clock;
  logger?: SimLogger;
  random?: () => number;
}

export class StationFleet {
  readonly agents = new Map<string, StationAgent>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly onStation = (s: StationState) => this.agents.get(s.station.code)?.onStationChange();
  private readonly onDevice = (s: DeviceState) => {
    if (s.device.stationCode !== null) this.agents.get(s.device.stationCode)?.onDeviceChange(s);
  };

  constructor(private readonly o: StationFleetOptions) {
    const clock = o.clock ?? systemClock;
    for (const station of o.state.stations.values()) {
      this.agents.set(
        station.station.code,
        new StationAgent({
          station,
          state: o.state,
          mqttUrl: o.mqttUrl,
          stationPassword: o.stationPassword,
          protocolVersion: o.protocolVersion,
          heartbeatIntervalMs: o.heartbeatIntervalMs ?? 15_000,
          clock,
          logger: o.logger,
          random: o.random,
        }),
      );
    }
  }

  start(): void {
    this.o.state.on('station', this.onStation);
    this.o.state.on('device', this.onDevice);
    const n = this.agents.size;
    const spread = this.o.connectSpreadMs ?? Math.min(10_000, n * 15);
    let i = 0;
    for (const agent of this.agents.values()) {
      const delay = n > 1 ? Math.floor((i++ * spread) / n) : 0;
      if (delay === 0) agent.start();
      else {
        const t = setTimeout(() => {
          this.timers.delete(t);
          agent.start();
        }, delay);
        this.timers.add(t);
      }
    }
  }

  /** What GET /sim/stations/{code} adds about the agent. */
  info(code: string): Record<string, unknown> {
    const a = this.agents.get(code);
    return a === undefined ? {} : { mqtt_connected: a.connected, topic: a.topic };
  }

  async stop(): Promise<void> {
    this.o.state.off('station', this.onStation);
    this.o.state.off('device', this.onDevice);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.all([...this.agents.values()].map((a) => a.stop()));
  }
}
