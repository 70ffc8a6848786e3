import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { Status } from '../domain/status';

/** A status transition of a camera or station; one row per change, never per sample. */
@Entity('status_event')
export class StatusEvent {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ type: 'text' }) subject: 'camera' | 'station';
  @Column({ name: 'subject_id', type: 'int' }) subjectId: number;
  @Column({ type: 'timestamptz' }) at: Date;
  @Column({ type: 'text' }) status: Status;
  @Column({ type: 'text' }) source: 'onvif' | 'mqtt' | 'manual' | 'system';
  @Column({ type: 'text', nullable: true }) reason: string | null;
}

/** A change of a camera's heading beyond the noise threshold (2°). */
@Entity('orientation_event')
export class OrientationEvent {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ name: 'camera_id', type: 'int' }) cameraId: number;
  @Column({ type: 'timestamptz' }) at: Date;
  @Column({ name: 'heading_deg', type: 'double precision', nullable: true }) headingDeg: number | null;
  @Column({ type: 'double precision', nullable: true }) pan: number | null;
  @Column({ type: 'double precision', nullable: true }) tilt: number | null;
  @Column({ type: 'double precision', nullable: true }) zoom: number | null;
  @Column({ type: 'text' }) source: string;
}

/** When each camera is checked next, and which replica holds it (lease). */
@Entity('probe_schedule')
export class ProbeSchedule {
  @PrimaryColumn({ name: 'camera_id', type: 'int' }) cameraId: number;
  @Column({ name: 'next_at', type: 'timestamptz' }) nextAt: Date;
  @Column({ name: 'interval_s', type: 'int' }) intervalS: number;
  @Column({ type: 'int', default: 0 }) failures: number;
  @Column({ name: 'lease_owner', type: 'text', nullable: true }) leaseOwner: string | null;
  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true }) leaseUntil: Date | null;
  @Column({ name: 'last_ok_at', type: 'timestamptz', nullable: true }) lastOkAt: Date | null;
  @Column({ name: 'last_error', type: 'jsonb', nullable: true }) lastError: { kind: string; message: string } | null;
}

/** What camnet currently knows of a camera: status, the pending change, and the last check's findings. */
@Entity('camera_state')
export class CameraState {
  @PrimaryColumn({ name: 'camera_id', type: 'int' }) cameraId: number;
  @Column({ type: 'text', default: 'unknown' }) status: Status;
  @Column({ type: 'timestamptz', nullable: true }) since: Date | null;
  @Column({ type: 'text', nullable: true }) reason: string | null;
  @Column({ name: 'pending_status', type: 'text', nullable: true }) pendingStatus: Status | null;
  @Column({ name: 'pending_count', type: 'int', default: 0 }) pendingCount: number;
  @Column({ name: 'last_check_at', type: 'timestamptz', nullable: true }) lastCheckAt: Date | null;
  @Column({ name: 'last_ok_at', type: 'timestamptz', nullable: true }) lastOkAt: Date | null;
  @Column({ name: 'last_seen_at', type: 'timestamptz', nullable: true }) lastSeenAt: Date | null;
  @Column({ name: 'last_error', type: 'jsonb', nullable: true }) lastError: { kind: string; message: string } | null;
  @Column({ name: 'clock_offset_s', type: 'double precision', nullable: true }) clockOffsetS: number | null;
  @Column({ name: 'heading_deg', type: 'double precision', nullable: true }) headingDeg: number | null;
  @Column({ type: 'jsonb', nullable: true }) ptz: { pan: number | null; tilt: number | null; zoom: number | null } | null;
  @Column({ type: 'jsonb', nullable: true }) device: Record<string, string | null> | null;
  /** The picture fault last confirmed by src/view (view_dark, …); decided by CameraStateService.applyViewObservation, written only by CameraStateRepository. */
  @Column({ name: 'view_issue', type: 'text', nullable: true }) viewIssue: string | null;
}

/** What camnet currently knows of a station, from its MQTT agent. */
@Entity('station_state')
export class StationState {
  @PrimaryColumn({ name: 'station_id', type: 'int' }) stationId: number;
  @Column({ type: 'text', default: 'unknown' }) status: Status;
  @Column({ type: 'timestamptz', nullable: true }) since: Date | null;
  @Column({ name: 'last_seen_at', type: 'timestamptz', nullable: true }) lastSeenAt: Date | null;
  @Column({ type: 'text', nullable: true }) power: string | null;
  @Column({ name: 'temp_c', type: 'double precision', nullable: true }) tempC: number | null;
}

/** A period in which a camera, station, commune or whole district is being worked on. */
@Entity('maintenance_window')
export class MaintenanceWindow {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'text' }) scope: 'camera' | 'station' | 'commune' | 'district';
  @Column({ name: 'scope_id', type: 'text' }) scopeId: string;
  @Column({ name: 'starts_at', type: 'timestamptz' }) startsAt: Date;
  @Column({ name: 'ends_at', type: 'timestamptz' }) endsAt: Date;
  @Column({ type: 'text', nullable: true }) reason: string | null;
  @Column({ name: 'created_by', type: 'text', nullable: true }) createdBy: string | null;
  @Column({ name: 'updated_at', type: 'timestamptz', nullable: true }) updatedAt: Date | null;
}

/**
 * One run of a replica with monitoring on: camnet was watching from `startedAt`
 * to `endedAt` (a clean stop) or, after a crash, to `lastAliveAt`, which the run
 * moves forward every few seconds. The union of the sessions is the time camnet
 * watched; the rest is unknown (src/monitoring/unwatched.ts).
 */
@Entity('monitor_session')
export class MonitorSession {
  @PrimaryGeneratedColumn() id: number;
  @Column({ name: 'instance_id', type: 'text' }) instanceId: string;
  @Column({ name: 'started_at', type: 'timestamptz' }) startedAt: Date;
  @Column({ name: 'last_alive_at', type: 'timestamptz' }) lastAliveAt: Date;
  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true }) endedAt: Date | null;
}

export const MONITORING_ENTITIES = [StatusEvent, OrientationEvent, ProbeSchedule, CameraState, StationState, MaintenanceWindow, MonitorSession];
