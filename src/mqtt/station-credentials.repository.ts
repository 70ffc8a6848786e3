/**
 * The stations' MQTT accounts as the broker side needs them: who a connecting
 * client is, credentials for stations that have none yet, and Mosquitto's
 * password file. The station table's one column `mqtt_password_hash` is written
 * here and by the station service when it issues a new station's password.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { derivedStationPassword, hashMqttPassword, MqttIdentity, verifyMqttPassword } from './mqtt-credentials';

export class StationCredentials {
  constructor(
    private readonly dataSource: DataSource,
    private readonly service: { username: string; password: string },
  ) {}

  /** Who this username and password are, or null: unknown, retired, or the wrong password. */
  async identify(username: string | undefined, password: Buffer | string | undefined): Promise<MqttIdentity | null> {
    if (!username || password === undefined) return null;
    const plain = Buffer.isBuffer(password) ? password.toString('utf8') : password;
    if (username === this.service.username) return plain === this.service.password ? { kind: 'service' } : null;
    const rows: { hash: string | null }[] = await this.dataSource.query(
      `SELECT mqtt_password_hash AS hash FROM station WHERE code = $1 AND retired_on IS NULL`,
      [username],
    );
    const hash = rows[0]?.hash;
    return hash && verifyMqttPassword(plain, hash) ? { kind: 'station', code: username } : null;
  }

  /** Stations without a password (the seed's, older ones) get the one derived from the secret key. */
  async issueMissing(secretKey: string): Promise<number> {
    const rows: { id: number; code: string }[] = await this.dataSource.query(`SELECT id, code FROM station WHERE mqtt_password_hash IS NULL ORDER BY id`);
    const batch = 500;
    for (let i = 0; i < rows.length; i += batch) {
      const part = rows.slice(i, i + batch);
      await this.dataSource.query(
        `UPDATE station s SET mqtt_password_hash = v.hash FROM unnest($1::int[], $2::text[]) AS v(id, hash) WHERE s.id = v.id AND s.mqtt_password_hash IS NULL`,
        [part.map((r) => r.id), part.map((r) => hashMqttPassword(derivedStationPassword(secretKey, r.code)))],
      );
    }
    return rows.length;
  }

  /**
   * Mosquitto's password_file: camnet's account and every station in service.
   * Written to a temporary file and renamed, so Mosquitto never reads half a file.
   */
  async writeMosquittoPasswordFile(file: string): Promise<number> {
    const rows: { code: string; hash: string }[] = await this.dataSource.query(
      `SELECT code, mqtt_password_hash AS hash FROM station WHERE retired_on IS NULL AND mqtt_password_hash IS NOT NULL ORDER BY code`,
    );
    const lines = [`${this.service.username}:${hashMqttPassword(this.service.password)}`, ...rows.map((r) => `${r.code}:${r.hash}`)];
    const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
    // Readable by the broker's own user (another container's); it holds salted PBKDF2 hashes only.
    fs.writeFileSync(tmp, lines.join('\n') + '\n', { mode: 0o644 });
    fs.renameSync(tmp, file);
    return rows.length;
  }
}
