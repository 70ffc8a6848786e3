/**
 * Faults injected into the simulated fleet: what each kind means, how a control-API
 * body is validated into one, and the shared state the ONVIF device server and the
 * MQTT station agents both read (a fault takes effect on their very next action).
 */
import { EventEmitter } from 'node:events';
import { normalizeDeg, signedAngleDiffDeg } from '../geo/geo.math';
import type { Clock } from '../common/clock';
import type { SimDevice, SimStation } from './sim.types';

export const DEVICE_FAULT_KINDS = [
  'offline',
  'timeout',
  'slow',
  'flap',
  'turn',
  'auth',
  'clock_skew',
  'malformed',
  // what the camera's picture shows (its snapshot); the ONVIF answers stay healthy
  'cover',
  'blur',
  'dark',
  'freeze',
  'shift',
  'no_snapshot',
] as const;
export type DeviceFaultKind = (typeof DEVICE_FAULT_KINDS)[number];
export const STATION_FAULT_KINDS = ['down', 'battery'] as const;
export type StationFaultKind = (typeof STATION_FAULT_KINDS)[number];

export type DeviceFault =
  | { kind: 'offline' }
  | { kind: 'timeout' }
  | { kind: 'slow'; delay_ms: number }
  /** period_s null: the device alternates down/up on every check (every GetSystemDateAndTime). */
  | { kind: 'flap'; period_s: number | null }
  /** heading_deg is where the camera now points; pan is the PTZ position that gives it (PTZ only). */
  | { kind: 'turn'; heading_deg: number; pan: number | null }
  | { kind: 'auth' }
  | { kind: 'clock_skew'; offset_s: number }
  | { kind: 'malformed' }
  /** A cover (tape, paint, a branch) over `share` of the picture, from the left. */
  | { kind: 'cover'; share: number }
  /** Defocus: a Gaussian blur of `sigma` pixels at 640 px wide. */
  | { kind: 'blur'; sigma: number }
  /** Failed IR or a lens cap: almost black. */
  | { kind: 'dark' }
  /** The picture stops changing: the last one served, again and again. */
  | { kind: 'freeze' }
  /** The picture slides by `degrees` (the camera knocked sideways, + clockwise), its ONVIF answers unchanged. */
  | { kind: 'shift'; degrees: number }
  /** GetSnapshotUri not supported. */
  | { kind: 'no_snapshot' };

export type StationFault = { kind: 'down' } | { kind: 'battery' };

/** Who set a fault: the chaos loop clears only its own. */
export type FaultOrigin = 'api' | 'chaos';

export interface ActiveFault<F> {
  fault: F;
  sinceMs: number;
  origin: FaultOrigin;
}

export interface DeviceState {
  device: SimDevice;
  station: StationState | null;
  /** null when healthy, so the hot path tests one field. */
  faults: Map<DeviceFaultKind, ActiveFault<DeviceFault>> | null;
  /** GetSystemDateAndTime requests seen while a per-check flap is active. */
  flapChecks: number;
}

export interface StationState {
  station: SimStation;
  faults: Map<StationFaultKind, ActiveFault<StationFault>> | null;
}

/** A control-API request the simulator refuses; status is the HTTP status to answer. */
export class SimRequestError extends Error {
  constructor(
    public readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const DEVICE_PARAMS: Record<DeviceFaultKind, string[]> = {
  offline: [],
  timeout: [],
  slow: ['delay_ms'],
  flap: ['period_s'],
  turn: ['heading_deg', 'pan'],
  auth: [],
  clock_skew: ['offset_s'],
  malformed: [],
  cover: ['share'],
  blur: ['sigma'],
  dark: [],
  freeze: [],
  shift: ['degrees'],
  no_snapshot: [],
};

function bad(message: string): SimRequestError {
  return new SimRequestError(400, message);
}

function asObject(input: unknown, exampleKind: string): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw bad(`the body must be a JSON object such as {"kind":"${exampleKind}"}`);
  }
  return input as Record<string, unknown>;
}

/** `value` as one of `kinds`; throws SimRequestError(400) naming them otherwise. */
export function parseKind<K extends string>(kinds: readonly K[], value: unknown): K {
  if (typeof value !== 'string' || !(kinds as readonly string[]).includes(value)) {
    throw bad(`kind must be one of ${kinds.join(', ')}, got ${JSON.stringify(value ?? null)}`);
  }
  return value as K;
}

function numberParam(o: Record<string, unknown>, name: string, min: number, max: number, integer: boolean): number | undefined {
  const v = o[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
    throw bad(`${name} must be ${integer ? 'an integer' : 'a number'} between ${min} and ${max}, got ${JSON.stringify(v)}`);
  }
  return v;
}

/**
 * The fleet's PTZ convention, shared with the monitoring side: generic pan x in
 * [-1, 1] spans ±180° around the registered heading, so pan 0 faces it.
 */
export function headingForPan(registeredDeg: number, pan: number): number {
  return normalizeDeg(registeredDeg + pan * 180);
}

export function panForHeading(registeredDeg: number, headingDeg: number): number {
  return signedAngleDiffDeg(registeredDeg, headingDeg) / 180;
}

/** Validates a control-API body into a fault for this device; throws SimRequestError(400). */
export function parseDeviceFault(input: unknown, device: SimDevice): DeviceFault {
  const o = asObject(input, 'offline');
  const k = parseKind(DEVICE_FAULT_KINDS, o.kind);
  const allowed = DEVICE_PARAMS[k];
  for (const key of Object.keys(o)) {
    if (key !== 'kind' && !allowed.includes(key)) {
      throw bad(`${k} takes ${allowed.length ? allowed.join(', ') : 'no parameters'}; unknown parameter "${key}"`);
    }
  }
  switch (k) {
    case 'slow':
      return { kind: k, delay_ms: numberParam(o, 'delay_ms', 0, 600_000, true) ?? 3000 };
    case 'flap':
      return { kind: k, period_s: numberParam(o, 'period_s', 0.1, 86_400, false) ?? null };
    case 'clock_skew':
      return { kind: k, offset_s: numberParam(o, 'offset_s', -31_536_000, 31_536_000, true) ?? 600 };
    case 'cover':
      return { kind: k, share: numberParam(o, 'share', 0.05, 1, false) ?? 1 };
    case 'blur':
      return { kind: k, sigma: numberParam(o, 'sigma', 0.5, 50, false) ?? 4 };
    case 'shift':
      return { kind: k, degrees: numberParam(o, 'degrees', -180, 180, false) ?? 15 };
    case 'turn': {
      const heading = numberParam(o, 'heading_deg', 0, 360, false);
      const pan = numberParam(o, 'pan', -1, 1, false);
      if (heading !== undefined && pan !== undefined) throw bad('turn takes heading_deg or pan, not both');
      if (pan !== undefined && !device.ptz) {
        throw bad(`${device.code} is a fixed camera and has no pan; give heading_deg instead`);
      }
      // Without a target, turn the camera well past the 20° tolerance.
      const headingDeg = pan !== undefined ? headingForPan(device.headingDeg, pan) : normalizeDeg(heading ?? device.headingDeg + 90);
      return {
        kind: k,
        heading_deg: Math.round(headingDeg * 1000) / 1000,
        pan: device.ptz ? (pan ?? panForHeading(device.headingDeg, headingDeg)) : null,
      };
    }
    default:
      return { kind: k } as DeviceFault;
  }
}

export function parseStationFault(input: unknown): StationFault {
  const o = asObject(input, 'down');
  const kind = parseKind(STATION_FAULT_KINDS, o.kind);
  const extra = Object.keys(o).find((key) => key !== 'kind');
  if (extra !== undefined) throw bad(`${kind} takes no parameters; unknown parameter "${extra}"`);
  return { kind };
}

export interface FleetStateEvents {
  device: [state: DeviceState];
  station: [state: StationState];
}

/**
 * The fleet's faults. Listeners hear every change ('device' / 'station') so held
 * requests are released and agents react at once rather than on their next tick.
 */
export class SimFleetState extends EventEmitter<FleetStateEvents> {
  readonly devices = new Map<string, DeviceState>();
  readonly stations = new Map<string, StationState>();

  constructor(
    devices: readonly SimDevice[],
    stations: readonly SimStation[],
    readonly clock: Clock,
  ) {
    super();
    this.setMaxListeners(0);
    for (const s of stations) this.stations.set(s.code, { station: s, faults: null });
    for (const d of devices) {
      if (this.devices.has(d.code)) throw new Error(`duplicate simulated device code ${d.code}`);
      const station = d.stationCode === null ? null : (this.stations.get(d.stationCode) ?? null);
      this.devices.set(d.code, { device: d, station, faults: null, flapChecks: 0 });
    }
  }

  device(code: string): DeviceState {
    const s = this.devices.get(code);
    if (s === undefined) throw new SimRequestError(404, `no simulated camera with code ${code}`);
    return s;
  }

  station(code: string): StationState {
    const s = this.stations.get(code);
    if (s === undefined) throw new SimRequestError(404, `no simulated station with code ${code}`);
    return s;
  }

  /** Sets (or replaces) one fault kind on a camera; other kinds stay. */
  setDeviceFault(code: string, fault: DeviceFault, origin: FaultOrigin = 'api'): DeviceState {
    const s = this.device(code);
    s.faults ??= new Map();
    s.faults.set(fault.kind, { fault, sinceMs: this.clock.now().getTime(), origin });
    if (fault.kind === 'flap') s.flapChecks = 0;
    this.emit('device', s);
    return s;
  }

  /** Clears one kind, or all of them when kind is omitted. */
  clearDeviceFaults(code: string, kind?: DeviceFaultKind): DeviceState {
    const s = this.device(code);
    if (kind === undefined) s.faults = null;
    else {
      s.faults?.delete(kind);
      if (s.faults?.size === 0) s.faults = null;
    }
    this.emit('device', s);
    return s;
  }

  setStationFault(code: string, fault: StationFault, origin: FaultOrigin = 'api'): StationState {
    const s = this.station(code);
    s.faults ??= new Map();
    s.faults.set(fault.kind, { fault, sinceMs: this.clock.now().getTime(), origin });
    this.emit('station', s);
    return s;
  }

  clearStationFaults(code: string, kind?: StationFaultKind): StationState {
    const s = this.station(code);
    if (kind === undefined) s.faults = null;
    else {
      s.faults?.delete(kind);
      if (s.faults?.size === 0) s.faults = null;
    }
    this.emit('station', s);
    return s;
  }
}

/** Whether a flapping device is in its "down" half right now (without counting a check). */
export function flapIsDown(s: DeviceState, active: ActiveFault<DeviceFault>, nowMs: number): boolean {
  const f = active.fault as { kind: 'flap'; period_s: number | null };
  if (f.period_s === null) return s.flapChecks % 2 === 1;
  return Math.floor((nowMs - active.sinceMs) / (f.period_s * 1000)) % 2 === 0;
}

/** Whether the camera answers ONVIF at all right now: what a station reports in its heartbeat. */
export function isDeviceReachable(s: DeviceState, nowMs: number): boolean {
  if (s.station?.faults?.has('down')) return false;
  const f = s.faults;
  if (f === null) return true;
  if (f.has('offline') || f.has('timeout')) return false;
  const flap = f.get('flap');
  return flap === undefined || !flapIsDown(s, flap, nowMs);
}

/** Where the camera points now: the turn fault's heading, else the registered one. */
export function currentHeading(s: DeviceState): number {
  const turn = s.faults?.get('turn')?.fault as { heading_deg: number } | undefined;
  return turn?.heading_deg ?? s.device.headingDeg;
}

export function currentPan(s: DeviceState): number {
  const turn = s.faults?.get('turn')?.fault as { pan: number | null } | undefined;
  return turn?.pan ?? 0;
}

function faultView<F extends { kind: string }>(a: ActiveFault<F>): Record<string, unknown> {
  return { ...a.fault, since: new Date(a.sinceMs).toISOString(), origin: a.origin };
}

export function deviceView(s: DeviceState, nowMs: number): Record<string, unknown> {
  const d = s.device;
  return {
    code: d.code,
    vendor: d.vendor,
    model: d.model,
    ptz: d.ptz,
    station: d.stationCode,
    heading_deg: d.headingDeg,
    current_heading_deg: currentHeading(s),
    onvif_path: `/onvif/${d.code}/device_service`,
    reachable: isDeviceReachable(s, nowMs),
    faults: s.faults === null ? [] : [...s.faults.values()].map(faultView),
    station_faults: s.station?.faults ? [...s.station.faults.values()].map(faultView) : [],
  };
}

export function stationView(s: StationState): Record<string, unknown> {
  return {
    code: s.station.code,
    cameras: s.station.cameraCodes,
    faults: s.faults === null ? [] : [...s.faults.values()].map(faultView),
  };
}
