/**
 * Who may speak on camnet's MQTT topics. Each station has its own account
 * (username = its code) and may publish only under `camnet/v1/stations/<code>/`
 * (its Will included); camnet's own account subscribes. Passwords are stored in
 * Mosquitto's password-file format (PBKDF2-SHA512, `$7$`), so the same hash
 * serves the embedded aedes and a Mosquitto `password_file` written by camnet.
 */
import { createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export const STATION_TOPIC_ROOT = 'camnet/v1/stations';
/** camnet's own account when MQTT_URL names none. */
export const SERVICE_USERNAME = 'camnet';

/** Mosquitto 2's defaults for `$7$` hashes (mosquitto_passwd): 101 iterations, 12-byte salt, 64-byte SHA-512 digest. */
const ITERATIONS = 101;

export type MqttIdentity = { kind: 'service' } | { kind: 'station'; code: string };

export function hashMqttPassword(plain: string, salt: Buffer = randomBytes(12)): string {
  const hash = pbkdf2Sync(plain, salt, ITERATIONS, 64, 'sha512');
  return `$7$${ITERATIONS}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export function verifyMqttPassword(plain: string, stored: string): boolean {
  const m = stored.match(/^\$7\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/);
  if (!m) return false;
  const iterations = Number(m[1]);
  // A hash from elsewhere with a huge iteration count must not stall every connect.
  if (!(iterations >= 1 && iterations <= 100_000)) return false;
  const expected = Buffer.from(m[3], 'base64');
  const actual = pbkdf2Sync(plain, Buffer.from(m[2], 'base64'), iterations, expected.length, 'sha512');
  return expected.length > 0 && timingSafeEqual(actual, expected);
}

/** A new station's password, shown once when the station is created. */
export function newStationPassword(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * The password of a station that was never issued one (the seed's, or stations
 * from before credentials existed): derived from CAMNET_SECRET_KEY, so the
 * simulated fleet, which holds the same key, can connect as each of them.
 */
export function derivedStationPassword(secretKey: string, code: string): string {
  return createHmac('sha256', secretKey).update(`mqtt-station:${code}`).digest('base64url');
}

/** camnet's own password on the embedded broker (and on Mosquitto when MQTT_URL names no password). */
export function derivedServicePassword(secretKey: string): string {
  return createHmac('sha256', secretKey).update('mqtt-service:camnet').digest('base64url');
}

export function stationTopicPrefix(code: string): string {
  return `${STATION_TOPIC_ROOT}/${code}/`;
}

/** A station publishes (and leaves its Will) under its own topics only; camnet's account may publish anywhere. */
export function mayPublish(who: MqttIdentity, topic: string): boolean {
  if (who.kind === 'service') return true;
  return topic.startsWith(stationTopicPrefix(who.code)) && !/[+#]/.test(topic);
}

/** Only camnet's account subscribes: a station has nothing to read, least of all other stations' reports. */
export function maySubscribe(who: MqttIdentity, _topic: string): boolean {
  return who.kind === 'service';
}

/** camnet's account on a broker: MQTT_URL's user and password when it names them, else `camnet` with the derived password. */
export function serviceCredentials(mqttUrl: string, secretKey: string): { username: string; password: string } {
  const u = new URL(mqttUrl);
  if (u.username) return { username: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
  return { username: SERVICE_USERNAME, password: derivedServicePassword(secretKey) };
}

/** A broker URL fit for a log line: the password replaced. */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable broker URL)';
  }
}
