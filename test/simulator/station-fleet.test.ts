/**
 * The stations' MQTT agents against a real broker (Mosquitto when reachable, else
 * aedes): retained status, heartbeats that follow faults, orientation, and a `down`
 * that makes the broker publish the Last Will. Station codes carry a random suffix
 * so parallel runs on a shared Mosquitto do not see each other.
 */
import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator';
import type { SeedCamera, SeedStation } from '../../src/seed/seed.types';
import { openTestBroker, type TestBroker } from '../support/mqtt-broker';

const SUFFIX = randomBytes(3).toString('hex').toUpperCase();
const ST1 = `ST-T${SUFFIX}1`;
const ST2 = `ST-T${SUFFIX}2`;

function station(code: string): SeedStation {
  return {
    code,
    name: code,
    communeCode: '27700',
    communeCode2025: null,
    lat: 10.6,
    lon: 106.4,
    routeRef: 'QL1',
    installedOn: '2022-01-01',
    fundingVnd: 20_000_000,
    fundingSource: 'socialization',
    uplink: '4G',
  };
}

function camera(code: string, stationCode: string, ptz: boolean, headingDeg: number): SeedCamera {
  return {
    code,
    stationCode,
    ownership: 'station',
    communeCode: '27700',
    communeCode2025: null,
    lat: 10.6,
    lon: 106.4,
    headingDeg,
    fovDeg: 90,
    rangeM: 60,
    ptz,
    onvifUrl: `http://127.0.0.1:0/onvif/${code}/device_service`,
    onvifUser: 'admin',
    onvifPassword: 'secret',
    vendor: 'Hikvision',
    model: null,
    ownerName: null,
    ownerPhone: null,
    registeredOn: null,
  };
}

interface Msg {
  topic: string;
  json: any;
  retain: boolean;
  at: number;
}

let broker: TestBroker;
let sim: RunningSimulator;
let observer: MqttClient;
const messages: Msg[] = [];

async function waitFor(pred: (m: Msg) => boolean, timeoutMs: number, after = 0): Promise<Msg> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = messages.find((x) => x.at >= after && pred(x));
    if (m) return m;
    if (Date.now() > deadline) throw new Error(`no matching MQTT message within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function control(method: string, path: string, body?: unknown): Promise<number> {
  const res = await fetch(`${sim.baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  await res.text();
  return res.status;
}

beforeAll(async () => {
  broker = await openTestBroker();
  sim = await startSimulator({
    cameras: [
      camera(`${ST1}-C1`, ST1, true, 90),
      camera(`${ST1}-C2`, ST1, false, 200),
      camera(`${ST1}-C3`, ST1, false, 10),
      camera(`${ST2}-C1`, ST2, false, 45),
    ],
    stations: [station(ST1), station(ST2)],
    port: 0,
    mqttUrl: broker.url,
    heartbeatIntervalMs: 200,
    connectSpreadMs: 0,
  });
  observer = mqtt.connect(broker.url, { protocolVersion: 4, clientId: `camnet-test-observer-${SUFFIX}` });
  observer.on('message', (topic, payload, packet) => {
    messages.push({ topic, json: payload.length ? JSON.parse(payload.toString()) : null, retain: packet.retain, at: Date.now() });
  });
  await new Promise<void>((resolve) => observer.once('connect', () => resolve()));
  await new Promise<void>((resolve, reject) =>
    observer.subscribe([`camnet/v1/stations/${ST1}/#`, `camnet/v1/stations/${ST2}/#`], { qos: 1 }, (err) => (err ? reject(err) : resolve())),
  );
});

afterAll(async () => {
  await sim?.stop();
  // leave no retained status behind on a shared broker
  for (const code of [ST1, ST2]) {
    await new Promise<void>((resolve) => observer.publish(`camnet/v1/stations/${code}/status`, '', { qos: 1, retain: true }, () => resolve()));
  }
  await new Promise<void>((resolve) => observer.end(false, {}, () => resolve()));
  await broker.close();
});

describe(`station agents (broker: ${process.env.CAMNET_TEST_MQTT === 'aedes' ? 'aedes' : 'Mosquitto if reachable'})`, () => {
  it('publish a retained {"online":true} status', async () => {
    const m = await waitFor((x) => x.topic === `camnet/v1/stations/${ST1}/status` && x.json?.online === true, 5000);
    expect(typeof m.json.ts).toBe('string');
    // a late subscriber gets it from the broker's retained store
    const late = mqtt.connect(broker.url, { protocolVersion: 4 });
    const retained = await new Promise<any>((resolve) => {
      late.on('message', (_t, payload, packet) => resolve({ json: JSON.parse(payload.toString()), retain: packet.retain }));
      late.subscribe(`camnet/v1/stations/${ST2}/status`, { qos: 1 });
    });
    late.end(true);
    expect(retained).toEqual({ json: expect.objectContaining({ online: true }), retain: true });
  });

  it('send heartbeats with power and each camera', async () => {
    const m = await waitFor((x) => x.topic === `camnet/v1/stations/${ST1}/heartbeat`, 3000);
    expect(m.json).toMatchObject({
      power: 'grid',
      cameras: [{ code: `${ST1}-C1`, online: true, heading_deg: 90 }, { code: `${ST1}-C2` }, { code: `${ST1}-C3` }],
    });
    expect(typeof m.json.ts).toBe('string');
    expect(typeof m.json.uptime_s).toBe('number');
    expect(typeof m.json.temp_c).toBe('number');
  });

  it('report battery power and offline cameras as soon as the faults are set', async () => {
    const t0 = Date.now();
    expect(await control('POST', `/sim/stations/${ST1}/faults`, { kind: 'battery' })).toBe(201);
    expect(await control('POST', `/sim/devices/${ST1}-C2/faults`, { kind: 'offline' })).toBe(201);
    const m = await waitFor(
      (x) => x.topic === `camnet/v1/stations/${ST1}/heartbeat` && x.json.power === 'battery' && x.json.cameras[1].online === false,
      3000,
      t0,
    );
    expect(m.json.cameras[0].online).toBe(true);
    await control('DELETE', `/sim/stations/${ST1}/faults`);
    await control('DELETE', `/sim/devices/${ST1}-C2/faults`);
  });

  it('publish orientation when a camera is turned, and when it is turned back', async () => {
    const t0 = Date.now();
    expect(await control('POST', `/sim/devices/${ST1}-C3/faults`, { kind: 'turn', heading_deg: 100 })).toBe(201);
    const m = await waitFor((x) => x.topic === `camnet/v1/stations/${ST1}/orientation` && x.json.camera === `${ST1}-C3`, 3000, t0);
    expect(m.json).toMatchObject({ camera: `${ST1}-C3`, heading_deg: 100 });
    expect(m.json.pan).toBeUndefined(); // a fixed camera has no pan
    expect(await control('POST', `/sim/devices/${ST1}-C1/faults`, { kind: 'turn', pan: 0.25 })).toBe(201);
    const p = await waitFor((x) => x.topic === `camnet/v1/stations/${ST1}/orientation` && x.json.camera === `${ST1}-C1`, 3000, t0);
    expect(p.json).toMatchObject({ heading_deg: 135, pan: 0.25, tilt: 0 });
    const t1 = Date.now();
    await control('DELETE', `/sim/devices/${ST1}-C3/faults`);
    const back = await waitFor((x) => x.topic === `camnet/v1/stations/${ST1}/orientation` && x.json.camera === `${ST1}-C3`, 3000, t1);
    expect(back.json.heading_deg).toBe(10);
    await control('DELETE', `/sim/devices/${ST1}-C1/faults`);
  });

  it('down: the broker publishes the Will {"online":false}; clearing it reconnects', async () => {
    const t0 = Date.now();
    expect(await control('POST', `/sim/stations/${ST2}/faults`, { kind: 'down' })).toBe(201);
    const will = await waitFor((x) => x.topic === `camnet/v1/stations/${ST2}/status` && x.json?.online === false, 5000, t0);
    expect(will.json).toEqual({ online: false });
    expect(will.at - t0).toBeLessThan(3000);
    // no heartbeats while down
    const quiet = Date.now();
    await new Promise((r) => setTimeout(r, 500));
    expect(messages.some((x) => x.at > quiet && x.topic === `camnet/v1/stations/${ST2}/heartbeat`)).toBe(false);
    // the station's cameras do not answer ONVIF either
    await expect(
      fetch(`${sim.baseUrl}/onvif/${ST2}-C1/device_service`, { method: 'POST', body: '<s:Envelope><s:Body><GetSystemDateAndTime/></s:Body></s:Envelope>' }),
    ).rejects.toThrow();

    const t1 = Date.now();
    expect(await control('DELETE', `/sim/stations/${ST2}/faults`)).toBe(200);
    const back = await waitFor((x) => x.topic === `camnet/v1/stations/${ST2}/status` && x.json?.online === true, 5000, t1);
    expect(back.json.online).toBe(true);
    const hb = await waitFor((x) => x.topic === `camnet/v1/stations/${ST2}/heartbeat`, 3000, t1);
    expect(hb.json.uptime_s).toBeLessThan(5);
  });

  it('stop: each station announces a retained {"online":false} and disconnects cleanly', async () => {
    const t0 = Date.now();
    await sim.stop();
    for (const code of [ST1, ST2]) {
      const m = await waitFor((x) => x.topic === `camnet/v1/stations/${code}/status` && x.json?.online === false, 3000, t0);
      expect(typeof m.json.ts).toBe('string'); // the clean message, not the Will
    }
  });
});
