/**
 * Picture health: snapshots of every station camera over ONVIF, analysed for dark,
 * blocked, blurred, frozen and moved pictures against a reference view; confirmed
 * faults reach the status machine as view_* reasons. Runs when config.monitoring is on.
 */
import { Module } from '@nestjs/common';
import { CAMNET_CONFIG, CamnetConfig } from '../config/config';
import { MonitoringModule } from '../monitoring/monitoring.module';
import { SnapshotClient } from './snapshot.client';
import { ViewController } from './view.controller';
import { ViewQueryService } from './view-query.service';
import { ViewRepository } from './view.repository';
import { VIEW_SCHEDULER_OPTIONS, ViewScheduler } from './view.scheduler';
import { SNAPSHOT_CLIENT, ViewService } from './view.service';

@Module({
  imports: [MonitoringModule],
  controllers: [ViewController],
  providers: [
    {
      provide: SNAPSHOT_CLIENT,
      inject: [CAMNET_CONFIG],
      useFactory: (config: CamnetConfig) => new SnapshotClient(config.view.maxBytes),
    },
    // Defaults (see ViewSchedulerOptions); tests override this provider.
    { provide: VIEW_SCHEDULER_OPTIONS, useValue: {} },
    ViewRepository,
    ViewService,
    ViewQueryService,
    ViewScheduler,
  ],
  exports: [ViewService, ViewScheduler],
})
export class ViewModule {}
