import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The two administrative layouts camnet knows: the report's (2019) and today's (July 2025). */
export type AdminLayout = '2019' | '2025-07';
export const ADMIN_LAYOUTS: AdminLayout[] = ['2019', '2025-07'];

/** The station and camera column that holds their commune in `layout`. */
export function communeColumn(layout: AdminLayout): 'commune_code' | 'commune_code_2025' {
  return layout === '2019' ? 'commune_code' : 'commune_code_2025';
}

/**
 * A province, district or commune in one layout. Codes are reused across layouts
 * (27694 is "Phường 1" in 2019 and "Phường Long An" in 2025), so the key is
 * (layout, code).
 */
@Entity('admin_unit')
export class AdminUnit {
  @PrimaryColumn({ type: 'text' }) layout: AdminLayout;
  @PrimaryColumn({ type: 'text' }) code: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text' }) level: 'province' | 'district' | 'commune';
  @Column({ type: 'text', nullable: true }) kind: string | null;
  @Column({ name: 'parent_code', type: 'text', nullable: true }) parentCode: string | null;
  @Column({ type: 'double precision', nullable: true }) lat: number | null;
  @Column({ type: 'double precision', nullable: true }) lon: number | null;
  @Column({ type: 'jsonb', nullable: true }) boundary: unknown | null;
  @Column({ type: 'jsonb', default: () => "'{}'" }) properties: Record<string, unknown>;
}
