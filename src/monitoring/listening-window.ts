/**
 * Since when camnet has been able to hear the stations AND record what it heard:
 * subscribed to the broker, with its heartbeat writes reaching the database. A
 * station's silence only counts inside that window; otherwise every restart of
 * camnet, a broker outage on camnet's side, or a database outage (heartbeats held
 * in memory, last_seen_at not moving) would take stations "silent" and offline.
 */
import { Inject, Injectable } from '@nestjs/common';
import { CAMNET_CONFIG, CamnetConfig } from '../config/config';

@Injectable()
export class ListeningWindow {
  private brokerSince: Date | null = null;
  /** Since when heartbeat writes succeed; null while the database is away. Starts true: nothing failed yet. */
  private recordingSince: Date | null = new Date(0);
  /** A station is silent when not heard for this long (CAMNET_STATION_SILENT_S). */
  readonly silentAfterMs: number;

  constructor(@Inject(CAMNET_CONFIG) config: Pick<CamnetConfig, 'stationSilentMs'>) {
    this.silentAfterMs = config.stationSilentMs;
  }

  connected(at: Date): void {
    this.brokerSince = at;
  }

  lost(): void {
    this.brokerSince = null;
  }

  /** A write of what was heard failed for want of a database. */
  recordingLost(): void {
    this.recordingSince = null;
  }

  /** Every buffered heartbeat reached the database at `at`. */
  recordingRestored(at: Date): void {
    if (this.recordingSince === null) this.recordingSince = at;
  }

  get recording(): boolean {
    return this.recordingSince !== null;
  }

  /** Whether we have been listening and recording, without a break, since `at` or earlier. */
  coversSince(at: Date): boolean {
    const since = this.since;
    return since !== null && since.getTime() <= at.getTime();
  }

  /** The start of the current unbroken listening-and-recording spell, or null. */
  get since(): Date | null {
    if (this.brokerSince === null || this.recordingSince === null) return null;
    return this.brokerSince > this.recordingSince ? this.brokerSince : this.recordingSince;
  }
}
