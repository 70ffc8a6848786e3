/**
 * Since when camnet has been hearing the stations: set when the MQTT listener
 * (re)connects, cleared when it loses the broker. A station's silence only counts
 * while we were listening; otherwise every restart, or a broker outage on our side,
 * would take every station "silent" and offline at once.
 */
import { Injectable } from '@nestjs/common';

@Injectable()
export class ListeningWindow {
  private hearingSince: Date | null = null;

  get since(): Date | null {
    return this.hearingSince;
  }

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
