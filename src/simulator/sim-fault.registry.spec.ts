import { ManualClock } from '../common/clock';
import {
  SimFleetState,
  SimRequestError,
  currentHeading,
  headingForPan,
  isDeviceReachable,
  panForHeading,
  parseDeviceFault,
  parseStationFault,
} from './sim-fault.registry';
import type { SimDevice } from './sim.types';

const ptz: SimDevice = {
  code: 'ST-0001-C1',
  user: 'admin',
  password: 'pw',
  vendor: 'Hikvision',
  model: null,
  ptz: true,
  headingDeg: 90,
  stationCode: 'ST-0001',
};
const fixed: SimDevice = { ...ptz, code: 'ST-0001-C2', ptz: false, headingDeg: 350 };

function rejects(fn: () => unknown, status: number, pattern: RegExp): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(SimRequestError);
  expect((err as SimRequestError).status).toBe(status);
  expect((err as SimRequestError).message).toMatch(pattern);
}

describe('parseDeviceFault', () => {
  it('fills documented defaults', () => {
    expect(parseDeviceFault({ kind: 'slow' }, ptz)).toEqual({ kind: 'slow', delay_ms: 3000 });
    expect(parseDeviceFault({ kind: 'clock_skew' }, ptz)).toEqual({ kind: 'clock_skew', offset_s: 600 });
    expect(parseDeviceFault({ kind: 'flap' }, ptz)).toEqual({ kind: 'flap', period_s: null });
    expect(parseDeviceFault({ kind: 'turn' }, fixed)).toEqual({ kind: 'turn', heading_deg: 80, pan: null });
  });

  it('maps heading and pan both ways for PTZ cameras', () => {
    expect(parseDeviceFault({ kind: 'turn', heading_deg: 180 }, ptz)).toEqual({ kind: 'turn', heading_deg: 180, pan: 0.5 });
    expect(parseDeviceFault({ kind: 'turn', pan: -0.5 }, ptz)).toEqual({ kind: 'turn', heading_deg: 0, pan: -0.5 });
    expect(headingForPan(350, 0.1)).toBeCloseTo(8);
    expect(panForHeading(350, 8)).toBeCloseTo(0.1);
  });

  it('refuses unknown kinds and bad or unknown parameters with a clear message', () => {
    rejects(() => parseDeviceFault({ kind: 'explode' }, ptz), 400, /kind must be one of offline, timeout/);
    rejects(() => parseDeviceFault('offline', ptz), 400, /JSON object/);
    rejects(() => parseDeviceFault({ kind: 'slow', delay_ms: 'long' }, ptz), 400, /delay_ms must be an integer/);
    rejects(() => parseDeviceFault({ kind: 'slow', delay_ms: -1 }, ptz), 400, /between 0 and 600000/);
    rejects(() => parseDeviceFault({ kind: 'offline', delay_ms: 5 }, ptz), 400, /unknown parameter "delay_ms"/);
    rejects(() => parseDeviceFault({ kind: 'turn', pan: 0.2 }, fixed), 400, /fixed camera/);
    rejects(() => parseDeviceFault({ kind: 'turn', pan: 0.2, heading_deg: 3 }, ptz), 400, /not both/);
    rejects(() => parseStationFault({ kind: 'offline' }), 400, /down, battery/);
  });
});

describe('SimFleetState', () => {
  it('tracks reachability, flapping per period and headings', () => {
    const clock = new ManualClock(Date.parse('2025-01-01T00:00:00Z'));
    const state = new SimFleetState([ptz, fixed], [{ code: 'ST-0001', cameraCodes: [ptz.code, fixed.code] }], clock);
    const s = state.device(ptz.code);
    const now = () => clock.now().getTime();
    expect(isDeviceReachable(s, now())).toBe(true);
    state.setDeviceFault(ptz.code, { kind: 'flap', period_s: 10 });
    expect(isDeviceReachable(s, now())).toBe(false);
    clock.advance(10_000);
    expect(isDeviceReachable(s, now())).toBe(true);
    clock.advance(10_000);
    expect(isDeviceReachable(s, now())).toBe(false);
    state.clearDeviceFaults(ptz.code);
    expect(isDeviceReachable(s, now())).toBe(true);
    state.setStationFault('ST-0001', { kind: 'down' });
    expect(isDeviceReachable(state.device(fixed.code), now())).toBe(false);
    state.setDeviceFault(fixed.code, parseDeviceFault({ kind: 'turn', heading_deg: 10 }, fixed));
    expect(currentHeading(state.device(fixed.code))).toBe(10);
    expect(() => state.device('NOPE')).toThrow(/no simulated camera/);
  });
});
