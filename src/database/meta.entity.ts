import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Small facts about this database: when the seed was loaded and from which generator version. */
@Entity('camnet_meta')
export class Meta {
  @PrimaryColumn({ type: 'text' }) key: string;
  @Column({ type: 'jsonb' }) value: unknown;
}
