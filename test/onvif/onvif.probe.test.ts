/** The ONVIF probe end to end against replayed captures: never throws, every outcome classified. */
import { ManualClock } from '../../src/common/clock';
import { OnvifClient } from '../../src/monitoring/onvif/onvif.client';
import { OnvifProbe } from '../../src/monitoring/onvif/onvif.probe';
import type { ProbeTarget } from '../../src/monitoring/onvif/onvif.types';
import { closedPort, startReplay, type ReplayServer } from './replay-server';

const USER = 'admin';
const PASSWORD = 'secret';
const HIK_UTC = Date.parse('2018-02-27T18:28:01Z');

const ptzStatus = (position: string): string =>
  '<?xml version="1.0"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:tt="http://www.onvif.org/ver10/schema">' +
  '<env:Body><tptz:GetStatusResponse xmlns:tptz="http://www.onvif.org/ver20/ptz/wsdl"><tptz:PTZStatus>' +
  position +
  '<tt:UtcTime>2024-01-01T00:00:00Z</tt:UtcTime></tptz:PTZStatus></tptz:GetStatusResponse></env:Body></env:Envelope>';

describe('OnvifProbe.check', () => {
  let server: ReplayServer;
  let client: OnvifClient;
  let probe: OnvifProbe;
  let target: ProbeTarget;
  const clock = new ManualClock(HIK_UTC - 120_000); // our clock 2 min behind the device

  beforeAll(async () => {
    server = await startReplay({ device: 'hikvision-ds2df7276-ptz', user: USER, password: PASSWORD, deviceTimeMs: HIK_UTC });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    client = new OnvifClient({ clock });
    probe = new OnvifProbe(client);
    server.fault = null;
    server.opts.overrides = {};
    target = {
      url: server.url(),
      user: USER,
      password: PASSWORD,
      ptzXaddr: 'http://10.10.1.60/onvif/PTZ',
      profileToken: 'Profile_1',
      headingDeg: 90,
      ptz: true,
      needDeviceInfo: true,
    };
  });
  afterEach(() => client.close());

  it('PTZ camera: clock offset, generic position, heading, device strings, in that order', async () => {
    const r = await probe.check(target, new AbortController().signal);
    expect(r).toMatchObject({
      ok: true,
      reachable: true,
      error: null,
      clockOffsetS: 120.5,
      ptz: { pan: 0.333167, tilt: -0.682, zoom: 0 },
      device: { manufacturer: 'HIKVISION', model: 'DS-2DF7276-AEL', firmware: 'V5.1.6 build 140401', hardwareId: '88' },
      warnings: [],
    });
    expect(r.headingDeg).toBeCloseTo(90 + 0.333167 * 180, 6);
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
    expect(server.requests.slice(-3).map((q) => q.action)).toEqual(['GetSystemDateAndTime', 'GetStatus', 'GetDeviceInformation']);
    expect(server.requests[server.requests.length - 2].path).toBe('/onvif/PTZ');
  });

  it('fixed camera without device info: one request only', async () => {
    const before = server.requests.length;
    const r = await probe.check({ ...target, ptz: false, needDeviceInfo: false }, new AbortController().signal);
    expect(r).toMatchObject({ ok: true, reachable: true, ptz: null, device: null, headingDeg: null });
    expect(server.requests.length - before).toBe(1);
  });

  it('raw PTZ units (32768/32768/12644, no space) give nulls and a warning, never numbers', async () => {
    server.opts.overrides = { GetStatus: ptzStatus('<tt:Position><tt:PanTilt x="32768" y="32768"/><tt:Zoom x="12644"/></tt:Position>') };
    const r = await probe.check(target, new AbortController().signal);
    expect(r).toMatchObject({ ok: true, ptz: { pan: null, tilt: null, zoom: null }, headingDeg: null });
    expect(r.warnings.join()).toMatch(/generic/);
  });

  it('no Position at all gives nulls, not zeros', async () => {
    server.opts.overrides = { GetStatus: ptzStatus('') };
    const r = await probe.check(target, new AbortController().signal);
    expect(r.ptz).toEqual({ pan: null, tilt: null, zoom: null });
  });

  it('bad credentials: reachable, not ok, auth; every later failure kept as a warning', async () => {
    const r = await probe.check({ ...target, password: 'wrong' }, new AbortController().signal);
    expect(r).toMatchObject({ ok: false, reachable: true, error: { kind: 'auth' }, clockOffsetS: 120.5 });
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/^auth: GetDeviceInformation/);
  });

  it.each([
    ['http500', 'http_status', true],
    ['malformed', 'malformed', true],
    ['oversized', 'too_large', true],
    ['not_authorized', 'auth', true],
  ] as const)('device fault %s → %s, reachable=%s', async (fault, kind, reachable) => {
    server.fault = fault;
    const r = await probe.check(target, new AbortController().signal);
    expect(r).toMatchObject({ ok: false, reachable, error: { kind } });
  });

  it('a hanging device → timeout, unreachable, after the caller aborts', async () => {
    server.fault = 'hang';
    const ac = new AbortController();
    const t = setTimeout(() => ac.abort(), 100);
    try {
      const r = await probe.check(target, ac.signal);
      expect(r).toMatchObject({ ok: false, reachable: false, error: { kind: 'timeout' } });
    } finally {
      clearTimeout(t);
    }
  });

  it('closed port → refused; an invalid URL → refused; never throws', async () => {
    const port = await closedPort();
    await expect(probe.check({ ...target, url: `http://127.0.0.1:${port}/onvif/device_service` }, new AbortController().signal)).resolves.toMatchObject({
      ok: false,
      reachable: false,
      error: { kind: 'refused' },
    });
    await expect(probe.check({ ...target, url: 'not a url' }, new AbortController().signal)).resolves.toMatchObject({
      ok: false,
      error: { kind: 'refused' },
    });
  });

  it('PTZ camera without a profile token: liveness still checked, warning says why', async () => {
    const r = await probe.check({ ...target, profileToken: undefined, needDeviceInfo: false }, new AbortController().signal);
    expect(r).toMatchObject({ ok: true, ptz: null });
    expect(r.warnings.join()).toMatch(/profile token/);
  });
});
