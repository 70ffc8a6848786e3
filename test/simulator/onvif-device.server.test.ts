/**
 * The simulated cameras over real HTTP on 127.0.0.1: every operation, WS-Security,
 * every fault kind and the control API's validation.
 */
import * as http from 'node:http';
import { randomBytes } from 'node:crypto';
import { Cam } from 'onvif';
import { OnvifDeviceServer } from '../../src/simulator/onvif-device.server';
import { passwordDigest } from '../../src/simulator/ws-security.verifier';
import type { SimDevice } from '../../src/simulator/sim.types';

// xml2js (the onvif package's parser) ships no types; it is only a well-formedness oracle here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parseStringPromise } = require('xml2js') as { parseStringPromise(xml: string, options?: object): Promise<any> };

const NS = {
  device: 'http://www.onvif.org/ver10/device/wsdl',
  media: 'http://www.onvif.org/ver10/media/wsdl',
  ptz: 'http://www.onvif.org/ver20/ptz/wsdl',
};

const dev = (code: string, vendor: SimDevice['vendor'], ptz: boolean, headingDeg: number, stationCode: string | null): SimDevice => ({
  code,
  user: 'admin',
  password: `pw-${code}`,
  vendor,
  model: null,
  ptz,
  headingDeg,
  stationCode,
});

const DEVICES: SimDevice[] = [
  dev('ST-0001-C1', 'Hikvision', true, 90, 'ST-0001'),
  dev('ST-0001-C2', 'Dahua', false, 180, 'ST-0001'),
  dev('ST-0001-C3', 'Axis', true, 0, 'ST-0001'),
  dev('ST-0002-C1', 'Pelco', true, 45, 'ST-0002'),
  dev('ST-0002-C2', 'D-Link', false, 270, 'ST-0002'),
  dev('PV-000001', 'Milesight', false, 120, null),
];
const byCode = new Map(DEVICES.map((d) => [d.code, d]));

interface Reply {
  status: number;
  body: string;
}

let server: OnvifDeviceServer;
const agent = new http.Agent({ keepAlive: true });

beforeAll(async () => {
  server = await OnvifDeviceServer.start({
    devices: DEVICES,
    stations: [
      { code: 'ST-0001', cameraCodes: ['ST-0001-C1', 'ST-0001-C2', 'ST-0001-C3'] },
      { code: 'ST-0002', cameraCodes: ['ST-0002-C1', 'ST-0002-C2'] },
    ],
    port: 0,
  });
});

afterAll(async () => {
  agent.destroy();
  await server.close();
});

afterEach(async () => {
  for (const d of DEVICES) await control('DELETE', `/sim/devices/${d.code}/faults`);
  for (const s of ['ST-0001', 'ST-0002']) await control('DELETE', `/sim/stations/${s}/faults`);
});

function request(method: string, path: string, body: string | null, contentType: string, timeoutMs = 5000): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path, method, agent, headers: { 'Content-Type': contentType } }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: data }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error('client timeout')));
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}

async function control(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const r = await request(method, path, body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body), 'application/json');
  return { status: r.status, json: JSON.parse(r.body) };
}

interface Auth {
  user?: string;
  password?: string;
  createdMs?: number;
}

function envelope(op: string, ns: string, inner: string, auth: Auth | null): string {
  let header = '';
  if (auth !== null) {
    const nonce = randomBytes(16);
    const created = new Date(auth.createdMs ?? Date.now()).toISOString();
    const digest = passwordDigest(nonce, created, auth.password ?? '');
    header =
      '<s:Header><wsse:Security s:mustUnderstand="1" xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" ' +
      'xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"><wsse:UsernameToken>' +
      `<wsse:Username>${auth.user ?? 'admin'}</wsse:Username>` +
      `<wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest">${digest}</wsse:Password>` +
      `<wsse:Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">${nonce.toString('base64')}</wsse:Nonce>` +
      `<wsu:Created>${created}</wsu:Created></wsse:UsernameToken></wsse:Security></s:Header>`;
  }
  return `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope">${header}<s:Body><${op} xmlns="${ns}">${inner}</${op}></s:Body></s:Envelope>`;
}

function soap(code: string, service: string, op: string, ns: string, auth: Auth | null, inner = '', timeoutMs = 5000): Promise<Reply> {
  return request('POST', `/onvif/${code}/${service}`, envelope(op, ns, inner, auth), 'application/soap+xml; charset=utf-8', timeoutMs);
}

const good = (code: string): Auth => ({ password: byCode.get(code)!.password });
const gsdt = (code: string) => soap(code, 'device_service', 'GetSystemDateAndTime', NS.device, null);

function utcFromGsdt(body: string): number {
  const n = (tag: string) => Number(body.split('UTCDateTime>')[1].match(new RegExp(`${tag}>(\\d+)<`))![1]);
  return Date.UTC(n('Year'), n('Month') - 1, n('Day'), n('Hour'), n('Minute'), n('Second'));
}

describe('ONVIF operations', () => {
  it.each(DEVICES.map((d) => [d.code, d.vendor]))('%s (%s) answers GetSystemDateAndTime without auth, with the current UTC time', async (code) => {
    const before = Date.now();
    const r = await gsdt(code);
    expect(r.status).toBe(200);
    await expect(parseStringPromise(r.body)).resolves.toBeDefined();
    expect(r.body).toContain('GetSystemDateAndTimeResponse');
    expect(Math.abs(utcFromGsdt(r.body) - before)).toBeLessThan(3000);
  });

  it('uses each vendor envelope prefix', async () => {
    expect((await gsdt('ST-0001-C1')).body).toContain('<env:Envelope');
    expect((await gsdt('ST-0001-C2')).body).toContain('<s:Envelope');
    expect((await gsdt('ST-0001-C3')).body).toContain('<SOAP-ENV:Envelope');
    // Pelco: UTC only, with a Region extension
    const pelco = (await gsdt('ST-0002-C1')).body;
    expect(pelco).not.toContain('LocalDateTime');
    expect(pelco).toContain('<tt:Region>');
  });

  it.each(DEVICES.map((d) => [d.code, d.vendor]))('%s (%s) answers every operation with good credentials', async (code) => {
    const d = byCode.get(code)!;
    const a = good(code);
    const caps = await soap(code, 'device_service', 'GetCapabilities', NS.device, null, '<Category>All</Category>');
    expect(caps.status).toBe(200);
    expect(caps.body).toContain(`/onvif/${code}/media_service</tt:XAddr>`);
    expect(caps.body.includes(`/onvif/${code}/ptz_service`)).toBe(d.ptz);
    // Addresses are the camera's own LAN address, as behind NAT: the client must rebase them.
    expect(caps.body).toMatch(/<tt:XAddr>http:\/\/192\.168\.\d+\.\d+\/onvif\//);

    const services = await soap(code, 'device_service', 'GetServices', NS.device, a, '<IncludeCapability>false</IncludeCapability>');
    if (d.vendor === 'Axis') {
      expect(services.status).toBe(500);
      expect(services.body).toContain('ter:Action<');
    } else {
      expect(services.status).toBe(200);
      expect(services.body).toContain(`/onvif/${code}/device_service`);
    }

    const info = await soap(code, 'device_service', 'GetDeviceInformation', NS.device, a);
    expect(info.status).toBe(200);
    const parsed = await parseStringPromise(info.body, { explicitArray: false, tagNameProcessors: [(n: string) => n.split(':').pop()!] });
    const resp = Object.values(parsed)[0] as any;
    const fields = resp.Body.GetDeviceInformationResponse;
    expect(Object.keys(fields).filter((k) => k !== '$')).toEqual(['Manufacturer', 'Model', 'FirmwareVersion', 'SerialNumber', 'HardwareId']);

    const profiles = await soap(code, 'media_service', 'GetProfiles', NS.media, a);
    expect(profiles.status).toBe(200);
    await expect(parseStringPromise(profiles.body)).resolves.toBeDefined();
    expect(profiles.body.includes('PTZConfiguration')).toBe(d.ptz);

    const status = await soap(code, 'ptz_service', 'GetStatus', NS.ptz, a, '<ProfileToken>x</ProfileToken>');
    if (d.ptz) {
      expect(status.status).toBe(200);
      expect(status.body).toContain('PositionGenericSpace');
      expect(status.body).toMatch(/<tt:PanTilt[^>]*x="0(\.0+)?"/);
    } else {
      expect(status.status).toBe(500);
      expect(status.body).toContain('ter:ActionNotSupported');
    }

    const stream = await soap(code, 'media_service', 'GetStreamUri', NS.media, a, '<ProfileToken>x</ProfileToken>');
    expect(stream.status).toBe(200);
    expect(stream.body).toMatch(/<tt:Uri>rtsp:\/\/192\.168\./);
    const snap = await soap(code, 'media_service', 'GetSnapshotUri', NS.media, a, '<ProfileToken>x</ProfileToken>');
    expect(snap.status).toBe(200);
    expect(snap.body).toMatch(/<tt:Uri>http:\/\/192\.168\./);
  });

  it('keeps numeric-looking device strings as written (firmware "5.55", serial with a leading zero)', async () => {
    const axis = await soap('ST-0001-C3', 'device_service', 'GetDeviceInformation', NS.device, good('ST-0001-C3'));
    expect(axis.body).toContain('<tds:FirmwareVersion>5.55</tds:FirmwareVersion>');
    const dahua = await soap('ST-0001-C2', 'device_service', 'GetDeviceInformation', NS.device, good('ST-0001-C2'));
    expect(dahua.body).toMatch(/<tds:SerialNumber>0123\d{9}<\/tds:SerialNumber>/);
  });

  it('answers an unknown operation with ActionNotSupported and an unknown camera with 404', async () => {
    const r = await soap('ST-0001-C1', 'device_service', 'GetHostname', NS.device, good('ST-0001-C1'));
    expect(r.status).toBe(500);
    expect(r.body).toContain('ter:ActionNotSupported');
    expect((await gsdt('ST-9999-C1')).status).toBe(404);
  });

  it.each(DEVICES.map((d) => [d.code, d.vendor]))('%s (%s) works with the onvif package (the reference client) behind "NAT"', async (code) => {
    const d = byCode.get(code)!;
    const cam = new Cam({
      hostname: '127.0.0.1',
      port: server.port,
      path: `/onvif/${d.code}/device_service`,
      username: d.user,
      password: d.password,
      autoconnect: false,
      preserveAddress: true,
      timeout: 5000,
    });
    const call = <T>(fn: (cb: any) => void) => new Promise<T>((resolve, reject) => fn((err: any, r: T) => (err ? reject(err) : resolve(r))));
    await call<Date>((cb) => cam.getSystemDateAndTime(cb));
    await call((cb) => cam.connect(cb as any));
    const info = await call<any>((cb) => cam.getDeviceInformation(cb));
    expect(typeof info.manufacturer).toBe('string');
    expect((cam as any).activeSource.profileToken).toBeDefined();
    if (d.ptz) {
      const status = await call<any>((cb) => cam.getStatus({}, cb));
      expect(status.position.x).toBe(0);
    }
  });
});

describe('WS-Security', () => {
  const code = 'ST-0002-C1';
  it('accepts the right digest and refuses a wrong password, a wrong user or no header with 400 NotAuthorized', async () => {
    expect((await soap(code, 'device_service', 'GetDeviceInformation', NS.device, good(code))).status).toBe(200);
    for (const auth of [{ password: 'wrong' }, { user: 'root', password: byCode.get(code)!.password }, null]) {
      const r = await soap(code, 'device_service', 'GetDeviceInformation', NS.device, auth);
      expect(r.status).toBe(400);
      expect(r.body).toMatch(/Sender<\/SOAP-ENV:Value>/);
      expect(r.body).toContain('ter:NotAuthorized');
    }
  });

  it("refuses a Created far from the device's clock", async () => {
    const r = await soap(code, 'device_service', 'GetDeviceInformation', NS.device, { ...good(code), createdMs: Date.now() - 3600_000 });
    expect(r.status).toBe(400);
  });
});

describe('faults', () => {
  const code = 'ST-0001-C1';

  it('offline: the connection drops without a response, and DELETE brings it back', async () => {
    expect((await control('POST', `/sim/devices/${code}/faults`, { kind: 'offline' })).status).toBe(201);
    await expect(gsdt(code)).rejects.toThrow(/socket hang up|ECONNRESET/);
    await control('DELETE', `/sim/devices/${code}/faults`);
    expect((await gsdt(code)).status).toBe(200);
  });

  it('timeout: never answers, and the held request is released when the fault clears', async () => {
    await control('POST', `/sim/devices/${code}/faults`, { kind: 'timeout' });
    await expect(soap(code, 'device_service', 'GetSystemDateAndTime', NS.device, null, '', 300)).rejects.toThrow(/client timeout/);
    let settledAt = 0;
    const pending = soap(code, 'device_service', 'GetSystemDateAndTime', NS.device, null, '', 10_000)
      .then(
        () => 'answered',
        (e: Error) => e.message,
      )
      .finally(() => (settledAt = Date.now()));
    await new Promise((r) => setTimeout(r, 200));
    expect(settledAt).toBe(0);
    const started = Date.now();
    await control('DELETE', `/sim/devices/${code}/faults`);
    await expect(pending).resolves.toMatch(/socket hang up|ECONNRESET/);
    expect(settledAt - started).toBeLessThan(2000);
  });

  it('slow: answers after delay_ms', async () => {
    await control('POST', `/sim/devices/${code}/faults`, { kind: 'slow', delay_ms: 400 });
    const started = Date.now();
    expect((await gsdt(code)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
  });

  it('flap: alternates down and up on every check', async () => {
    await control('POST', `/sim/devices/${code}/faults`, { kind: 'flap' });
    await expect(gsdt(code)).rejects.toThrow();
    expect((await gsdt(code)).status).toBe(200);
    // the rest of an "up" check goes through
    expect((await soap(code, 'ptz_service', 'GetStatus', NS.ptz, good(code))).status).toBe(200);
    await expect(gsdt(code)).rejects.toThrow();
  });

  it('flap with period_s: down for the first period, then up', async () => {
    await control('POST', `/sim/devices/${code}/faults`, { kind: 'flap', period_s: 0.5 });
    await expect(gsdt(code)).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 600));
    expect((await gsdt(code)).status).toBe(200);
  });

  it('turn: a PTZ camera reports the pan that points it at heading_deg', async () => {
    const r = await control('POST', `/sim/devices/${code}/faults`, { kind: 'turn', heading_deg: 180 });
    expect(r.json.current_heading_deg).toBe(180);
    const status = await soap(code, 'ptz_service', 'GetStatus', NS.ptz, good(code));
    // registered heading 90: +90° is generic pan +0.5
    expect(status.body).toContain('x="0.500000"');
  });

  it('auth: valid credentials are refused, liveness still answers', async () => {
    await control('POST', `/sim/devices/${code}/faults`, { kind: 'auth' });
    const r = await soap(code, 'device_service', 'GetDeviceInformation', NS.device, good(code));
    expect(r.status).toBe(400);
    expect(r.body).toContain('ter:NotAuthorized');
    expect((await gsdt(code)).status).toBe(200);
  });

  it('clock_skew: the device clock is offset, and a client using that offset still authenticates', async () => {
    await control('POST', `/sim/devices/${code}/faults`, { kind: 'clock_skew', offset_s: 900 });
    const r = await gsdt(code);
    const offset = utcFromGsdt(r.body) - Date.now();
    expect(Math.abs(offset - 900_000)).toBeLessThan(3000);
    const ok = await soap(code, 'device_service', 'GetDeviceInformation', NS.device, { ...good(code), createdMs: Date.now() + offset });
    expect(ok.status).toBe(200);
    const stale = await soap(code, 'device_service', 'GetDeviceInformation', NS.device, good(code));
    expect(stale.status).toBe(400);
  });

  it('malformed: the reply is cut short and does not parse', async () => {
    await control('POST', `/sim/devices/${code}/faults`, { kind: 'malformed' });
    const r = await gsdt(code);
    expect(r.status).toBe(200);
    await expect(parseStringPromise(r.body)).rejects.toThrow();
  });

  it('station down: its cameras stop answering ONVIF; other stations are unaffected', async () => {
    expect((await control('POST', '/sim/stations/ST-0001/faults', { kind: 'down' })).status).toBe(201);
    await expect(gsdt('ST-0001-C2')).rejects.toThrow();
    expect((await gsdt('ST-0002-C1')).status).toBe(200);
    await control('DELETE', '/sim/stations/ST-0001/faults');
    expect((await gsdt('ST-0001-C2')).status).toBe(200);
  });
});

describe('control API', () => {
  it('lists devices with their faults and shows one', async () => {
    await control('POST', '/sim/devices/ST-0002-C2/faults', { kind: 'slow', delay_ms: 10 });
    const list = await control('GET', '/sim/devices');
    expect(list.status).toBe(200);
    expect(list.json.map((d: any) => d.code)).toEqual(DEVICES.map((d) => d.code));
    const faulted = await control('GET', '/sim/devices?faulted=1');
    expect(faulted.json).toHaveLength(1);
    expect(faulted.json[0].faults[0]).toMatchObject({ kind: 'slow', delay_ms: 10, origin: 'api' });
    const one = await control('GET', '/sim/devices/ST-0002-C2');
    expect(one.json.onvif_url).toBe(`${server.baseUrl}/onvif/ST-0002-C2/device_service`);
    const cleared = await control('DELETE', '/sim/devices/ST-0002-C2/faults?kind=slow');
    expect(cleared.json.faults).toEqual([]);
  });

  it('answers 404 for an unknown code and 400 for a bad fault, with a message', async () => {
    const missing = await control('POST', '/sim/devices/NOPE-1/faults', { kind: 'offline' });
    expect(missing.status).toBe(404);
    expect(missing.json.error).toMatch(/NOPE-1/);
    expect((await control('GET', '/sim/stations/NOPE')).status).toBe(404);
    const cases: [unknown, RegExp][] = [
      [{ kind: 'melt' }, /kind must be one of/],
      [{ kind: 'slow', delay_ms: 'x' }, /delay_ms/],
      [{ kind: 'turn', heading_deg: 400 }, /heading_deg/],
      [{ kind: 'offline', extra: 1 }, /unknown parameter "extra"/],
      ['{not json', /not valid JSON/],
      [[1, 2], /JSON object/],
    ];
    for (const [body, message] of cases) {
      const r = await control('POST', '/sim/devices/ST-0001-C1/faults', body);
      expect(r.status).toBe(400);
      expect(r.json.error).toMatch(message);
    }
    const st = await control('POST', '/sim/stations/ST-0001/faults', { kind: 'offline' });
    expect(st.status).toBe(400);
    expect(st.json.error).toMatch(/down, battery/);
    const noBody = await control('POST', '/sim/stations/ST-0001/faults');
    expect(noBody.status).toBe(400);
    expect(noBody.json.error).toMatch(/JSON object such as \{"kind":"down"\}/);
    const badKind = await control('DELETE', '/sim/devices/ST-0001-C1/faults?kind=melt');
    expect(badKind.status).toBe(400);
    expect(badKind.json.error).toMatch(/kind must be one of offline, .*got "melt"/);
    expect((await control('DELETE', '/sim/stations/ST-0001/faults?kind=melt')).json.error).toMatch(/kind must be one of down, battery/);
  });

  it('caps the body size', async () => {
    const r = await control('POST', '/sim/devices/ST-0001-C1/faults', JSON.stringify({ kind: 'offline', pad: 'x'.repeat(20_000) }));
    expect(r.status).toBe(413);
  });

  it('shows station faults', async () => {
    await control('POST', '/sim/stations/ST-0002/faults', { kind: 'battery' });
    const r = await control('GET', '/sim/stations/ST-0002');
    expect(r.json).toMatchObject({ code: 'ST-0002', cameras: ['ST-0002-C1', 'ST-0002-C2'], faults: [{ kind: 'battery' }] });
    expect((await control('GET', '/sim/stations')).json).toHaveLength(2);
  });
});
