import { hashMqttPassword, newStationPassword, stationTopicPrefix } from '../mqtt/mqtt-credentials';
import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CLOCK, Clock, localDay } from '../common/clock';
import { EventBus } from '../common/event-bus';
import { badField } from '../http-defaults';
import { CommuneLocator } from './commune-locator';
import { StationInputDto, StationQueryDto, UpdateStationDto } from './inventory.dto';
import { decodeCursor, Page, pageOf } from './page';

export interface StationView {
  code: string;
  name: string;
  commune_code: string;
  commune_code_2025: string | null;
  lat: number;
  lon: number;
  route_ref: string | null;
  installed_on: string | null;
  funding_vnd: number;
  funding_source: string | null;
  uplink: string | null;
  notes: string | null;
  retired_on: string | null;
  cameras: number;
  status: string;
  last_seen_at: Date | null;
  power: string | null;
}

const STATION_SQL = `
  s.id, s.code, s.name, s.commune_code, s.commune_code_2025, s.lat, s.lon, s.route_ref,
  to_char(s.installed_on, 'YYYY-MM-DD') AS installed_on, s.funding_vnd::float8 AS funding_vnd, s.funding_source,
  s.uplink, s.notes, to_char(s.retired_on, 'YYYY-MM-DD') AS retired_on,
  (SELECT count(*)::int FROM camera c WHERE c.station_id = s.id AND c.retired_on IS NULL) AS cameras,
  COALESCE(ss.status, 'unknown') AS status, ss.last_seen_at, ss.power
  FROM station s LEFT JOIN station_state ss ON ss.station_id = s.id`;

/** Camera stations: listing, and create / update / retire with their reference checks. */
/** A new station's MQTT account, answered once by POST /api/stations. */
export interface StationMqttAccount {
  username: string;
  password: string;
  topic_prefix: string;
  note: string;
}

@Injectable()
export class StationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly communes: CommuneLocator,
    private readonly events: EventBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async list(q: StationQueryDto): Promise<Page<StationView>> {
    const where = ['s.retired_on IS NULL'];
    const params: unknown[] = [];
    const p = (v: unknown) => (params.push(v), `$${params.length}`);
    if (q.commune) where.push(`s.commune_code = ${p(q.commune)}`);
    if (q.district)
      where.push(`s.commune_code IN (SELECT code FROM admin_unit WHERE layout = '2019' AND level = 'commune' AND parent_code = ${p(q.district)})`);
    if (q.cursor) where.push(`s.id > ${p(decodeCursor(q.cursor))}`);
    const limit = q.limit ?? 100;
    const rows = await this.dataSource.query(`SELECT ${STATION_SQL} WHERE ${where.join(' AND ')} ORDER BY s.id LIMIT ${p(limit + 1)}`, params);
    return pageOf(rows, limit, viewOf);
  }

  async get(code: string): Promise<StationView> {
    const rows = await this.dataSource.query(`SELECT ${STATION_SQL} WHERE s.code = $1`, [code]);
    if (rows.length === 0) throw new NotFoundException(`no station with code ${code}`);
    return viewOf(rows[0]);
  }

  /**
   * A new station gets its own MQTT account; the password is answered this once
   * (for provisioning the station's agent) and stored only as a hash.
   */
  async create(dto: StationInputDto): Promise<StationView & { mqtt: StationMqttAccount }> {
    const password = newStationPassword();
    await this.dataSource.transaction(async (m) => {
      const taken = await m.query(`SELECT 1 FROM station WHERE code = $1`, [dto.code]);
      if (taken.length) throw badField('code', `a station with code ${dto.code} already exists`);
      await this.checkReferences(m, dto);
      await m.query(
        `INSERT INTO station (code, name, commune_code, commune_code_2025, lat, lon, route_ref, installed_on, funding_vnd, funding_source, uplink, notes, mqtt_password_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [
          dto.code,
          dto.name,
          dto.commune_code,
          await this.communes.commune2025(dto.lat, dto.lon, m),
          dto.lat,
          dto.lon,
          dto.route_ref ?? null,
          dto.installed_on ?? null,
          dto.funding_vnd ?? 0,
          dto.funding_source ?? null,
          dto.uplink ?? null,
          dto.notes ?? null,
          hashMqttPassword(password),
        ],
      );
    });
    this.changed();
    return {
      ...(await this.get(dto.code)),
      mqtt: {
        username: dto.code,
        password,
        topic_prefix: stationTopicPrefix(dto.code),
        note: 'shown once: configure the station agent now; camnet keeps only a hash',
      },
    };
  }

  async update(code: string, patch: UpdateStationDto): Promise<StationView> {
    await this.dataSource.transaction(async (m) => {
      const current = (await m.query(`SELECT * FROM station WHERE code = $1 FOR UPDATE`, [code]))[0];
      if (!current) throw new NotFoundException(`no station with code ${code}`);
      const merged = { ...current, ...patch };
      await this.checkReferences(m, merged);
      const lat = patch.lat ?? current.lat;
      const lon = patch.lon ?? current.lon;
      await m.query(
        `UPDATE station SET name = $2, commune_code = $3, commune_code_2025 = $4, lat = $5, lon = $6, route_ref = $7,
           installed_on = $8, funding_vnd = $9, funding_source = $10, uplink = $11, notes = $12 WHERE code = $1`,
        [
          code,
          merged.name,
          merged.commune_code,
          await this.communes.commune2025(lat, lon, m),
          lat,
          lon,
          merged.route_ref ?? null,
          merged.installed_on ?? null,
          merged.funding_vnd ?? 0,
          merged.funding_source ?? null,
          merged.uplink ?? null,
          merged.notes ?? null,
        ],
      );
    });
    this.changed();
    return this.get(code);
  }

  /** A retired station keeps its history; its cameras are retired with it. */
  async retire(code: string): Promise<StationView> {
    const today = localDay(this.clock.now());
    await this.dataSource.transaction(async (m) => {
      const [rows] = await m.query(`UPDATE station SET retired_on = COALESCE(retired_on, $2) WHERE code = $1 RETURNING id`, [code, today]);
      if (rows.length === 0) throw new NotFoundException(`no station with code ${code}`);
      await m.query(`UPDATE camera SET retired_on = COALESCE(retired_on, $2) WHERE station_id = $1`, [rows[0].id, today]);
    });
    this.changed();
    return this.get(code);
  }

  private changed(): void {
    this.events.emit('inventory.changed', { at: this.clock.now(), what: 'station' });
  }

  private async checkReferences(m: EntityManager, s: { commune_code: string; route_ref?: string | null }): Promise<void> {
    if (!(await this.communes.communeExists(s.commune_code, m))) throw badField('commune_code', `unknown commune code ${s.commune_code} (2019 layout)`);
    if (s.route_ref && (await m.query(`SELECT 1 FROM route WHERE ref = $1`, [s.route_ref])).length === 0) {
      throw badField('route_ref', `unknown route ${s.route_ref}`);
    }
  }
}

function viewOf(r: StationView & { id: number }): StationView {
  const { id: _id, ...view } = r;
  return view;
}
