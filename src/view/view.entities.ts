/** The picture-health tables (migration CreateCameraView); written by ViewRepository only. */
import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

@Entity('camera_view')
export class CameraView {
  @PrimaryColumn({ name: 'camera_id', type: 'int' }) cameraId: number;
  @Column({ type: 'text', default: 'unchecked' }) state: string;
  @Column({ type: 'timestamptz', nullable: true }) since: Date | null;
  @Column({ name: 'checked_at', type: 'timestamptz', nullable: true }) checkedAt: Date | null;
  @Column({ name: 'pending_state', type: 'text', nullable: true }) pendingState: string | null;
  @Column({ name: 'pending_count', type: 'int', default: 0 }) pendingCount: number;
  @Column({ type: 'jsonb', nullable: true }) metrics: Record<string, unknown> | null;
  @Column({ type: 'jsonb', nullable: true }) error: Record<string, unknown> | null;
  @Column({ name: 'frozen_run', type: 'int', default: 0 }) frozenRun: number;
  @Column({ type: 'bytea', nullable: true }) thumbnail: Buffer | null;
  @Column({ type: 'bytea', nullable: true }) frame: Buffer | null;
  @Column({ name: 'next_at', type: 'timestamptz' }) nextAt: Date;
  @Column({ name: 'lease_owner', type: 'text', nullable: true }) leaseOwner: string | null;
  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true }) leaseUntil: Date | null;
}

@Entity('camera_view_reference')
export class CameraViewReference {
  @PrimaryColumn({ name: 'camera_id', type: 'int' }) cameraId: number;
  @PrimaryColumn({ type: 'text' }) slot: 'day' | 'night';
  @Column({ name: 'taken_at', type: 'timestamptz' }) takenAt: Date;
  @Column({ name: 'set_by', type: 'text' }) setBy: string;
  @Column({ type: 'bytea' }) thumbnail: Buffer;
  @Column({ type: 'jsonb' }) scalars: Record<string, number>;
  @Column({ type: 'bytea' }) vectors: Buffer;
}

@Entity('camera_view_check')
export class CameraViewCheck {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ name: 'camera_id', type: 'int' }) cameraId: number;
  @Column({ type: 'timestamptz' }) at: Date;
  @Column({ type: 'text' }) state: string;
  @Column({ type: 'jsonb', nullable: true }) metrics: Record<string, unknown> | null;
}

export const VIEW_ENTITIES = [CameraView, CameraViewReference, CameraViewCheck];
