import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CAMNET_CONFIG, CamnetConfig } from '../config/config';
import { isSeedLoaded } from '../database/seed-meta';

export interface Check {
  ok: boolean;
  detail?: string;
}

/** One check per dependency; each answers up or down and never throws. */
@Injectable()
export class HealthService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(CAMNET_CONFIG) private readonly config: CamnetConfig,
  ) {}

  async readiness(): Promise<{ database: Check; migrations: Check; seed: Check }> {
    const database = await this.safely(async () => {
      await this.dataSource.query('SELECT 1');
      return { ok: true };
    });
    const migrations = await this.safely(async () => {
      const pending = await this.dataSource.showMigrations();
      return pending ? { ok: false, detail: 'migrations pending' } : { ok: true };
    });
    const seed = await this.safely(async () => {
      // With CAMNET_SEED=off the inventory comes from imports, so an empty one is ready.
      if (this.config.seed === 'off') return { ok: true, detail: 'seeding disabled' };
      return (await isSeedLoaded(this.dataSource)) ? { ok: true } : { ok: false, detail: 'the Long An inventory is not loaded yet' };
    });
    return { database, migrations, seed };
  }

  private async safely(fn: () => Promise<Check>): Promise<Check> {
    try {
      return await fn();
    } catch (err) {
      return { ok: false, detail: (err as Error).message };
    }
  }
}
