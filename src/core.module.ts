import { DynamicModule, Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CLOCK, Clock } from './common/clock';
import { EventBus } from './common/event-bus';
import { SecretBox } from './common/secret-box';
import { CAMNET_CONFIG, CamnetConfig } from './config/config';
import { createMetricsRegistry, METRICS } from './health/metrics';

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

/** Makes the runtime's parts injectable everywhere. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(runtime: CamnetRuntime): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: CAMNET_RUNTIME, useValue: runtime },
        { provide: CAMNET_CONFIG, useValue: runtime.config },
        { provide: DataSource, useValue: runtime.dataSource },
        { provide: SecretBox, useValue: runtime.secretBox },
        { provide: CLOCK, useValue: runtime.clock },
        { provide: EventBus, useValue: new EventBus() },
        { provide: METRICS, useFactory: createMetricsRegistry },
      ],
      exports: [CAMNET_RUNTIME, CAMNET_CONFIG, DataSource, SecretBox, CLOCK, EventBus, METRICS],
    };
  }
}
