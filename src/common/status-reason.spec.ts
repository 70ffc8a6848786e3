import { cameraReason, effectiveLastError, stationReason, type CameraReasonInput } from './status-reason';

const base: CameraReasonInput = {
  status: 'offline',
  cause: 'unreachable',
  lastError: null,
  clockOffsetS: null,
  headingDeg: null,
  registeredDeg: 90,
  stationCode: 'ST-0010',
};

describe('cameraReason', () => {
  it.each<[Partial<CameraReasonInput>, string, string]>([
    [{ lastError: { kind: 'timeout', message: 'no answer in 5000 ms' } }, 'offline_timeout', 'no answer: timeout: no answer in 5000 ms'],
    [{ lastError: { kind: 'refused', message: 'ECONNREFUSED' } }, 'offline_refused', 'connection refused: refused: ECONNREFUSED'],
    [{ cause: 'station_down', lastError: { kind: 'refused', message: 'ECONNRESET' } }, 'station_down', 'station ST-0010 down'],
    [{ status: 'degraded', cause: 'turned', headingDeg: 135.04 }, 'turned', 'heading 135° instead of the registered 90°'],
    [{ status: 'degraded', cause: 'clock_drift', clockOffsetS: 3600.4 }, 'clock_drift', 'camera clock off by 3600 s'],
    [
      { status: 'degraded', cause: 'auth_failed', lastError: { kind: 'auth', message: 'Sender not authorized' } },
      'auth_failed',
      'the camera refuses camnet’s credentials',
    ],
    [
      { status: 'degraded', cause: 'bad_reply', lastError: { kind: 'malformed', message: 'no Envelope' } },
      'bad_reply',
      'unusable reply: malformed: no Envelope',
    ],
    [{ status: 'degraded', cause: 'view_blocked' }, 'view_blocked', 'picture blocked (lens covered, sprayed or behind a branch)'],
    [{ status: 'degraded', cause: 'view_moved' }, 'view_moved', 'picture moved (the camera no longer shows its reference view)'],
    [{ status: 'maintenance', cause: 'window' }, 'maintenance', 'inside a maintenance window'],
    [{ status: 'unknown', cause: null }, 'never_checked', 'not checked yet'],
    [{ status: 'unknown', cause: null, monitored: false }, 'not_monitored', 'not monitored: no ONVIF address in the inventory'],
  ])('%j → %s', (patch, code, text) => {
    const r = cameraReason({ ...base, ...patch });
    expect(r?.code).toBe(code);
    expect(r?.text).toBe(text);
  });

  it('names a picture fault after what the device answered, never as an unusable reply', () => {
    const r = cameraReason({ ...base, status: 'degraded', cause: 'view_dark,clock_drift', clockOffsetS: 900 })!;
    expect(r.codes).toEqual(['clock_drift', 'view_dark']);
  });

  it('gives the station code of a camera behind a downed station', () => {
    expect(cameraReason({ ...base, cause: 'station_down' })?.station_code).toBe('ST-0010');
  });

  it('lists every issue of a degraded camera, the most serious first', () => {
    const r = cameraReason({ ...base, status: 'degraded', cause: 'clock_drift,turned', clockOffsetS: 900, headingDeg: 180 })!;
    expect(r.codes).toEqual(['clock_drift', 'turned']);
    expect(r.text).toBe('camera clock off by 900 s; heading 180° instead of the registered 90°');
  });

  it('is null for an online camera', () => {
    expect(cameraReason({ ...base, status: 'online', cause: null })).toBeNull();
  });
});

describe('effectiveLastError', () => {
  it('names the finding of a turned camera whose check had no error', () => {
    expect(effectiveLastError({ ...base, status: 'degraded', cause: 'turned', headingDeg: 10 })).toEqual({
      kind: 'turned',
      message: 'heading 10° instead of the registered 90°',
    });
  });
  it('keeps the check’s own error', () => {
    const e = { kind: 'timeout', message: 'x' };
    expect(effectiveLastError({ ...base, lastError: e })).toBe(e);
  });
  it('stays null for an online camera without error', () => {
    expect(effectiveLastError({ ...base, status: 'online', cause: null })).toBeNull();
  });
});

describe('stationReason', () => {
  it('tells a silent station from one whose Will fired', () => {
    expect(stationReason({ status: 'offline', lastEventReason: 'station silent: no heartbeat for 90 s' })?.code).toBe('station_silent');
    expect(stationReason({ status: 'offline', lastEventReason: 'station offline (MQTT Will or status)' })?.code).toBe('station_down');
    expect(stationReason({ status: 'online', lastEventReason: null })).toBeNull();
  });
});
