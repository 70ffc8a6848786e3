import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A camera station built by a commune (a pole with 2–3 cameras, an uplink and an MQTT agent). */
@Entity('station')
export class Station {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'text', unique: true }) code: string;
  @Column({ type: 'text' }) name: string;
  @Column({ name: 'commune_code', type: 'text' }) communeCode: string;
  @Column({ name: 'commune_code_2025', type: 'text', nullable: true }) communeCode2025: string | null;
  @Column({ type: 'double precision' }) lat: number;
  @Column({ type: 'double precision' }) lon: number;
  @Column({ name: 'route_ref', type: 'text', nullable: true }) routeRef: string | null;
  @Column({ name: 'installed_on', type: 'date', nullable: true }) installedOn: string | null;
  @Column({ name: 'funding_vnd', type: 'bigint', default: 0, transformer: { to: (v) => v, from: (v) => (v === null ? null : Number(v)) } })
  fundingVnd: number;
  @Column({ name: 'funding_source', type: 'text', nullable: true }) fundingSource: string | null;
  @Column({ type: 'text', nullable: true }) uplink: string | null;
  @Column({ type: 'text', nullable: true }) notes: string | null;
  @Column({ name: 'retired_on', type: 'date', nullable: true }) retiredOn: string | null;
  /** The station's MQTT password as a Mosquitto `$7$` hash (src/mqtt/mqtt-credentials.ts); never selected by default. */
  @Column({ name: 'mqtt_password_hash', type: 'text', nullable: true, select: false }) mqttPasswordHash: string | null;
}
