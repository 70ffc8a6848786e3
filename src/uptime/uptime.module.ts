import { Module } from '@nestjs/common';
import { StatusHistoryModule } from '../monitoring/status-history.module';
import { UptimeController } from './uptime.controller';
import { UptimeRepository } from './uptime.repository';
import { UptimeRollup } from './uptime.rollup';
import { UptimeBreakdownService } from './uptime-breakdown.service';
import { UptimeService } from './uptime.service';

/** Availability reports from status transitions, and the daily rollups that keep long reports fast. */
@Module({
  imports: [StatusHistoryModule],
  controllers: [UptimeController],
  providers: [UptimeRepository, UptimeService, UptimeRollup, UptimeBreakdownService],
  exports: [UptimeService, UptimeRollup],
})
export class UptimeModule {}
