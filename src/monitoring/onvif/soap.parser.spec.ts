import * as fs from 'node:fs';
import * as path from 'node:path';
import { isAuthFault, parseSoap, parseXml, readDeviceInformation, readPtzStatus, readSystemDateAndTime, type SoapReply, type XmlElement } from './soap.parser';

const FIX = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'onvif');
const fixture = (p: string): string => fs.readFileSync(path.join(FIX, p), 'utf8');

function payload(r: SoapReply): XmlElement {
  if (r.kind !== 'body') throw new Error(`expected a body, got ${r.kind}: ${JSON.stringify(r)}`);
  return r.payload;
}

const envelope = (body: string, prefix = 'ns0'): string =>
  `<?xml version="1.0"?><${prefix}:Envelope xmlns:${prefix}="http://www.w3.org/2003/05/soap-envelope"><${prefix}:Body>${body}</${prefix}:Body></${prefix}:Envelope>`;

const PTZ = (inner: string): string =>
  envelope(
    `<tptz:GetStatusResponse xmlns:tptz="http://www.onvif.org/ver20/ptz/wsdl" xmlns:tt="http://www.onvif.org/ver10/schema"><tptz:PTZStatus>${inner}</tptz:PTZStatus></tptz:GetStatusResponse>`,
  );
const GENERIC_PT = 'http://www.onvif.org/ver10/tptz/PanTiltSpaces/PositionGenericSpace';
const GENERIC_Z = 'http://www.onvif.org/ver10/tptz/ZoomSpaces/PositionGenericSpace';

describe('parseXml', () => {
  it('matches by local name whatever the prefix, including default namespaces', () => {
    const variants = [
      envelope('<tds:GetDeviceInformationResponse xmlns:tds="x"><tds:Model>M</tds:Model></tds:GetDeviceInformationResponse>', 'SOAP-ENV'),
      envelope('<GetDeviceInformationResponse xmlns="http://www.onvif.org/ver10/device/wsdl"><Model>M</Model></GetDeviceInformationResponse>', 'env'),
      '<Envelope xmlns="http://www.w3.org/2003/05/soap-envelope"><Body><ns2:GetDeviceInformationResponse xmlns:ns2="d"><ns2:Model>M</ns2:Model></ns2:GetDeviceInformationResponse></Body></Envelope>',
    ];
    for (const v of variants) expect(readDeviceInformation(payload(parseSoap(v)))?.model).toBe('M');
  });

  it('tolerates an undeclared prefix (agsh mockup GetSnapshotUri)', () => {
    const r = parseSoap(fixture('agsh-onvif-mockup-ti-ipnc/GetSnapshotUri.xml'));
    expect(payload(r).name).toBe('GetSnapshotUriResponse');
  });

  it('decodes entities and CDATA, keeps attributes with > inside quotes', () => {
    const r = parseXml('<a x="1 &gt; 0" y=\'q"\'><b>A &amp; B &#x41;&#66;</b><c><![CDATA[<raw> & ]]></c></a>');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.root.attr('x')).toBe('1 > 0');
    expect(r.root.attr('y')).toBe('q"');
    expect(r.root.child('b')!.text()).toBe('A & B AB');
    expect(r.root.child('c')!.text()).toBe('<raw> & ');
  });

  it.each([
    ['truncated', '<a><b>1</b>'],
    ['mismatched end tag', '<a><b>1</c></a>'],
    ['two roots', '<a/><b/>'],
    ['text outside the root', '<a/>junk'],
    ['unquoted attribute', '<a x=1/>'],
    ['attributes without space', '<a x="1"y="2"/>'],
    ['DOCTYPE', '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'],
    ['curly quotes in the declaration', '<?xml version=”1.0” ?><a/>'],
    ['empty', ''],
    ['not XML', 'HTTP/1.1 200 OK'],
    ['unterminated comment', '<a><!-- x</a>'],
  ])('rejects %s', (_n, xml) => {
    expect(parseXml(xml).ok).toBe(false);
  });

  it('never throws and reports malformed for every truncation of a real reply', () => {
    const xml = fixture('hikvision-ds2df7276-ptz/GetStatus.xml');
    const lastGt = xml.lastIndexOf('>');
    for (let cut = 0; cut < lastGt; cut += 7) {
      expect(parseSoap(xml.slice(0, cut)).kind).toBe('malformed');
    }
  });

  it('accepts an encoding declaration that lies about the bytes (multi-input encoder, utf-16 over ASCII)', () => {
    expect(parseSoap(fixture('agsh-onvif-mockup-encoder/GetCapabilities.xml')).kind).toBe('body');
  });
});

describe('parseSoap over every capture', () => {
  const dirs = fs.readdirSync(FIX).filter((d) => fs.statSync(path.join(FIX, d)).isDirectory());
  for (const d of dirs) {
    for (const f of fs.readdirSync(path.join(FIX, d))) {
      it(`${d}/${f}`, () => {
        const r = parseSoap(fixture(path.join(d, f)));
        if (d === 'synthetic-negative') expect(r).toEqual({ kind: 'malformed', reason: 'invalid XML declaration' });
        else expect(r.kind).toBe(f.startsWith('Fault-') ? 'fault' : 'body');
      });
    }
  }
});

describe('faults', () => {
  it('reads Code, nested Subcodes and Reason by local name', () => {
    const r = parseSoap(fixture('hikvision-ds2df7276-ptz/Fault-ActionNotSupported.xml'));
    expect(r).toEqual({
      kind: 'fault',
      fault: { code: 'Receiver', subcodes: ['ActionNotSupported', 'InvalidOperation'], reason: 'Optional Action Not Implemented', detail: 'NULL' },
    });
  });

  it("keeps Hikvision's env:Reveiver typo rather than validating it", () => {
    const r = parseSoap(fixture('hikvision-ds2cd2012-fixed/Fault-Reveiver-typo.xml'));
    expect(r.kind === 'fault' && r.fault.code).toBe('Reveiver');
  });

  it('classifies NotAuthorized and worded auth failures as auth, others not', () => {
    const fault = (p: string): ReturnType<typeof parseSoap> => parseSoap(fixture(p));
    const axis = fault('axis-q6045e-ptz/Fault-NotAuthorized.xml');
    expect(axis.kind === 'fault' && isAuthFault(axis.fault)).toBe(true);
    const audio = fault('axis-q6045e-ptz/Fault-AudioNotSupported.xml');
    expect(audio.kind === 'fault' && isAuthFault(audio.fault)).toBe(false);
    expect(isAuthFault({ code: 'Sender', subcodes: [], reason: 'Wsse authorized time check failed', detail: '' })).toBe(true);
    expect(isAuthFault({ code: 'Sender', subcodes: ['InvalidArgVal'], reason: 'bad token', detail: '' })).toBe(false);
  });

  it('reads SOAP 1.1 faults too', () => {
    const xml =
      '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Client</faultcode><faultstring>Not Authorized</faultstring></s:Fault></s:Body></s:Envelope>';
    const r = parseSoap(xml);
    expect(r.kind === 'fault' && r.fault).toMatchObject({ code: 'Client', reason: 'Not Authorized' });
  });
});

describe('extractors', () => {
  it('reads UTC only (Pelco) and ignores the TZ string', () => {
    const t = readSystemDateAndTime(payload(parseSoap(fixture('pelco-d6230l-ptz/GetSystemDateAndTime.xml'))));
    expect(t).toEqual({ utcMs: Date.UTC(2018, 1, 27, 18, 10, 11), localAsUtcMs: null, dateTimeType: 'Manual', tz: 'MST7MDT,M3.2.0,M11.1.0' });
  });

  it('reads Local only without inventing a UTC time', () => {
    const xml = envelope(
      '<GetSystemDateAndTimeResponse><SystemDateAndTime><LocalDateTime><Time><Hour>7</Hour><Minute>5</Minute><Second>6</Second></Time><Date><Year>2025</Year><Month>1</Month><Day>2</Day></Date></LocalDateTime></SystemDateAndTime></GetSystemDateAndTimeResponse>',
    );
    expect(readSystemDateAndTime(payload(parseSoap(xml)))).toMatchObject({ utcMs: null, localAsUtcMs: Date.UTC(2025, 0, 2, 7, 5, 6) });
  });

  it('refuses impossible dates', () => {
    const xml = envelope(
      '<GetSystemDateAndTimeResponse><SystemDateAndTime><UTCDateTime><Time><Hour>7</Hour><Minute>5</Minute><Second>6</Second></Time><Date><Year>2025</Year><Month>13</Month><Day>2</Day></Date></UTCDateTime></SystemDateAndTime></GetSystemDateAndTimeResponse>',
    );
    expect(readSystemDateAndTime(payload(parseSoap(xml)))).toBeNull();
  });

  it('keeps device strings as strings', () => {
    const d = readDeviceInformation(payload(parseSoap(fixture('emulator-happytimesoft/GetDeviceInformation.xml'))));
    expect(d).toEqual({ manufacturer: 'Happytimesoft', model: 'IPCamera', firmware: '2.4', serial: '123456', hardwareId: '1.0' });
    const z = readDeviceInformation(
      payload(
        parseSoap(
          envelope(
            '<GetDeviceInformationResponse><Manufacturer></Manufacturer><SerialNumber>0123</SerialNumber><FirmwareVersion>1.00</FirmwareVersion></GetDeviceInformationResponse>',
          ),
        ),
      ),
    );
    expect(z).toEqual({ manufacturer: '', model: null, firmware: '1.00', serial: '0123', hardwareId: null });
  });

  it('reads generic PTZ positions, attributes in any order, no MoveStatus (Hikvision)', () => {
    const s = readPtzStatus(payload(parseSoap(fixture('hikvision-ds2df7276-ptz/GetStatus.xml'))));
    expect(s).toMatchObject({ pan: 0.333167, tilt: -0.682, zoom: 0, moveStatus: null, error: 'NO error', nonGenericUnits: false });
  });

  it('gives null, never a number, for raw units without a space (IPD-H4K8M05: 32768/32768/12644)', () => {
    const s = readPtzStatus(
      payload(parseSoap(PTZ('<tt:Position><tt:PanTilt x="32768" y="32768"/><tt:Zoom x="12644"/></tt:Position><tt:UtcTime>2024-01-01T00:00:00Z</tt:UtcTime>'))),
    );
    expect(s).toMatchObject({ pan: null, tilt: null, zoom: null, nonGenericUnits: true, raw: { pan: 32768, tilt: 32768, zoom: 12644 } });
  });

  it('keeps in-range values without a space but flags it (SUNBA 405: 0/0/0, UtcTime 1970)', () => {
    const s = readPtzStatus(
      payload(
        parseSoap(
          PTZ(
            '<tt:Position><tt:PanTilt x="0" y="0"/><tt:Zoom x="0"/></tt:Position><tt:MoveStatus><tt:PanTilt>IDLE</tt:PanTilt><tt:Zoom>IDLE</tt:Zoom></tt:MoveStatus><tt:UtcTime>1970-01-01T00:00:00Z</tt:UtcTime>',
          ),
        ),
      ),
    );
    expect(s).toMatchObject({ pan: 0, tilt: 0, zoom: 0, spaceMissing: true, nonGenericUnits: false });
  });

  it('gives null for a declared non-generic space and for values out of range', () => {
    const s = readPtzStatus(
      payload(
        parseSoap(
          PTZ(
            `<tt:Position><tt:PanTilt x="120" y="-10" space="http://www.onvif.org/ver10/tptz/PanTiltSpaces/SphericalPositionSpaceDegrees"/><tt:Zoom x="1.5" space="${GENERIC_Z}"/></tt:Position>`,
          ),
        ),
      ),
    );
    expect(s).toMatchObject({ pan: null, tilt: null, zoom: null, nonGenericUnits: true });
  });

  it('reports missing Position, Zoom or values as null', () => {
    expect(readPtzStatus(payload(parseSoap(PTZ('<tt:UtcTime>2024-01-01T00:00:00Z</tt:UtcTime>'))))).toMatchObject({ pan: null, tilt: null, zoom: null });
    expect(readPtzStatus(payload(parseSoap(PTZ(`<tt:Position><tt:PanTilt x="0.5" space="${GENERIC_PT}"/></tt:Position>`))))).toMatchObject({
      pan: 0.5,
      tilt: null,
      zoom: null,
    });
    expect(readPtzStatus(payload(parseSoap(PTZ(`<tt:Position><tt:PanTilt x="" y="0x10" space="${GENERIC_PT}"/></tt:Position>`))))).toMatchObject({
      pan: null,
      tilt: null,
    });
  });
});
