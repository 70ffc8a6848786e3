/**
 * Since when camnet has been hearing the stations: set when the MQTT listener
 * (re)connects, cleared when it loses the broker. A station's silence only counts
 * while we were listening; otherwise every restart, or a broker outage on our side,
 * would take every station "silent" and offline at once.
 */
import { Injectable } from '@nestjs/common';

/** A station is "seen recently" when it sent something within this long (heartbeats come every 10–30 s). */
export const STATION_SEEN_WITHIN_MS = 90_000;

@Injectable()
export class ListeningWindow {
  private hearingSince: Date | null = null;

  connected(at: Date): void {
    this.hearingSince = at;
  }

  lost(): void {
    this.hearingSince = null;
  }

  /** Whether we have been listening, without a break, since `at` or earlier. */
  coversSince(at: Date): boolean {
    return this.hearingSince !== null && this.hearingSince.getTime() <= at.getTime();
  }
}
