import { MigrationInterface, QueryRunner } from 'typeorm';

/** Administrative units (two layouts), routes, stations, cameras and road signs. */
export class CreateInventory1764230400000 implements MigrationInterface {
  name = 'CreateInventory1764230400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE admin_unit (
        layout text NOT NULL CHECK (layout IN ('2019', '2025-07')),
        code text NOT NULL,
        name text NOT NULL,
        level text NOT NULL CHECK (level IN ('province', 'district', 'commune')),
        kind text,
        parent_code text,
        lat double precision,
        lon double precision,
        boundary jsonb,
        properties jsonb NOT NULL DEFAULT '{}',
        PRIMARY KEY (layout, code)
      )`);
    await q.query(`CREATE INDEX admin_unit_parent_idx ON admin_unit (layout, parent_code)`);
    await q.query(`
      CREATE TABLE route (
        ref text PRIMARY KEY,
        name text NOT NULL,
        kind text NOT NULL,
        geometry jsonb NOT NULL,
        length_m double precision NOT NULL
      )`);
    await q.query(`
      CREATE TABLE station (
        id serial PRIMARY KEY,
        code text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9-]+$'),
        name text NOT NULL,
        commune_code text NOT NULL,
        commune_code_2025 text,
        lat double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
        lon double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
        route_ref text REFERENCES route (ref),
        installed_on date,
        funding_vnd bigint NOT NULL DEFAULT 0 CHECK (funding_vnd >= 0),
        funding_source text,
        uplink text,
        notes text,
        retired_on date
      )`);
    await q.query(`CREATE INDEX station_commune_idx ON station (commune_code)`);
    await q.query(`
      CREATE TABLE camera (
        id serial PRIMARY KEY,
        code text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9-]+$'),
        station_id int REFERENCES station (id),
        ownership text NOT NULL CHECK (ownership IN ('station', 'citizen', 'business', 'household')),
        commune_code text NOT NULL,
        commune_code_2025 text,
        lat double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
        lon double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
        heading_deg double precision NOT NULL CHECK (heading_deg >= 0 AND heading_deg < 360),
        fov_deg double precision NOT NULL CHECK (fov_deg > 0 AND fov_deg <= 360),
        range_m double precision NOT NULL CHECK (range_m > 0),
        ptz boolean NOT NULL DEFAULT false,
        onvif_url text,
        onvif_user text,
        onvif_secret_enc text,
        vendor text,
        model text,
        firmware text,
        serial text,
        owner_name text,
        owner_phone text,
        registered_on date,
        retired_on date
      )`);
    await q.query(`CREATE INDEX camera_station_idx ON camera (station_id)`);
    await q.query(`CREATE INDEX camera_commune_idx ON camera (commune_code)`);
    await q.query(`CREATE INDEX camera_ownership_idx ON camera (ownership)`);
    await q.query(`CREATE INDEX camera_lat_lon_idx ON camera (lat, lon)`);
    await q.query(`
      CREATE TABLE road_sign (
        id serial PRIMARY KEY,
        route_ref text NOT NULL REFERENCES route (ref),
        commune_code text NOT NULL,
        lat double precision NOT NULL,
        lon double precision NOT NULL
      )`);
    await q.query(`CREATE TABLE camnet_meta (key text PRIMARY KEY, value jsonb NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE camnet_meta`);
    await q.query(`DROP TABLE road_sign`);
    await q.query(`DROP TABLE camera`);
    await q.query(`DROP TABLE station`);
    await q.query(`DROP TABLE route`);
    await q.query(`DROP TABLE admin_unit`);
  }
}
