/**
 * `npm run sim`: the simulated Long An fleet on its own, against the configured
 * broker (MQTT_URL, else the embedded broker's port), for a camnet started elsewhere.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig } from '../config/config';
import { derivedStationPassword } from '../mqtt/mqtt-credentials';
import { startLongAnFleet } from './simulator';

async function main(): Promise<void> {
  const config = loadConfig();
  const mqttUrl = config.mqttUrl ?? `mqtt://127.0.0.1:${config.mqttEmbeddedPort}`;
  const logger = { log: (m: string) => console.log(m), warn: (m: string) => console.warn(m) };
  // Each station logs in with its own account, derived from camnet's key (CAMNET_SECRET_KEY, or the embedded data dir's).
  const keyFile = path.join(config.dataDir, 'secret.key');
  const secretKey = config.secretKey ?? (fs.existsSync(keyFile) ? fs.readFileSync(keyFile, 'utf8').trim() : null);
  if (secretKey === null) logger.warn(`no CAMNET_SECRET_KEY and no ${keyFile}: the stations connect without credentials, which a camnet broker refuses`);
  const stationPassword = secretKey === null ? undefined : (code: string) => derivedStationPassword(secretKey, code);
  const sim = await startLongAnFleet({ port: config.simPort, mqttUrl, chaos: config.simChaos, logger, stationPassword });
  logger.log(
    `simulated fleet: ${sim.state.devices.size} cameras on ${sim.baseUrl}/onvif/{code}/device_service, ` +
      `${sim.state.stations.size} stations on ${mqttUrl}; control API at ${sim.baseUrl}/sim/devices`,
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    sim.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
