import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A main route (national highway, expressway, provincial road) as a GeoJSON LineString. */
@Entity('route')
export class Route {
  @PrimaryColumn({ type: 'text' }) ref: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text' }) kind: string;
  @Column({ type: 'jsonb' }) geometry: { type: 'LineString'; coordinates: [number, number][] };
  @Column({ name: 'length_m', type: 'double precision' }) lengthM: number;
}
