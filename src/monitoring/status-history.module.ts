/**
 * The cameras' status and heading history, read by monitoring, uptime and incident
 * search alike. A module of its own so uptime and search get the one reader
 * without the poller and listener that MonitoringModule starts.
 */
import { Module } from '@nestjs/common';
import { StatusHistoryRepository } from './status-history.repository';

@Module({
  providers: [StatusHistoryRepository],
  exports: [StatusHistoryRepository],
})
export class StatusHistoryModule {}
