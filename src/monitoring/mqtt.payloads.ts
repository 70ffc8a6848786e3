/**
 * Validation of the stations' MQTT messages (DESIGN.md "MQTT contract"): topic,
 * size, UTF-8, JSON and schema. Pure: the listener checks the station against the
 * inventory and counts what is dropped.
 */
import type { MqttDropReason } from './monitoring.metrics';

export const MQTT_TOPIC_PREFIX = 'camnet/v1/stations';
export const MQTT_MAX_PAYLOAD_BYTES = 16 * 1024;
const CODE = /^[A-Z0-9-]{1,64}$/;
const MAX_CAMERAS = 64;

export interface StatusMessage {
  kind: 'status';
  station: string;
  online: boolean;
  ts: string | null;
}
export interface HeartbeatMessage {
  kind: 'heartbeat';
  station: string;
  ts: string;
  uptimeS: number | null;
  power: 'grid' | 'battery';
  tempC: number | null;
  cameras: { code: string; online: boolean; headingDeg: number | null }[];
}
export interface OrientationMessage {
  kind: 'orientation';
  station: string;
  ts: string;
  camera: string;
  headingDeg: number;
  pan: number | null;
  tilt: number | null;
}
export type StationMessage = StatusMessage | HeartbeatMessage | OrientationMessage;

export type ParseOutcome = { ok: true; message: StationMessage } | { ok: false; reason: MqttDropReason; detail: string };

const fail = (reason: MqttDropReason, detail: string): ParseOutcome => ({ ok: false, reason, detail });
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The station code and message kind of a topic, or null when it is not one of ours. */
export function parseTopic(topic: string): { station: string; kind: StationMessage['kind'] } | null {
  const parts = topic.split('/');
  if (parts.length !== 5 || `${parts[0]}/${parts[1]}/${parts[2]}` !== MQTT_TOPIC_PREFIX) return null;
  const [, , , station, kind] = parts;
  if (!CODE.test(station)) return null;
  if (kind !== 'status' && kind !== 'heartbeat' && kind !== 'orientation') return null;
  return { station, kind };
}

function isTimestamp(v: unknown): v is string {
  return typeof v === 'string' && v.length <= 40 && !Number.isNaN(Date.parse(v));
}
function isNum(v: unknown, min = -Infinity, max = Infinity): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
}
function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseStationMessage(topic: string, payload: Uint8Array): ParseOutcome {
  const t = parseTopic(topic);
  if (t === null) return fail('bad_topic', `unexpected topic ${topic.slice(0, 120)}`);
  if (payload.byteLength > MQTT_MAX_PAYLOAD_BYTES) return fail('too_large', `${payload.byteLength} bytes on ${topic} (limit ${MQTT_MAX_PAYLOAD_BYTES})`);
  let text: string;
  try {
    text = utf8.decode(payload);
  } catch {
    return fail('not_utf8', `payload on ${topic} is not UTF-8`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return fail('not_json', `payload on ${topic} is not JSON: ${JSON.stringify(text.slice(0, 60))}`);
  }
  if (!isObject(body)) return fail('schema', `payload on ${topic} is not a JSON object`);
  const bad = (what: string) => fail('schema', `${t.kind} from ${t.station}: ${what}`);

  switch (t.kind) {
    case 'status': {
      if (typeof body.online !== 'boolean') return bad('"online" must be true or false');
      if (body.ts !== undefined && !isTimestamp(body.ts)) return bad('"ts" must be an ISO 8601 time');
      return { ok: true, message: { kind: 'status', station: t.station, online: body.online, ts: (body.ts as string | undefined) ?? null } };
    }
    case 'heartbeat': {
      if (!isTimestamp(body.ts)) return bad('"ts" must be an ISO 8601 time');
      if (body.uptime_s !== undefined && !isNum(body.uptime_s, 0)) return bad('"uptime_s" must be a number ≥ 0');
      if (body.power !== 'grid' && body.power !== 'battery') return bad('"power" must be "grid" or "battery"');
      if (body.temp_c !== undefined && body.temp_c !== null && !isNum(body.temp_c, -100, 200)) return bad('"temp_c" must be a number');
      if (!Array.isArray(body.cameras) || body.cameras.length > MAX_CAMERAS) return bad(`"cameras" must be an array of at most ${MAX_CAMERAS}`);
      const cameras: HeartbeatMessage['cameras'] = [];
      for (const c of body.cameras) {
        if (!isObject(c) || typeof c.code !== 'string' || !CODE.test(c.code)) return bad('each camera needs a "code" of A-Z, 0-9 and "-"');
        if (typeof c.online !== 'boolean') return bad(`camera ${c.code}: "online" must be true or false`);
        if (c.heading_deg !== undefined && c.heading_deg !== null && !isNum(c.heading_deg, 0, 360))
          return bad(`camera ${c.code}: "heading_deg" must be in [0, 360]`);
        cameras.push({ code: c.code, online: c.online, headingDeg: (c.heading_deg as number | null | undefined) ?? null });
      }
      return {
        ok: true,
        message: {
          kind: 'heartbeat',
          station: t.station,
          ts: body.ts,
          uptimeS: (body.uptime_s as number | undefined) ?? null,
          power: body.power,
          tempC: (body.temp_c as number | null | undefined) ?? null,
          cameras,
        },
      };
    }
    case 'orientation': {
      if (!isTimestamp(body.ts)) return bad('"ts" must be an ISO 8601 time');
      if (typeof body.camera !== 'string' || !CODE.test(body.camera)) return bad('"camera" must be a camera code');
      if (!isNum(body.heading_deg, 0, 360)) return bad('"heading_deg" must be a number in [0, 360]');
      if (body.pan !== undefined && !isNum(body.pan, -1, 1)) return bad('"pan" must be a number in [-1, 1]');
      if (body.tilt !== undefined && !isNum(body.tilt, -1, 1)) return bad('"tilt" must be a number in [-1, 1]');
      return {
        ok: true,
        message: {
          kind: 'orientation',
          station: t.station,
          ts: body.ts,
          camera: body.camera,
          headingDeg: body.heading_deg,
          pan: (body.pan as number | undefined) ?? null,
          tilt: (body.tilt as number | undefined) ?? null,
        },
      };
    }
  }
}
