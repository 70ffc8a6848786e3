import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { OrientationEvent, StatusEvent } from '../monitoring/monitoring.entities';
import { entityColumns } from './entity-columns';

@Entity('probe_thing')
class ProbeThing {
  @PrimaryGeneratedColumn() id: number;
  @Column({ name: 'seen_at', type: 'timestamptz' }) seenAt: Date;
  @Column({ type: 'text' }) label: string;
}

class NotAnEntity {
  x = 1;
}

describe('entityColumns', () => {
  it('reads the table and each column name from the decorators', () => {
    const t = entityColumns(ProbeThing);
    expect(t.table).toBe('probe_thing');
    expect([t.col.id, t.col.seenAt, t.col.label]).toEqual(['id', 'seen_at', 'label']);
  });

  it('builds a select list that names each column as its property', () => {
    expect(entityColumns(ProbeThing).select('p', 'seenAt', 'label')).toBe('p.seen_at AS "seenAt", p.label AS "label"');
  });

  it("names the history tables' columns as their migrations do", () => {
    const se = entityColumns(StatusEvent);
    const oe = entityColumns(OrientationEvent);
    expect([se.table, se.col.subjectId, se.col.at, se.col.status, se.col.reason]).toEqual(['status_event', 'subject_id', 'at', 'status', 'reason']);
    expect([oe.table, oe.col.cameraId, oe.col.headingDeg]).toEqual(['orientation_event', 'camera_id', 'heading_deg']);
  });

  it('refuses a class that is not an entity, and a property that is not a column', () => {
    expect(() => entityColumns(NotAnEntity)).toThrow('NotAnEntity is not a TypeORM entity');
    const t = entityColumns(ProbeThing);
    expect(() => (t.col as Record<string, string>).nickname).toThrow('ProbeThing.nickname is not a column');
    expect(() => t.select('p', 'nickname' as 'label')).toThrow('ProbeThing.nickname is not a column');
  });
});
