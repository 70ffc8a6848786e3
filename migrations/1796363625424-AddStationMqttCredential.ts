import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each station's own MQTT password, as a Mosquitto `$7$` hash (PBKDF2-SHA512):
 * the broker lets a station publish only under its own topics. Stations that
 * have none yet get one derived from CAMNET_SECRET_KEY at the next start.
 */
export class AddStationMqttCredential1796363625424 implements MigrationInterface {
  name = 'AddStationMqttCredential1796363625424';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE station ADD COLUMN mqtt_password_hash text NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE station DROP COLUMN mqtt_password_hash`);
  }
}
