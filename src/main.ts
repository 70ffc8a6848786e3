/**
 * `npm start`: camnet on embedded defaults (PGlite, aedes, the simulated Long An
 * fleet), or on PostgreSQL and a real broker when DATABASE_URL and MQTT_URL are set.
 */
import 'reflect-metadata';
import { ConfigError, loadConfig } from './config/config';
import { startCamnet } from './bootstrap';
import { startBanner } from './start-banner';

async function main(): Promise<void> {
  const config = loadConfig();
  const camnet = await startCamnet(config);
  console.log(startBanner(camnet));

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
