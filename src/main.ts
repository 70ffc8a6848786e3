/**
 * `npm start`: camnet on embedded defaults (PGlite, aedes, the simulated Long An
 * fleet), or on PostgreSQL and a real broker when DATABASE_URL and MQTT_URL are set.
 */
import 'reflect-metadata';
import { ConfigError, loadConfig } from './config/config';
import { startCamnet } from './bootstrap';

async function main(): Promise<void> {
  const config = loadConfig();
  const camnet = await startCamnet(config);
  const lines = [
    '',
    'camnet is running',
    `  map:       ${camnet.url}/`,
    `  API docs:  ${camnet.url}/api/docs`,
    `  readiness: ${camnet.url}/readyz`,
  ];
  if (camnet.simulatorUrl) lines.push(`  simulated fleet control: ${camnet.simulatorUrl}/sim/devices`);
  if (camnet.adminToken) {
    lines.push(`  admin token: ${camnet.adminToken}`);
    if (config.databaseUrl === null) lines.push(`  (also saved in ${config.dataDir}/admin-token.txt)`);
    lines.push('  log in on the map with this token, or call the API with "Authorization: Bearer <token>"');
  } else {
    lines.push(`  admin token: created on first start (see ${config.dataDir}/admin-token.txt in embedded mode)`);
  }
  console.log(lines.join('\n') + '\n');

  const shutdown = async (signal: string) => {
    console.log(`received ${signal}, stopping`);
    await camnet.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : `camnet failed to start: ${err?.stack ?? err}`);
  process.exit(1);
});
