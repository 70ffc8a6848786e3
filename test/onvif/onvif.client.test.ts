/**
 * The lean ONVIF client against every capture folder, replayed on 127.0.0.1, and against
 * injected faults. Expected values are copied by hand from the capture files.
 */
import * as fs from 'node:fs';
import { ManualClock } from '../../src/common/clock';
import { OnvifClient } from '../../src/monitoring/onvif/onvif.client';
import { OnvifError, type OnvifErrorKind, type OnvifTarget } from '../../src/monitoring/onvif/onvif.types';
import { closedPort, FIXTURES, startReplay, type ReplayFault, type ReplayServer } from './replay-server';

interface Expect {
  gsdtUtc?: string;
  device?: Record<string, string>;
  ptz?: { pan: number; tilt: number; zoom: number };
  profiles?: string[];
  capabilities?: Record<string, string>; // key → path
  services?: Record<string, string>; // namespace → path
  faults?: Record<string, OnvifErrorKind>;
}

const CASES: Record<string, Expect> = {
  'agsh-onvif-mockup-encoder': {
    capabilities: { Device: '/onvif/device_service', Events: '/onvif/event_service' },
  },
  'agsh-onvif-mockup-hikvision-style': {},
  'agsh-onvif-mockup-ti-ipnc': {
    gsdtUtc: '2014-12-24T19:14:37Z',
    device: { manufacturer: 'Mockup Manufacturer', model: 'Mockup Model', firmware: 'Mockup_15_14_13', serial: '00000000', hardwareId: 'MOCKUP' },
    ptz: { pan: -0.864665985, tilt: 0.267444015, zoom: 0.211861998 },
    profiles: ['main'],
    capabilities: { PTZ: '/onvif/services', Media: '/onvif/services' },
    services: { 'http://www.onvif.org/ver20/ptz/wsdl': '/onvif/services' },
  },
  'axis-m2025le-fixed': {
    device: { manufacturer: 'AXIS', model: 'M2025-LE', firmware: '9.80.3.13', serial: 'B8A44F26437D', hardwareId: '727' },
    profiles: ['profile_1_h264', 'profile_1_jpeg'],
    services: { 'http://www.onvif.org/ver10/media/wsdl': '/onvif/services', 'http://www.onvif.org/ver10/device/wsdl': '/onvif/device_service' },
  },
  'axis-q6045e-ptz': {
    gsdtUtc: '2018-02-27T23:09:59Z',
    device: { manufacturer: 'AXIS', model: 'AXIS Q6045-E', firmware: '5.55.1.2', serial: '00408CFAB754', hardwareId: '1C9.2' },
    ptz: { pan: -0.387339115, tilt: 0.933800578, zoom: 0 },
    profiles: ['profile_1_h264', 'profile_1_jpeg'],
    capabilities: { PTZ: '/onvif/services', Media: '/onvif/services', Device: '/onvif/device_service' },
    faults: { 'Fault-NotAuthorized.xml': 'auth', 'Fault-AudioNotSupported.xml': 'soap_fault', 'Fault-GetServices-ActionFailed.xml': 'soap_fault' },
  },
  'dahua-style-unknown-model': {
    profiles: ['MediaProfile00000', 'MediaProfile00001'],
  },
  'dlink-dcs6511-fixed': {
    gsdtUtc: '2023-03-07T16:14:53Z',
    device: { manufacturer: 'D-Link Corporation', model: 'DCS-6511', firmware: '1.16.00', serial: 'F07D68099FCA', hardwareId: 'F07D68099FCA' },
    profiles: ['Profile1', 'Profile2'],
    capabilities: { Media: '/onvif/device_service' },
  },
  'emulator-happytimesoft': {
    gsdtUtc: '2023-03-02T19:24:42Z',
    device: { manufacturer: 'Happytimesoft', model: 'IPCamera', firmware: '2.4', serial: '123456', hardwareId: '1.0' },
    ptz: { pan: 0, tilt: 0, zoom: 0 },
  },
  'generic-ipnc-ipg8150pss-ptz': {
    gsdtUtc: '2024-02-20T13:13:01Z',
    device: {
      manufacturer: 'ONVIF_IPNC',
      model: 'IPG-8150PSS',
      firmware: '1.3.0-20210203CN-PT',
      serial: 'I207215E7840DFDA9877E8B',
      hardwareId: '8FE1887A-72EE-403f-9385-5a58aed534cf',
    },
    ptz: { pan: 0, tilt: 0, zoom: 0 },
    profiles: ['PROFILE_000', 'PROFILE_001'],
    capabilities: { PTZ: '/onvif/ptz_service', Media: '/onvif/media_service' },
    services: { 'http://www.onvif.org/ver20/ptz/wsdl': '/onvif/ptz_service', 'http://www.onvif.org/ver20/media/wsdl': '/onvif/media2_service' },
    faults: { 'Fault-ActionNotSupported.xml': 'soap_fault' },
  },
  'hikvision-ds2cd2012-fixed': {
    gsdtUtc: '2018-02-27T18:34:41Z',
    device: {
      manufacturer: 'HIKVISION',
      model: 'DS-2CD2012-I',
      firmware: 'V5.2.0 build 140721',
      serial: 'DS-2CD2012-I20150201CCWR501088621',
      hardwareId: '88',
    },
    profiles: ['Profile_1', 'Profile_2'],
    capabilities: { Media: '/onvif/Media' },
    services: { 'http://www.onvif.org/ver10/media/wsdl': '/onvif/Media' },
    faults: { 'Fault-Reveiver-typo.xml': 'soap_fault' },
  },
  'hikvision-ds2df7276-ptz': {
    gsdtUtc: '2018-02-27T18:28:01Z',
    device: {
      manufacturer: 'HIKVISION',
      model: 'DS-2DF7276-AEL',
      firmware: 'V5.1.6 build 140401',
      serial: 'DS-2DF7276-AEL20140613CCWR468714298B',
      hardwareId: '88',
    },
    ptz: { pan: 0.333167, tilt: -0.682, zoom: 0 },
    profiles: ['Profile_1', 'Profile_2', 'Profile_3'],
    capabilities: { PTZ: '/onvif/PTZ', Media: '/onvif/Media' },
    services: { 'http://www.onvif.org/ver20/ptz/wsdl': '/onvif/PTZ' },
    faults: { 'Fault-ActionNotSupported.xml': 'soap_fault' },
  },
  'milesight-ms-c8165-pe': {
    device: { manufacturer: 'Milesight Technology Co.,Ltd.', model: 'MS-C8165-PE', firmware: '61.8.0.3-r8', serial: 'EM82V102329001403', hardwareId: 'V1.0' },
  },
  'pelco-d6230l-ptz': {
    gsdtUtc: '2018-02-27T18:10:11Z',
    device: { manufacturer: 'Pelco', model: 'D6230L', firmware: '2.9.0.4.9340-A0.0', serial: 'J250117', hardwareId: '00:04:7d:0e:b8:5c' },
    ptz: { pan: -0.39, tilt: 0.81, zoom: 0 },
    profiles: ['0', '1'],
    capabilities: { PTZ: '/onvif/ptz_service', Media: '/onvif/media_service' },
    services: { 'http://www.onvif.org/ver20/ptz/wsdl': '/onvif/ptz_service' },
  },
  'synthetic-negative': {
    faults: { 'Fault-agsh-handwritten-malformed.xml': 'malformed' },
  },
};

const USER = 'admin';
const PASSWORD = 'pa$$wörd';

async function kindOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    if (!(e instanceof OnvifError)) throw e;
    return e.kind;
  }
}

const signal = (): AbortSignal => new AbortController().signal;

it('has a case for every capture folder', () => {
  const dirs = fs
    .readdirSync(FIXTURES, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
  expect(Object.keys(CASES).sort()).toEqual(dirs.sort());
});

describe.each(Object.entries(CASES))('%s', (device, exp) => {
  let server: ReplayServer;
  let target: OnvifTarget;
  let client: OnvifClient;
  const clock = new ManualClock(0);

  beforeAll(async () => {
    server = await startReplay({ device, user: USER, password: PASSWORD });
    target = { url: server.url(), user: USER, password: PASSWORD };
  });
  afterAll(async () => {
    client?.close();
    await server.close();
  });
  beforeEach(() => {
    client = new OnvifClient({ clock });
    server.opts.overrides = {};
  });
  afterEach(() => client.close());

  if (exp.gsdtUtc) {
    const utc = Date.parse(exp.gsdtUtc);
    it('answers GetSystemDateAndTime: alive, with the clock offset against the capture time', async () => {
      clock.set(utc + 30_000); // our clock 30 s ahead of the device's
      const r = await client.getSystemDateAndTime(target, signal());
      expect(r.deviceTime?.toISOString()).toBe(new Date(utc).toISOString());
      expect(r.localOnly).toBe(false);
      expect(r.offsetS).toBe(-29.5); // −30 s, +0.5 s for the device's truncation to whole seconds
      expect(client.clockOffsetMs(target.url)).toBe(-29_500);
      const req = server.requests[server.requests.length - 1];
      expect(req.action).toBe('GetSystemDateAndTime');
      expect(req.body).not.toContain('Security');
      expect(req.contentType).toContain('action="http://www.onvif.org/ver10/device/wsdl/GetSystemDateAndTime"');
    });
  } else {
    it('GetSystemDateAndTime without a capture: the device answers, so it is classified, not a crash', async () => {
      await expect(kindOf(client.getSystemDateAndTime(target, signal()))).resolves.toBe('soap_fault');
    });
  }

  if (exp.device) {
    it('GetDeviceInformation, authenticated, keeps every field a string', async () => {
      const info = await client.getDeviceInformation(target, signal());
      expect(info).toEqual(exp.device);
      const req = server.requests[server.requests.length - 1];
      expect(req.body).toContain('<wsse:Username>admin</wsse:Username>');
    });

    it('GetDeviceInformation with a wrong password is an auth failure', async () => {
      await expect(kindOf(client.getDeviceInformation({ ...target, password: 'wrong' }, signal()))).resolves.toBe('auth');
    });
  }

  if (exp.ptz) {
    it('PTZ GetStatus gives the generic position', async () => {
      const st = await client.getPtzStatus({ ...target, ptzXaddr: 'http://10.99.99.99:8000/onvif/ptz' }, 'Profile_1', signal());
      expect({ pan: st.pan, tilt: st.tilt, zoom: st.zoom }).toEqual(exp.ptz);
      const req = server.requests[server.requests.length - 1];
      // The device-reported address was rebased onto the configured host (else no reply at all).
      expect(req.path).toBe('/onvif/ptz');
      expect(req.body).toContain('<ProfileToken>Profile_1</ProfileToken>');
    });
  }

  if (exp.profiles) {
    it('GetProfiles tokens stay strings', async () => {
      const profiles = await client.getProfiles(target, 'http://192.0.2.1/onvif/Media', signal());
      expect(profiles.map((p) => p.token)).toEqual(exp.profiles);
    });
  }

  if (exp.capabilities) {
    it('GetCapabilities XAddrs are rebased onto the configured host and port', async () => {
      const caps = await client.getCapabilities(target, signal());
      for (const v of Object.values(caps)) expect(v.startsWith(`http://127.0.0.1:${server.port}/`)).toBe(true);
      for (const [k, p] of Object.entries(exp.capabilities!)) expect(caps[k]).toBe(`http://127.0.0.1:${server.port}${p}`);
    });
  }

  if (exp.services) {
    it('GetServices XAddrs are rebased onto the configured host and port', async () => {
      const services = await client.getServices(target, signal());
      for (const s of services) expect(s.xaddr.startsWith(`http://127.0.0.1:${server.port}/`)).toBe(true);
      for (const [ns, p] of Object.entries(exp.services!)) {
        expect(services.find((s) => s.namespace === ns)?.xaddr).toBe(`http://127.0.0.1:${server.port}${p}`);
      }
    });
  }

  for (const [file, kind] of Object.entries(exp.faults ?? {})) {
    it(`${file} is classified as ${kind}`, async () => {
      server.opts.overrides = { GetDeviceInformation: fs.readFileSync(`${FIXTURES}/${device}/${file}`, 'utf8') };
      const e = await client.getDeviceInformation(target, signal()).then(
        () => null,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(OnvifError);
      expect((e as OnvifError).kind).toBe(kind);
      expect((e as OnvifError).message).toMatch(/GetDeviceInformation/);
    });
  }
});

describe('WS-Security uses the refreshed device clock', () => {
  const deviceUtc = Date.parse('2018-02-27T18:28:01Z');
  let server: ReplayServer;
  let client: OnvifClient;
  beforeAll(async () => {
    server = await startReplay({ device: 'hikvision-ds2df7276-ptz', user: USER, password: PASSWORD, deviceTimeMs: deviceUtc });
  });
  afterAll(() => server.close());
  afterEach(() => client.close());

  it('is refused with our own clock, accepted once GetSystemDateAndTime measured the offset', async () => {
    const clock = new ManualClock(Date.parse('2026-06-01T00:00:00Z'));
    client = new OnvifClient({ clock });
    const target = { url: server.url(), user: USER, password: PASSWORD };
    await expect(kindOf(client.getDeviceInformation(target, signal()))).resolves.toBe('auth');
    await client.getSystemDateAndTime(target, signal());
    await expect(client.getDeviceInformation(target, signal())).resolves.toMatchObject({ model: 'DS-2DF7276-AEL' });
    const created = /<wsu:Created>([^<]+)</.exec(server.requests[server.requests.length - 1].body)![1];
    expect(Math.abs(Date.parse(created) - deviceUtc)).toBeLessThan(1000);
  });
});

describe('GetSystemDateAndTime on devices that want credentials for it', () => {
  let server: ReplayServer;
  let client: OnvifClient;
  beforeAll(async () => {
    server = await startReplay({ device: 'axis-q6045e-ptz', user: USER, password: PASSWORD, openActions: [] });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    client = new OnvifClient();
  });
  afterEach(() => client.close());

  it('retries with WS-Security after NotAuthorized', async () => {
    const before = server.count('GetSystemDateAndTime');
    const r = await client.getSystemDateAndTime({ url: server.url(), user: USER, password: PASSWORD }, signal());
    expect(r.deviceTime?.toISOString()).toBe('2018-02-27T23:09:59.000Z');
    expect(server.count('GetSystemDateAndTime') - before).toBe(2);
  });

  it('without credentials, reports auth (the device is alive but wants them)', async () => {
    await expect(kindOf(client.getSystemDateAndTime({ url: server.url(), user: null, password: null }, signal()))).resolves.toBe('auth');
  });
});

describe('LocalDateTime only', () => {
  it('gives an unknown offset instead of reading local time as UTC', async () => {
    const server = await startReplay({
      device: 'dlink-dcs6511-fixed',
      overrides: {
        GetSystemDateAndTime:
          '<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:tt="http://www.onvif.org/ver10/schema"><s:Body>' +
          '<tds:GetSystemDateAndTimeResponse xmlns:tds="http://www.onvif.org/ver10/device/wsdl"><tds:SystemDateAndTime><tt:DateTimeType>Manual</tt:DateTimeType>' +
          '<tt:LocalDateTime><tt:Time><tt:Hour>11</tt:Hour><tt:Minute>14</tt:Minute><tt:Second>53</tt:Second></tt:Time>' +
          '<tt:Date><tt:Year>2023</tt:Year><tt:Month>3</tt:Month><tt:Day>7</tt:Day></tt:Date></tt:LocalDateTime>' +
          '</tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse></s:Body></s:Envelope>',
      },
    });
    const client = new OnvifClient();
    try {
      const r = await client.getSystemDateAndTime({ url: server.url(), user: null, password: null }, signal());
      expect(r).toEqual({ deviceTime: null, offsetS: null, localOnly: true });
      expect(client.clockOffsetMs(server.url())).toBe(0);
    } finally {
      client.close();
      await server.close();
    }
  });
});

describe('fault injection', () => {
  let server: ReplayServer;
  let client: OnvifClient;
  let target: OnvifTarget;
  beforeAll(async () => {
    server = await startReplay({ device: 'hikvision-ds2df7276-ptz', user: USER, password: PASSWORD });
    target = { url: server.url(), user: USER, password: PASSWORD };
  });
  afterAll(() => server.close());
  beforeEach(() => {
    client = new OnvifClient({ maxReplyBytes: 256 * 1024 });
    server.fault = null;
  });
  afterEach(() => client.close());

  it.each<[ReplayFault, OnvifErrorKind]>([
    ['not_authorized', 'auth'],
    ['html401', 'auth'],
    ['http500', 'http_status'],
    ['http404', 'http_status'],
    ['truncated', 'malformed'],
    ['truncated_eof', 'malformed'],
    ['oversized', 'too_large'],
    ['oversized_declared', 'too_large'],
    ['malformed', 'malformed'],
  ])('%s → %s', async (fault, kind) => {
    server.fault = fault;
    const e = await client.getDeviceInformation(target, signal()).then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(OnvifError);
    expect((e as OnvifError).kind).toBe(kind);
    expect((e as OnvifError).message).toMatch(new RegExp(`GetDeviceInformation: .*127\\.0\\.0\\.1:${server.port}`));
  });

  it('a hanging device → timeout when the caller aborts (no timer of its own)', async () => {
    server.fault = 'hang';
    const ac = new AbortController();
    const t = setTimeout(() => ac.abort(), 150);
    try {
      const started = Date.now();
      await expect(kindOf(client.getSystemDateAndTime(target, ac.signal))).resolves.toBe('timeout');
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      clearTimeout(t);
    }
  });

  it('an already aborted signal → timeout without a request', async () => {
    const before = server.requests.length;
    await expect(kindOf(client.getSystemDateAndTime(target, AbortSignal.abort()))).resolves.toBe('timeout');
    expect(server.requests.length).toBe(before);
  });

  it('a closed port → refused', async () => {
    const port = await closedPort();
    await expect(kindOf(client.getSystemDateAndTime({ ...target, url: `http://127.0.0.1:${port}/onvif/device_service` }, signal()))).resolves.toBe('refused');
  });

  it('HTTP Digest: 401 challenge, then success with the right digest; the nonce is reused after', async () => {
    server.fault = 'digest';
    const before = server.count('GetDeviceInformation');
    await expect(client.getDeviceInformation(target, signal())).resolves.toMatchObject({ serial: 'DS-2DF7276-AEL20140613CCWR468714298B' });
    expect(server.count('GetDeviceInformation') - before).toBe(2);
    await expect(client.getDeviceInformation(target, signal())).resolves.toMatchObject({ hardwareId: '88' });
    expect(server.count('GetDeviceInformation') - before).toBe(3);
    const last = server.requests[server.requests.length - 1].authorization!;
    expect(last).toMatch(/nc=00000002/);
    expect(last).toMatch(/algorithm=MD5/);
  });

  it('HTTP Digest with a wrong password → auth', async () => {
    server.fault = 'digest';
    await expect(kindOf(client.getDeviceInformation({ ...target, password: 'nope' }, signal()))).resolves.toBe('auth');
  });

  it('keeps connections alive across requests', async () => {
    const sockets = new Set<unknown>();
    const onConn = (s: unknown): void => void sockets.add(s);
    // Count new TCP connections the server accepts during 20 sequential calls.
    const srv = (server as unknown as { server: import('node:http').Server }).server;
    srv.on('connection', onConn);
    try {
      for (let i = 0; i < 20; i++) await client.getSystemDateAndTime(target, signal());
    } finally {
      srv.off('connection', onConn);
    }
    expect(sockets.size).toBe(1);
  });
});
