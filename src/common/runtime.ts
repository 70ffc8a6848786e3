/**
 * What bootstrap prepares before Nest starts, and the token it is injected by.
 * It sits in common (not beside CoreModule at the top) so that monitoring can
 * inject it without importing the module that assembles the application.
 */
import type { DataSource } from 'typeorm';
import type { CamnetConfig } from '../config/config';
import type { Clock } from './clock';
import type { SecretBox } from './secret-box';

/** What bootstrap prepared before Nest starts: configuration, database, key, clock. */
export interface CamnetRuntime {
  config: CamnetConfig;
  dataSource: DataSource;
  secretBox: SecretBox;
  clock: Clock;
  /** The broker the service listens to (embedded aedes or MQTT_URL). */
  mqttUrl: string;
  /** Unique name of this replica, used for probe leases. */
  instanceId: string;
}
export const CAMNET_RUNTIME = Symbol('CAMNET_RUNTIME');
