/**
 * The maintenance windows' store, used by monitoring (the sweep, the API) and by
 * alerts (whether a window silences an alert). A module of its own so alerts get
 * the one coverage rule without the poller and listener that MonitoringModule
 * starts.
 */
import { Module } from '@nestjs/common';
import { MaintenanceRepository } from './maintenance.repository';

@Module({
  providers: [MaintenanceRepository],
  exports: [MaintenanceRepository],
})
export class MaintenanceWindowsModule {}
