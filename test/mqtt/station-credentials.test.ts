/**
 * Stations speak only for themselves: against a real Mosquitto started with the
 * configuration camnet ships (deploy/mosquitto/, on a private port) and against
 * the embedded aedes, a station publishing on another station's topic (or
 * leaving a Will there), a client without credentials and a wrong password are
 * refused by the broker, and camnet records nothing for the other station.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import mqtt from 'mqtt';
import { hashMqttPassword } from '../../src/mqtt/mqtt-credentials';
import { EmbeddedBroker, startEmbeddedBroker } from '../../src/mqtt/embedded-broker';
import { StationCredentials } from '../../src/mqtt/station-credentials.repository';
import { startTestCamnet, TestCamnet } from '../support/camnet';

const MOSQUITTO = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/sbin/mosquitto'].find((b) => fs.existsSync(b));
const SERVICE = { username: 'camnet', password: 'camnet-service-password-for-tests' };

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

/** Mosquitto with deploy/mosquitto's files: only the port, the file paths and persistence are changed for the test. */
async function startShippedMosquitto(dir: string, passwordFile: string): Promise<{ url: string; reload(): void; close(): Promise<void> }> {
  const port = await freePort();
  const shipped = fs.readFileSync(path.join(__dirname, '../../deploy/mosquitto/mosquitto.conf'), 'utf8');
  const acl = path.join(dir, 'acl');
  fs.copyFileSync(path.join(__dirname, '../../deploy/mosquitto/acl'), acl);
  const conf = shipped
    .replace(/^listener 1883$/m, `listener ${port} 127.0.0.1`)
    .replace(/^password_file .*$/m, `password_file ${passwordFile}`)
    .replace(/^acl_file .*$/m, `acl_file ${acl}`)
    .replace(/^persistence true$/m, 'persistence false')
    .replace(/^persistence_location .*$/m, '');
  expect(conf).toContain('allow_anonymous false');
  const user = typeof process.getuid === 'function' && process.getuid() === 0 ? 'user root\n' : '';
  const file = path.join(dir, 'mosquitto.conf');
  fs.writeFileSync(file, `${user}${conf}\nlog_dest none\n`);
  const child: ChildProcess = spawn(MOSQUITTO!, ['-c', file], { stdio: 'ignore' });
  const guard = () => child.exitCode === null && child.kill('SIGKILL');
  process.once('exit', guard);
  const up = await waitFor(
    () =>
      new Promise<boolean>((resolve) => {
        const s = net.connect(port, '127.0.0.1');
        s.once('connect', () => (s.destroy(), resolve(true)));
        s.once('error', () => resolve(false));
      }),
    10_000,
  );
  if (!up) throw new Error(`mosquitto did not listen on ${port} with ${file}`);
  return {
    url: `mqtt://127.0.0.1:${port}`,
    reload: () => child.kill('SIGHUP'),
    close: () =>
      new Promise<void>((resolve) => {
        process.off('exit', guard);
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

interface Attempt {
  connected: boolean;
  error: string | null;
  client: mqtt.MqttClient;
}

/** Connects once (no reconnect) and reports whether the broker accepted. */
function connect(url: string, options: mqtt.IClientOptions): Promise<Attempt> {
  return new Promise((resolve) => {
    const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5000, protocolVersion: 4, clean: true, ...options });
    client.once('connect', () => resolve({ connected: true, error: null, client }));
    client.once('error', (err) => resolve({ connected: false, error: err.message, client }));
  });
}

const kinds = [...(MOSQUITTO && process.env.CAMNET_TEST_MQTT !== 'aedes' ? ['mosquitto' as const] : []), 'aedes' as const];

describe.each(kinds)('on %s', (kind) => {
  let dir: string;
  let t: TestCamnet;
  let brokerUrl: string;
  let closeBroker: () => Promise<void>;
  let reload: () => void = () => undefined;
  const passwords: Record<string, string> = {};

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'camnet-mqtt-auth-'));
    const passwordFile = path.join(dir, 'passwd');
    let embedded: EmbeddedBroker | null = null;
    if (kind === 'mosquitto') {
      // Mosquitto needs camnet's account before camnet starts; camnet then writes the whole file.
      fs.writeFileSync(passwordFile, `${SERVICE.username}:${hashMqttPassword(SERVICE.password)}\n`);
      const m = await startShippedMosquitto(dir, passwordFile);
      brokerUrl = m.url;
      reload = m.reload;
      closeBroker = m.close;
    }
    const port = kind === 'aedes' ? await freePort() : 0;
    if (kind === 'aedes') brokerUrl = `mqtt://127.0.0.1:${port}`;
    t = await startTestCamnet({
      seed: false,
      env: {
        MQTT_URL: brokerUrl.replace('mqtt://', `mqtt://${SERVICE.username}:${SERVICE.password}@`),
        CAMNET_MONITORING: 'on',
        ...(kind === 'mosquitto' ? { MQTT_PASSWORD_FILE: passwordFile } : {}),
      },
      // The aedes broker is started after the database exists: it asks the station table who is connecting.
      beforeStart: async (db) => {
        if (kind !== 'aedes') return;
        embedded = await startEmbeddedBroker(port, '127.0.0.1', new StationCredentials(db.dataSource, SERVICE));
        closeBroker = () => embedded!.close();
      },
    });
    await t.db.dataSource.query(`INSERT INTO admin_unit (layout, code, name, level) VALUES ('2019', '27685', 'Phường 1', 'commune')`);
    for (const code of ['ST-AUTH-A', 'ST-AUTH-B']) {
      const res = await t.as('admin').post('/api/stations').send({ code, name: code, commune_code: '27685', lat: 10.54, lon: 106.41 }).expect(201);
      expect(res.body.mqtt).toMatchObject({ username: code, topic_prefix: `camnet/v1/stations/${code}/` });
      passwords[code] = res.body.mqtt.password;
    }
    // Shown once: reading the station again never gives the password.
    const again = await t.as('admin').get('/api/stations/ST-AUTH-A').expect(200);
    expect(JSON.stringify(again.body)).not.toContain(passwords['ST-AUTH-A']);
    if (kind === 'mosquitto') {
      expect(await waitFor(() => fs.readFileSync(passwordFile, 'utf8').includes('ST-AUTH-B:$7$'), 10_000)).toBe(true);
      reload();
    }
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await closeBroker?.();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const lastSeen = async (code: string) =>
    (await t.db.dataSource.query(`SELECT ss.last_seen_at FROM station s LEFT JOIN station_state ss ON ss.station_id = s.id WHERE s.code = $1`, [code]))[0]
      ?.last_seen_at ?? null;
  const heartbeat = () => JSON.stringify({ ts: new Date().toISOString(), power: 'grid', cameras: [] });

  it('refuses a client without credentials and a wrong password', async () => {
    const anonymous = await connect(brokerUrl, { clientId: 'anon-1' });
    expect(anonymous.connected).toBe(false);
    expect(anonymous.error).toMatch(/Not authorized|Bad username or password/i);
    anonymous.client.end(true);
    const wrong = await connect(brokerUrl, { clientId: 'wrong-1', username: 'ST-AUTH-A', password: 'not-its-password' });
    expect(wrong.connected).toBe(false);
    wrong.client.end(true);
  });

  it('lets a station report for itself, and refuses its reports and Will for another station', async () => {
    // A station logs in only with its own password (the other station's does not open its account).
    const swapped = await connect(brokerUrl, { clientId: 'swap-1', username: 'ST-AUTH-A', password: passwords['ST-AUTH-B'] });
    expect(swapped.connected).toBe(false);
    swapped.client.end(true);

    const a = await connect(brokerUrl, {
      clientId: 'st-auth-a',
      username: 'ST-AUTH-A',
      password: passwords['ST-AUTH-A'],
      // A Will on the other station's topic: it must never reach camnet.
      will: { topic: 'camnet/v1/stations/ST-AUTH-B/status', payload: Buffer.from('{"online":false}'), qos: 1, retain: false },
    });
    expect(a.connected).toBe(true);
    // First its own heartbeat, until camnet records it: camnet then knows both stations (created together).
    const recorded = await waitFor(async () => {
      a.client.publish('camnet/v1/stations/ST-AUTH-A/heartbeat', heartbeat(), { qos: 1 });
      await new Promise((r) => setTimeout(r, 400));
      return (await lastSeen('ST-AUTH-A')) !== null;
    }, 30_000);
    expect(recorded).toBe(true);
    // Then it speaks for B, then for itself again. Mosquitto drops the forged messages and goes on (A's later
    // heartbeat lands, so the forged ones would have too); aedes disconnects A at the first one.
    const before = new Date(await lastSeen('ST-AUTH-A')).getTime();
    let closed = false;
    a.client.on('close', () => (closed = true));
    a.client.publish('camnet/v1/stations/ST-AUTH-B/heartbeat', heartbeat(), { qos: 1 });
    a.client.publish('camnet/v1/stations/ST-AUTH-B/status', '{"online":true}', { qos: 1 });
    await new Promise((r) => setTimeout(r, 50));
    expect(
      await waitFor(async () => {
        if (closed) return true;
        a.client.publish('camnet/v1/stations/ST-AUTH-A/heartbeat', heartbeat(), { qos: 1 });
        await new Promise((r) => setTimeout(r, 300));
        return new Date(await lastSeen('ST-AUTH-A')).getTime() > before;
      }, 15_000),
    ).toBe(true);
    // Its abrupt end sends the Will on B's topic, which the broker must drop.
    (a.client as unknown as { stream: net.Socket }).stream.destroy();
    a.client.end(true);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await lastSeen('ST-AUTH-B')).toBeNull();
    const statusB = await t.db.dataSource.query(
      `SELECT count(*)::int AS n FROM status_event e JOIN station s ON s.id = e.subject_id WHERE e.subject = 'station' AND s.code = 'ST-AUTH-B'`,
    );
    expect(statusB[0].n).toBe(0);

    // A station reads no other station's reports.
    const b = await connect(brokerUrl, { clientId: 'st-auth-b', username: 'ST-AUTH-B', password: passwords['ST-AUTH-B'] });
    expect(b.connected).toBe(true);
    // A station reads nothing: the subscription is refused (aedes) or granted and never served (Mosquitto, MQTT 3.1.1).
    const heardByB: string[] = [];
    b.client.on('message', (topic) => heardByB.push(topic));
    const granted = await new Promise<mqtt.ISubscriptionGrant[]>((resolve) =>
      b.client.subscribe('camnet/v1/stations/+/heartbeat', { qos: 1 }, (_e, g) => resolve(g ?? [])),
    );
    expect(granted).toHaveLength(1);
    // B speaking for itself is heard: what kept B's record empty was the broker, not a deaf camnet.
    expect(
      await waitFor(async () => {
        b.client.publish('camnet/v1/stations/ST-AUTH-B/heartbeat', heartbeat(), { qos: 1 });
        await new Promise((r) => setTimeout(r, 300));
        return (await lastSeen('ST-AUTH-B')) !== null;
      }, 15_000),
    ).toBe(true);
    expect(heardByB).toEqual([]);
    b.client.end(true);
  }, 60_000);
});
