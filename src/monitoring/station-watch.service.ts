/**
 * Stations that fall silent: a station whose agent stops talking without its Last
 * Will reaching us (the broker restarted, the link hangs half-open) would otherwise
 * stay "online" forever. After CAMNET_STATION_SILENT_S (90 s) without a heartbeat or
 * status it goes offline, taking its cameras with it, exactly as a Will would. Only
 * silence heard while camnet was listening AND recording counts (ListeningWindow):
 * after a start, a reconnection to the broker or a database outage nobody is judged
 * until a whole window has passed; and each candidate is re-read under its row lock,
 * so a heartbeat written since the list was read saves it.
 */
import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '../common/clock';
import { CameraStateRepository } from './camera-state.repository';
import { CameraStateService } from './camera-state.service';
import { ListeningWindow } from './listening-window';

const FLUSH_WAIT_MS = 5_000;

@Injectable()
export class StationWatch {
  constructor(
    private readonly repo: CameraStateRepository,
    private readonly state: CameraStateService,
    private readonly listening: ListeningWindow,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Takes the silent stations offline; answers their ids. */
  async sweep(): Promise<number[]> {
    // Heartbeats still in memory are written first: their stations are not silent. A flush
    // that is still retrying (the database is away) means no judging this time.
    if (!this.listening.recording) return [];
    if (!(await settlesWithin(this.state.flushHeartbeats(), FLUSH_WAIT_MS))) return [];
    const cutoff = new Date(this.clock.now().getTime() - this.listening.silentAfterMs);
    if (!this.listening.coversSince(cutoff)) return [];
    const taken: number[] = [];
    for (const id of await this.repo.onlineStationsNotSeenSince(cutoff)) {
      // The window may have broken while we worked through the list.
      if (!this.listening.coversSince(cutoff)) break;
      const next = await this.state.applyStation(id, { type: 'silent' }, 'system', { notSeenSince: cutoff });
      if (next === 'offline') taken.push(id);
    }
    return taken;
  }
}

/** Whether p settles within ms (the timer is always cleared). */
async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([
    p.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms))),
  ]);
  clearTimeout(timer);
  return settled;
}
