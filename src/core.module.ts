import { DynamicModule, Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CLOCK } from './common/clock';
import { EventBus } from './common/event-bus';
import { CAMNET_RUNTIME, CamnetRuntime } from './common/runtime';
import { SecretBox } from './common/secret-box';
import { CAMNET_CONFIG } from './config/config';
import { createMetricsRegistry, METRICS } from './health/metrics';

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

// Callers that assemble a runtime (bootstrap, tests, benchmarks) import it from here with CoreModule.
export type { CamnetRuntime } from './common/runtime';
