/**
 * The simulated Long An fleet in one call: the ONVIF device server (with its
 * control API), one MQTT agent per station, and optional background chaos. Used by
 * `npm run sim` and by embedded mode; the service itself never imports it otherwise.
 */
import { systemClock, type Clock } from '../common/clock';
import { generateSeedInventory } from '../seed/seed.generator';
import type { SeedCamera, SeedInventory, SeedStation } from '../seed/seed.types';
import { OnvifDeviceServer, type SimLogger } from './onvif-device.server';
import { SimChaos, type SimChaosOptions } from './sim.chaos';
import { SimFleetState } from './sim-fault.registry';
import { simDevicesFromSeed, simStationsFromSeed, type SimDevice, type SimStation } from './sim.types';
import { StationFleet } from './station-fleet';

export interface SimulatorOptions {
  /** Cameras with ONVIF credentials are simulated; others are ignored. */
  cameras: readonly SeedCamera[];
  stations: readonly SeedStation[];
  /** ONVIF and control server port on 127.0.0.1; 0 picks a free one. */
  port: number;
  /** Broker for the station agents; null runs ONVIF only. */
  mqttUrl: string | null;
  /** Each station's MQTT password (its username is its code); unset: the agents connect without credentials. */
  stationPassword?: (code: string) => string;
  /** Default 15 000. */
  heartbeatIntervalMs?: number;
  /** true: defaults (an incident every 20 s); an object tunes it; false/undefined: off. */
  chaos?: boolean | SimChaosOptions;
  logger?: SimLogger;
  clock?: Clock;
  mqttProtocolVersion?: 4 | 5;
  /** Spread of the stations' first CONNECTs; default min(10 s, 15 ms per station). */
  connectSpreadMs?: number;
  /** UsernameToken Created tolerance against the device clock; null disables. Default 300. */
  createdToleranceS?: number | null;
}

export interface RunningSimulator {
  baseUrl: string;
  state: SimFleetState;
  stop(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const clock = options.clock ?? systemClock;
  const devices: SimDevice[] = simDevicesFromSeed(options.cameras);
  const stations: SimStation[] = simStationsFromSeed(options.stations, options.cameras);
  const state = new SimFleetState(devices, stations, clock);
  const fleet =
    options.mqttUrl === null
      ? null
      : new StationFleet({
          state,
          mqttUrl: options.mqttUrl,
          stationPassword: options.stationPassword,
          protocolVersion: options.mqttProtocolVersion,
          heartbeatIntervalMs: options.heartbeatIntervalMs,
          connectSpreadMs: options.connectSpreadMs,
          clock,
          logger: options.logger,
        });
  const server = await OnvifDeviceServer.start({
    state,
    port: options.port,
    clock,
    logger: options.logger,
    createdToleranceS: options.createdToleranceS,
    stationInfo: fleet === null ? undefined : (code) => fleet.info(code),
  });
  fleet?.start();
  let chaos: SimChaos | null = null;
  if (options.chaos) {
    chaos = new SimChaos(state, { logger: options.logger, ...(options.chaos === true ? {} : options.chaos) });
    chaos.start();
  }
  return {
    baseUrl: server.baseUrl,
    state,
    async stop() {
      chaos?.stop();
      await fleet?.stop();
      await server.close();
    },
  };
}

/**
 * The seeded Long An fleet: the station cameras and stations the service seeds, on `port`.
 * `inventory` saves generating the seed again when the caller already has it.
 */
export function startLongAnFleet(options: {
  port: number;
  mqttUrl: string;
  chaos: boolean;
  logger?: SimLogger;
  inventory?: SeedInventory;
  stationPassword?: (code: string) => string;
}): Promise<RunningSimulator> {
  const { inventory = generateSeedInventory({ simBaseUrl: `http://127.0.0.1:${options.port}` }), ...rest } = options;
  return startSimulator({
    cameras: inventory.cameras.filter((c) => c.onvifUrl !== null),
    stations: inventory.stations,
    ...rest,
  });
}
