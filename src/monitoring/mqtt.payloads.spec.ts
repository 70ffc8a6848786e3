import { MQTT_MAX_PAYLOAD_BYTES, parseStationMessage, parseTopic } from './mqtt.payloads';

const buf = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));
const T = 'camnet/v1/stations/ST-0001';
const ts = '2025-03-01T10:00:00.000Z';
const heartbeat = {
  ts,
  uptime_s: 12,
  power: 'grid',
  temp_c: 35.2,
  cameras: [
    { code: 'ST-0001-C1', online: true, heading_deg: 90 },
    { code: 'ST-0001-C2', online: false },
  ],
};

describe('topics', () => {
  it('accepts the three station topics and nothing else', () => {
    expect(parseTopic(`${T}/status`)).toEqual({ station: 'ST-0001', kind: 'status' });
    expect(parseTopic(`${T}/heartbeat`)).toEqual({ station: 'ST-0001', kind: 'heartbeat' });
    expect(parseTopic(`${T}/orientation`)).toEqual({ station: 'ST-0001', kind: 'orientation' });
    for (const t of [`${T}/other`, 'camnet/v1/stations/st-0001/status', 'camnet/v2/stations/ST-1/status', `${T}/status/extra`, 'camnet/v1/stations//status']) {
      expect(parseTopic(t)).toBeNull();
    }
  });
});

describe('payloads', () => {
  it('parses status, the Will, heartbeat and orientation', () => {
    expect(parseStationMessage(`${T}/status`, buf({ online: true, ts }))).toEqual({
      ok: true,
      message: { kind: 'status', station: 'ST-0001', online: true, ts },
    });
    expect(parseStationMessage(`${T}/status`, buf('{"online":false}'))).toEqual({
      ok: true,
      message: { kind: 'status', station: 'ST-0001', online: false, ts: null },
    });
    const hb = parseStationMessage(`${T}/heartbeat`, buf(heartbeat));
    expect(hb).toEqual({
      ok: true,
      message: {
        kind: 'heartbeat',
        station: 'ST-0001',
        ts,
        uptimeS: 12,
        power: 'grid',
        tempC: 35.2,
        cameras: [
          { code: 'ST-0001-C1', online: true, headingDeg: 90 },
          { code: 'ST-0001-C2', online: false, headingDeg: null },
        ],
      },
    });
    expect(parseStationMessage(`${T}/orientation`, buf({ ts, camera: 'ST-0001-C3', heading_deg: 271.5, pan: -0.25, tilt: 0 }))).toEqual({
      ok: true,
      message: { kind: 'orientation', station: 'ST-0001', ts, camera: 'ST-0001-C3', headingDeg: 271.5, pan: -0.25, tilt: 0 },
    });
  });

  it.each([
    ['bad_topic', 'camnet/v1/stations/ST-0001/nope', buf({ online: true })],
    ['too_large', `${T}/heartbeat`, Buffer.alloc(MQTT_MAX_PAYLOAD_BYTES + 1, 0x20)],
    ['not_utf8', `${T}/status`, Buffer.from([0x7b, 0xc3, 0x28, 0x7d])],
    ['not_json', `${T}/status`, buf('online')],
    ['not_json', `${T}/status`, buf('')],
    ['schema', `${T}/status`, buf('[1,2]')],
    ['schema', `${T}/status`, buf('null')],
    ['schema', `${T}/status`, buf({ online: 'true' })],
    ['schema', `${T}/status`, buf({ online: true, ts: 'yesterday' })],
    ['schema', `${T}/heartbeat`, buf({ ...heartbeat, ts: undefined })],
    ['schema', `${T}/heartbeat`, buf({ ...heartbeat, power: 'solar' })],
    ['schema', `${T}/heartbeat`, buf({ ...heartbeat, uptime_s: -1 })],
    ['schema', `${T}/heartbeat`, buf({ ...heartbeat, temp_c: '35' })],
    ['schema', `${T}/heartbeat`, buf({ ...heartbeat, cameras: 'all' })],
    ['schema', `${T}/heartbeat`, buf({ ...heartbeat, cameras: [{ code: 'bad code', online: true }] })],
    ['schema', `${T}/heartbeat`, buf({ ...heartbeat, cameras: [{ code: 'C1', online: 1 }] })],
    ['schema', `${T}/heartbeat`, buf({ ...heartbeat, cameras: [{ code: 'C1', online: true, heading_deg: 400 }] })],
    ['schema', `${T}/orientation`, buf({ ts, camera: 'C1' })],
    ['schema', `${T}/orientation`, buf({ ts, camera: 'C1', heading_deg: 10, pan: 2 })],
  ])('drops %s: %s', (reason, topic, payload) => {
    const r = parseStationMessage(topic, payload);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toBe(reason);
  });

  it('accepts a payload of exactly 16 KiB', () => {
    const base = JSON.stringify({ online: true, pad: '' });
    const padded = JSON.stringify({ online: true, pad: 'x'.repeat(MQTT_MAX_PAYLOAD_BYTES - base.length) });
    expect(Buffer.byteLength(padded)).toBe(MQTT_MAX_PAYLOAD_BYTES);
    expect(parseStationMessage(`${T}/status`, buf(padded)).ok).toBe(true);
  });
});
