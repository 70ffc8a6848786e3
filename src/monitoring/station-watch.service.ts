/**
 * Stations that fall silent: a station whose agent stops talking without its Last
 * Will reaching us (the broker restarted, the link hangs half-open) would otherwise
 * stay "online" forever. After STATION_SEEN_WITHIN_MS without a heartbeat or status
 * it goes offline, taking its cameras with it, exactly as a Will would. Only
 * silence heard while listening counts: right after a start or a reconnection to the
 * broker nobody is judged until a whole window has passed.
 */
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CLOCK, Clock } from '../common/clock';
import { CameraStateService } from './camera-state.service';
import { ListeningWindow, STATION_SEEN_WITHIN_MS } from './listening-window';

@Injectable()
export class StationWatch {
  constructor(
    private readonly dataSource: DataSource,
    private readonly state: CameraStateService,
    private readonly listening: ListeningWindow,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Takes the silent stations offline; answers their ids. */
  async sweep(): Promise<number[]> {
    const cutoff = new Date(this.clock.now().getTime() - STATION_SEEN_WITHIN_MS);
    if (!this.listening.coversSince(cutoff)) return [];
    const silent: { station_id: number }[] = await this.dataSource.query(
      `SELECT station_id FROM station_state WHERE status = 'online' AND last_seen_at < $1`,
      [cutoff],
    );
    for (const s of silent) await this.state.applyStation(s.station_id, { type: 'silent' }, 'system');
    return silent.map((s) => s.station_id);
  }
}
