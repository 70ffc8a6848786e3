import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const OWNERSHIPS = ['station', 'citizen', 'business', 'household'] as const;
export type Ownership = (typeof OWNERSHIPS)[number];

/**
 * One camera: a station's, or a private one registered as facing the street.
 * The ONVIF password is kept only encrypted (onvif_secret_enc) and never leaves the API.
 */
@Entity('camera')
export class Camera {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'text', unique: true }) code: string;
  @Column({ name: 'station_id', type: 'int', nullable: true }) stationId: number | null;
  @Column({ type: 'text' }) ownership: Ownership;
  @Column({ name: 'commune_code', type: 'text' }) communeCode: string;
  @Column({ name: 'commune_code_2025', type: 'text', nullable: true }) communeCode2025: string | null;
  @Column({ type: 'double precision' }) lat: number;
  @Column({ type: 'double precision' }) lon: number;
  @Column({ name: 'heading_deg', type: 'double precision' }) headingDeg: number;
  @Column({ name: 'fov_deg', type: 'double precision' }) fovDeg: number;
  @Column({ name: 'range_m', type: 'double precision' }) rangeM: number;
  @Column({ type: 'boolean', default: false }) ptz: boolean;
  @Column({ name: 'onvif_url', type: 'text', nullable: true }) onvifUrl: string | null;
  @Column({ name: 'onvif_user', type: 'text', nullable: true }) onvifUser: string | null;
  @Column({ name: 'onvif_secret_enc', type: 'text', nullable: true, select: false }) onvifSecretEnc: string | null;
  @Column({ type: 'text', nullable: true }) vendor: string | null;
  @Column({ type: 'text', nullable: true }) model: string | null;
  @Column({ type: 'text', nullable: true }) firmware: string | null;
  @Column({ type: 'text', nullable: true }) serial: string | null;
  @Column({ name: 'owner_name', type: 'text', nullable: true }) ownerName: string | null;
  @Column({ name: 'owner_phone', type: 'text', nullable: true }) ownerPhone: string | null;
  @Column({ name: 'registered_on', type: 'date', nullable: true }) registeredOn: string | null;
  @Column({ name: 'retired_on', type: 'date', nullable: true }) retiredOn: string | null;
}
