/**
 * The cameras' status and heading history, read by monitoring, uptime and incident
 * search alike, with the record of when camnet was watching (monitor_session)
 * that turns the time it was stopped into unknown. A module of its own so uptime
 * and search get the one reader without the poller and listener that
 * MonitoringModule starts.
 */
import { Module } from '@nestjs/common';
import { MonitorSessionRepository } from './monitor-session.repository';
import { StatusHistoryRepository } from './status-history.repository';
import { WatchedTime } from './watched-time';

@Module({
  providers: [StatusHistoryRepository, MonitorSessionRepository, WatchedTime],
  exports: [StatusHistoryRepository, MonitorSessionRepository, WatchedTime],
})
export class StatusHistoryModule {}
