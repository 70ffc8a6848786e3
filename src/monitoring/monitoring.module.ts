/**
 * Health monitoring: ONVIF checks on a leased schedule, the stations' MQTT messages,
 * the status machine, maintenance windows, and the status and history endpoints.
 * The poller, the listener and the record that this replica is watching
 * (monitor_session) run when config.monitoring is on.
 */
import { Module } from '@nestjs/common';
import { Clock, CLOCK } from '../common/clock';
import { CAMNET_CONFIG, CamnetConfig } from '../config/config';
import { CameraStateRepository } from './camera-state.repository';
import { CameraStateService } from './camera-state.service';
import { ListeningWindow } from './listening-window';
import { StationWatch } from './station-watch.service';
import { StatusHistoryModule } from './status-history.module';
import { MaintenanceWindowsModule } from './maintenance-windows.module';
import { MaintenanceService } from './maintenance.service';
import { MonitoringController } from './monitoring.controller';
import { MonitoringMetrics } from './monitoring.metrics';
import { MonitoringQueryService } from './monitoring-query.service';
import { MqttListener } from './mqtt.listener';
import { CAMERA_PROBE, createOnvifCameraProbe, ProbeRunner } from './probe.runner';
import { WatchSession } from './watch-session.service';
import { ProbeScheduler, SCHEDULER_OPTIONS } from './probe.scheduler';

@Module({
  imports: [StatusHistoryModule, MaintenanceWindowsModule],
  controllers: [MonitoringController],
  providers: [
    {
      provide: CAMERA_PROBE,
      inject: [CLOCK, CAMNET_CONFIG],
      useFactory: (clock: Clock, config: CamnetConfig) => createOnvifCameraProbe(clock, config.probeConcurrency),
    },
    // Defaults (see SchedulerOptions); tests override this provider to poll faster.
    { provide: SCHEDULER_OPTIONS, useValue: {} },
    MonitoringMetrics,
    CameraStateRepository,
    CameraStateService,
    MaintenanceService,
    StationWatch,
    ListeningWindow,
    MonitoringQueryService,
    ProbeRunner,
    ProbeScheduler,
    MqttListener,
    WatchSession,
  ],
  exports: [MonitoringQueryService, CameraStateService, MaintenanceService, StationWatch, ProbeScheduler],
})
export class MonitoringModule {}
