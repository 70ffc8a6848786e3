import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A road sign announcing that a stretch of route is watched by security cameras. */
@Entity('road_sign')
export class RoadSign {
  @PrimaryGeneratedColumn() id: number;
  @Column({ name: 'route_ref', type: 'text' }) routeRef: string;
  @Column({ name: 'commune_code', type: 'text' }) communeCode: string;
  @Column({ type: 'double precision' }) lat: number;
  @Column({ type: 'double precision' }) lon: number;
}
