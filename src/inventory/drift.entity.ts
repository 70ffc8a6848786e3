import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Reported device values a technician confirmed the inventory is right against. */
@Entity('inventory_drift_kept')
export class InventoryDriftKept {
  @PrimaryColumn({ name: 'camera_id', type: 'int' }) cameraId: number;
  @Column({ type: 'jsonb' }) reported: Record<string, string | null>;
  @Column({ name: 'kept_at', type: 'timestamptz' }) keptAt: Date;
  @Column({ name: 'kept_by', type: 'text' }) keptBy: string;
}
