/**
 * Which cameras a technician's or planner's live stream may name: station cameras
 * only. The codes are read once and again whenever the inventory changes; until
 * they are read, camera events are held back from these roles (fail closed).
 */
import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventBus } from '../common/event-bus';

@Injectable()
export class CameraVisibility implements OnModuleDestroy {
  private readonly logger = new Logger('events');
  private stationCameras: Set<string> | null = null;
  private loading: Promise<void> | null = null;
  private stale = true;
  private readonly off: () => void;

  constructor(
    private readonly dataSource: DataSource,
    bus: EventBus,
  ) {
    this.off = bus.on('inventory.changed', (e) => {
      if (e.what === 'camera' || e.what === 'station') this.reload();
    });
  }

  onModuleDestroy(): void {
    this.off();
  }

  /** Whether a camera event about `code` may go to a role that does not see private cameras. */
  isStationCamera(code: string): boolean {
    if (this.stationCameras === null) this.reload();
    return this.stationCameras?.has(code) ?? false;
  }

  /** Starts a (re)load; a change while one runs loads again after it. */
  reload(): Promise<void> {
    this.stale = true;
    this.loading ??= (async () => {
      try {
        while (this.stale) {
          this.stale = false;
          const rows: { code: string }[] = await this.dataSource.query(`SELECT code FROM camera WHERE ownership = 'station'`);
          this.stationCameras = new Set(rows.map((r) => r.code));
        }
      } catch (err) {
        this.logger.warn(`could not read the station cameras for the live stream: ${(err as Error).message}`);
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }
}
