import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Seconds per status for one camera or station on one UTC day, so long reports need not replay every event. */
@Entity('uptime_daily')
export class UptimeDaily {
  @PrimaryColumn({ type: 'text' }) subject: 'camera' | 'station';
  @PrimaryColumn({ name: 'subject_id', type: 'int' }) subjectId: number;
  @PrimaryColumn({ type: 'date' }) day: string;
  @Column({ name: 'online_s', type: 'double precision' }) onlineS: number;
  @Column({ name: 'known_s', type: 'double precision' }) knownS: number;
  @Column({ name: 'maintenance_s', type: 'double precision' }) maintenanceS: number;
  @Column({ name: 'offline_s', type: 'double precision', default: 0 }) offlineS: number;
  @Column({ name: 'degraded_s', type: 'double precision', default: 0 }) degradedS: number;
}
