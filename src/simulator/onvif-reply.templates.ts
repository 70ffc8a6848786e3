/**
 * ONVIF replies of the simulated cameras, modelled on real captures
 * (test/fixtures/onvif/: Hikvision `env:` with its long namespace table, Dahua-style `s:`,
 * gSOAP `SOAP-ENV:` from Axis, Pelco, D-Link and Milesight, each with its own
 * headers, token names, time zones and GetStatus quirks). Each vendor's envelope is
 * built once; a reply is that envelope plus a few substituted values.
 */
import type { SimVendor } from '../seed/seed.types';
import type { SimDevice } from './sim.types';

const NS = {
  soap: 'http://www.w3.org/2003/05/soap-envelope',
  enc: 'http://www.w3.org/2003/05/soap-encoding',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  xs: 'http://www.w3.org/2001/XMLSchema',
  tt: 'http://www.onvif.org/ver10/schema',
  tds: 'http://www.onvif.org/ver10/device/wsdl',
  trt: 'http://www.onvif.org/ver10/media/wsdl',
  tptz: 'http://www.onvif.org/ver20/ptz/wsdl',
  tev: 'http://www.onvif.org/ver10/events/wsdl',
  timg: 'http://www.onvif.org/ver20/imaging/wsdl',
  ter: 'http://www.onvif.org/ver10/error',
  wsa5: 'http://www.w3.org/2005/08/addressing',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
  wsu: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd',
  wsnt: 'http://docs.oasis-open.org/wsn/b-2',
  tns1: 'http://www.onvif.org/ver10/topics',
};

const GENERIC_PT = 'http://www.onvif.org/ver10/tptz/PanTiltSpaces/PositionGenericSpace';
const GENERIC_ZOOM = 'http://www.onvif.org/ver10/tptz/ZoomSpaces/PositionGenericSpace';

type PtzStyle = 'hikvision' | 'gsoap' | 'plain';

interface VendorProfile {
  vendor: SimVendor;
  /** Envelope prefix. */
  p: string;
  xmlDecl: string;
  /** Namespace declarations on the Envelope, as the vendor writes them. */
  ns: string;
  header: string;
  manufacturer: string;
  models: { fixed: string; ptz: string };
  firmware: string;
  serial(h: number, model: string): string;
  hardwareId(h: number, serial: string): string;
  /** The camera's own LAN address, as a camera behind NAT reports it. */
  ip: string;
  dateTimeType: 'Manual' | 'NTP';
  tz: string;
  /** Pelco, IPNC: only UTCDateTime, with a Region extension. */
  utcOnly: boolean;
  region: string | null;
  profileTokens: [string, string];
  ptzConfigToken: string;
  videoSourceToken: string;
  ptzStyle: PtzStyle;
  /** Pelco writes microseconds in UtcTime. */
  microseconds: boolean;
  streamUri(ip: string, token: string): string;
  snapshotUri(ip: string, token: string): string;
  /** Axis Q6045-E (fw 5.55) answers GetServices with a ter:Action fault: clients must fall back to GetCapabilities. */
  getServicesFails: boolean;
  version: { major: number; minor: number };
  authReason: string;
}

function nsDecl(prefixes: [string, string][], sep: string): string {
  return prefixes.map(([p, uri]) => `${sep}xmlns:${p}="${uri}"`).join('');
}

/** Deterministic characters from a device's hash (a small xorshift-multiply stream). */
function chars(h: number, len: number, alphabet: string): string {
  let s = '';
  let x = h >>> 0 || 1;
  for (let i = 0; i < len; i++) {
    x = Math.imul(x ^ (x >>> 15), 2246822519) >>> 0;
    x = Math.imul(x ^ (x >>> 13), 3266489917) >>> 0;
    s += alphabet[x % alphabet.length];
  }
  return s;
}

const hex = (h: number, len: number) => chars(h, len, '0123456789ABCDEF');
const digits = (h: number, len: number) => chars(h, len, '0123456789');

/** FNV-1a: a stable per-device number for serials and small variations. */
export function codeHash(code: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < code.length; i++) h = Math.imul(h ^ code.charCodeAt(i), 16777619);
  return h >>> 0;
}

const HIK_NS: [string, string][] = [
  ['env', NS.soap],
  ['soapenc', NS.enc],
  ['xsi', NS.xsi],
  ['xs', NS.xs],
  ['tt', NS.tt],
  ['tds', NS.tds],
  ['trt', NS.trt],
  ['timg', NS.timg],
  ['tev', NS.tev],
  ['tptz', NS.tptz],
  ['tan', 'http://www.onvif.org/ver20/analytics/wsdl'],
  ['tst', 'http://www.onvif.org/ver10/storage/wsdl'],
  ['ter', NS.ter],
  ['dn', 'http://www.onvif.org/ver10/network/wsdl'],
  ['tns1', NS.tns1],
  ['tmd', 'http://www.onvif.org/ver10/deviceIO/wsdl'],
  ['wsdl', 'http://schemas.xmlsoap.org/wsdl'],
  ['wsoap12', 'http://schemas.xmlsoap.org/wsdl/soap12'],
  ['http', 'http://schemas.xmlsoap.org/wsdl/http'],
  ['d', 'http://schemas.xmlsoap.org/ws/2005/04/discovery'],
  ['wsadis', 'http://schemas.xmlsoap.org/ws/2004/08/addressing'],
  ['xop', 'http://www.w3.org/2004/08/xop/include'],
  ['wsnt', NS.wsnt],
  ['wsa', NS.wsa5],
  ['wstop', 'http://docs.oasis-open.org/wsn/t-1'],
  ['wsrf-bf', 'http://docs.oasis-open.org/wsrf/bf-2'],
  ['wsntw', 'http://docs.oasis-open.org/wsn/bw-2'],
  ['wsrf-rw', 'http://docs.oasis-open.org/wsrf/rw-2'],
  ['wsaw', 'http://www.w3.org/2006/05/addressing/wsdl'],
  ['wsrf-r', 'http://docs.oasis-open.org/wsrf/r-2'],
  ['trc', 'http://www.onvif.org/ver10/recording/wsdl'],
  ['tse', 'http://www.onvif.org/ver10/search/wsdl'],
  ['trp', 'http://www.onvif.org/ver10/replay/wsdl'],
  ['tnshik', 'http://www.hikvision.com/2011/event/topics'],
  ['hikwsd', 'http://www.onvifext.com/onvif/ext/ver10/wsdl'],
  ['hikxsd', 'http://www.onvifext.com/onvif/ext/ver10/schema'],
];

const AXIS_NS: [string, string][] = [
  ['SOAP-ENV', NS.soap],
  ['SOAP-ENC', NS.enc],
  ['xsi', NS.xsi],
  ['xsd', NS.xs],
  ['c14n', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
  ['wsu', NS.wsu],
  ['ds', 'http://www.w3.org/2000/09/xmldsig#'],
  ['wsse', NS.wsse],
  ['wsa5', NS.wsa5],
  ['xmime', 'http://tempuri.org/xmime.xsd'],
  ['xop', 'http://www.w3.org/2004/08/xop/include'],
  ['wsrfbf', 'http://docs.oasis-open.org/wsrf/bf-2'],
  ['wstop', 'http://docs.oasis-open.org/wsn/t-1'],
  ['tt', NS.tt],
  ['acert', 'http://www.axis.com/vapix/ws/cert'],
  ['wsrfr', 'http://docs.oasis-open.org/wsrf/r-2'],
  ['aa', 'http://www.axis.com/vapix/ws/action1'],
  ['aev', 'http://www.axis.com/vapix/ws/event1'],
  ['tan', 'http://www.onvif.org/ver20/analytics/wsdl'],
  ['tds', NS.tds],
  ['wsnt', NS.wsnt],
  ['tev', NS.tev],
  ['timg', NS.timg],
  ['tptz', NS.tptz],
  ['trt', NS.trt],
  ['ter', NS.ter],
  ['tns1', NS.tns1],
  ['tnsaxis', 'http://www.axis.com/2009/event/topics'],
];

const PROFILES: Record<SimVendor, VendorProfile> = {
  Hikvision: {
    vendor: 'Hikvision',
    p: 'env',
    xmlDecl: '<?xml version="1.0" encoding="UTF-8"?>\n',
    ns: nsDecl(HIK_NS, ' \n  '),
    header: '',
    manufacturer: 'HIKVISION',
    models: { fixed: 'DS-2CD2043G0-I', ptz: 'DS-2DE4425IW-DE' },
    firmware: 'V5.5.82 build 190220',
    serial: (h, model) => `${model}20190301AAWR${digits(h, 9)}`,
    hardwareId: () => '88',
    ip: '192.168.1.64',
    dateTimeType: 'Manual',
    tz: 'CST-7:00:00',
    utcOnly: false,
    region: null,
    profileTokens: ['Profile_1', 'Profile_2'],
    ptzConfigToken: 'PTZToken',
    videoSourceToken: 'VideoSource_1',
    ptzStyle: 'hikvision',
    microseconds: false,
    streamUri: (ip, t) => `rtsp://${ip}:554/Streaming/Channels/101?transportmode=unicast&amp;profile=${t}`,
    snapshotUri: (ip) => `http://${ip}/onvif-http/snapshot?Profile_1`,
    getServicesFails: false,
    version: { major: 17, minor: 12 },
    authReason: 'The action requested requires authorization and the sender is not authorized',
  },
  Dahua: {
    vendor: 'Dahua',
    p: 's',
    xmlDecl: '<?xml version="1.0" encoding="utf-8" standalone="yes" ?>\n',
    ns: nsDecl(
      [
        ['s', NS.soap],
        ['sc', NS.enc],
        ['tt', NS.tt],
        ['tds', NS.tds],
        ['trt', NS.trt],
        ['tptz', NS.tptz],
        ['ter', NS.ter],
      ],
      '\n    ',
    ),
    header: '<s:Header />',
    manufacturer: 'Dahua',
    models: { fixed: 'IPC-HFW2431S-S-S2', ptz: 'SD49425XB-HNR' },
    firmware: '2.800.0000016.0.R',
    // Numeric-looking serial with a leading zero: a client that turns it into a number loses digits.
    serial: (h) => `0123${digits(h, 9)}`,
    hardwareId: () => '1.00',
    ip: '192.168.1.108',
    dateTimeType: 'NTP',
    tz: 'GMT-07:00',
    utcOnly: false,
    region: null,
    profileTokens: ['MediaProfile00000', 'MediaProfile00001'],
    ptzConfigToken: '00000',
    videoSourceToken: '00000',
    ptzStyle: 'plain',
    microseconds: false,
    streamUri: (ip) => `rtsp://${ip}:554/cam/realmonitor?channel=1&amp;subtype=0&amp;unicast=true&amp;proto=Onvif`,
    snapshotUri: (ip) => `http://${ip}/onvifsnapshot/media_service/snapshot?channel=1&amp;subtype=0`,
    getServicesFails: false,
    version: { major: 16, minor: 12 },
    authReason: 'Sender not Authorized. Invalid username or password! You still have 24 attempt(s).',
  },
  Axis: {
    vendor: 'Axis',
    p: 'SOAP-ENV',
    xmlDecl: '<?xml version="1.0" encoding="UTF-8"?>\n',
    ns: nsDecl(AXIS_NS, ' \n  '),
    header:
      '<SOAP-ENV:Header><wsa5:ReplyTo SOAP-ENV:mustUnderstand="true"><wsa5:Address>http://www.w3.org/2005/08/addressing/anonymous</wsa5:Address></wsa5:ReplyTo></SOAP-ENV:Header>',
    manufacturer: 'AXIS',
    models: { fixed: 'AXIS M2025-LE', ptz: 'AXIS Q6045-E' },
    firmware: '5.55',
    serial: (h) => `00408C${hex(h, 6)}`,
    hardwareId: () => '727',
    ip: '192.168.0.90',
    dateTimeType: 'NTP',
    tz: 'ICT-7',
    utcOnly: false,
    region: null,
    profileTokens: ['profile_1_h264', 'profile_1_jpeg'],
    ptzConfigToken: '0',
    videoSourceToken: '0',
    ptzStyle: 'gsoap',
    microseconds: false,
    streamUri: (ip, t) => `rtsp://${ip}/onvif-media/media.amp?profile=${t}&amp;sessiontimeout=60&amp;streamtype=unicast`,
    snapshotUri: (ip) => `http://${ip}/onvif-cgi/jpg/image.cgi?resolution=1280x720&amp;compression=20`,
    getServicesFails: true,
    version: { major: 2, minor: 50 },
    authReason: 'Sender not authorized',
  },
  Pelco: {
    vendor: 'Pelco',
    p: 'SOAP-ENV',
    xmlDecl: '<?xml version="1.0" encoding="UTF-8"?>\n',
    ns: nsDecl(
      [
        ['SOAP-ENV', NS.soap],
        ['SOAP-ENC', NS.enc],
        ['xsi', NS.xsi],
        ['xsd', NS.xs],
        ['wsa5', NS.wsa5],
        ['ter', NS.ter],
        ['tds', NS.tds],
        ['trt', NS.trt],
        ['tptz', NS.tptz],
        ['tt', NS.tt],
      ],
      ' \n  ',
    ),
    header: '<SOAP-ENV:Header><wsa5:To SOAP-ENV:mustUnderstand="true">http://www.w3.org/2005/08/addressing/anonymous</wsa5:To></SOAP-ENV:Header>',
    manufacturer: 'Pelco',
    models: { fixed: 'IBE229-1R', ptz: 'D6230L' },
    firmware: '2.9.0.4.9340-A0.0',
    serial: (h) => `J${digits(h, 6)}`,
    hardwareId: (h) =>
      `00:04:7d:${hex(h, 6)
        .toLowerCase()
        .replace(/(..)(..)(..)/, '$1:$2:$3')}`,
    ip: '192.168.0.20',
    dateTimeType: 'Manual',
    tz: 'ICT-7',
    utcOnly: true,
    region: ':Asia/Ho_Chi_Minh',
    profileTokens: ['1', '2'],
    ptzConfigToken: 'PTZConfigurationToken',
    videoSourceToken: '1',
    ptzStyle: 'gsoap',
    microseconds: true,
    streamUri: (ip) => `rtsp://${ip}/stream1`,
    snapshotUri: (ip) => `http://${ip}/jpeg`,
    getServicesFails: false,
    version: { major: 2, minor: 60 },
    authReason: 'Sender not authorized',
  },
  'D-Link': {
    vendor: 'D-Link',
    p: 'SOAP-ENV',
    xmlDecl: '<?xml version="1.0" encoding="UTF-8"?>\n',
    ns: nsDecl(
      [
        ['SOAP-ENV', NS.soap],
        ['SOAP-ENC', NS.enc],
        ['xsi', NS.xsi],
        ['xsd', NS.xs],
        ['wsa', 'http://schemas.xmlsoap.org/ws/2004/08/addressing'],
        ['wsa5', NS.wsa5],
        ['tt', NS.tt],
        ['tds', NS.tds],
        ['tptz', NS.tptz],
        ['tev', NS.tev],
        ['wsnt', NS.wsnt],
        ['trt', NS.trt],
        ['timg', NS.timg],
        ['wsse', NS.wsse],
        ['wsu', NS.wsu],
        ['ter', NS.ter],
        ['tns1', NS.tns1],
      ],
      '\n\t',
    ),
    header: '<SOAP-ENV:Header></SOAP-ENV:Header>',
    manufacturer: 'D-Link Corporation',
    models: { fixed: 'DCS-6511', ptz: 'DCS-6915' },
    firmware: '1.16.00',
    serial: (h) => `F07D68${hex(h, 6)}`,
    hardwareId: (_h, serial) => serial,
    ip: '192.168.0.20',
    dateTimeType: 'Manual',
    tz: 'GMT-7',
    utcOnly: false,
    region: null,
    profileTokens: ['profile1', 'profile2'],
    ptzConfigToken: 'ptz_node_config1',
    videoSourceToken: 'VideoSourceToken',
    ptzStyle: 'plain',
    microseconds: false,
    streamUri: (ip) => `rtsp://${ip}/live1.sdp`,
    snapshotUri: (ip) => `http://${ip}/dms?nowprofileid=1`,
    getServicesFails: false,
    version: { major: 2, minor: 0 },
    authReason: 'Sender not authorized',
  },
  Milesight: {
    vendor: 'Milesight',
    p: 'SOAP-ENV',
    xmlDecl: '<?xml version="1.0" encoding="UTF-8"?>\n',
    ns: nsDecl(
      [
        ['SOAP-ENV', NS.soap],
        ['SOAP-ENC', NS.enc],
        ['xsi', NS.xsi],
        ['xsd', NS.xs],
        ['wsa', 'http://schemas.xmlsoap.org/ws/2004/08/addressing'],
        ['wsdd', 'http://schemas.xmlsoap.org/ws/2005/04/discovery'],
        ['wsa5', NS.wsa5],
        ['wsu', NS.wsu],
        ['wsse', NS.wsse],
        ['tt', NS.tt],
        ['tds', NS.tds],
        ['tev', NS.tev],
        ['wsnt', NS.wsnt],
        ['timg', NS.timg],
        ['tptz', NS.tptz],
        ['tr2', 'http://www.onvif.org/ver20/media/wsdl'],
        ['trt', NS.trt],
        ['ter', NS.ter],
        ['tns1', NS.tns1],
      ],
      ' ',
    ),
    header: '<SOAP-ENV:Header>\n    </SOAP-ENV:Header>',
    manufacturer: 'Milesight Technology Co.,Ltd.',
    models: { fixed: 'MS-C8165-PE', ptz: 'MS-C5341-X23PE' },
    firmware: '61.8.0.3-r8',
    serial: (h) => `6CF17E${digits(h, 11)}`,
    hardwareId: () => 'V1.0',
    ip: '192.168.5.190',
    dateTimeType: 'NTP',
    tz: 'CST-7:00:00',
    utcOnly: false,
    region: null,
    profileTokens: ['profile_1', 'profile_2'],
    ptzConfigToken: 'ptz_config_1',
    videoSourceToken: 'videosource_1',
    ptzStyle: 'plain',
    microseconds: false,
    streamUri: (ip) => `rtsp://${ip}:554/main`,
    snapshotUri: (ip) => `http://${ip}/snapshot.cgi`,
    getServicesFails: false,
    version: { major: 18, minor: 12 },
    authReason: 'Sender not authorized',
  },
};

/** Identity strings a simulated device reports in GetDeviceInformation (all strings, as on the wire). */
export interface DeviceIdentity {
  manufacturer: string;
  model: string;
  firmware: string;
  serial: string;
  hardwareId: string;
}

/** A reply: HTTP status and SOAP body. */
export interface SoapReply {
  status: number;
  body: string;
}

export interface VendorTemplates {
  readonly vendor: SimVendor;
  readonly ip: string;
  identity(d: SimDevice): DeviceIdentity;
  systemDateAndTime(deviceNowMs: number): string;
  deviceInformation(d: SimDevice): string;
  capabilities(d: SimDevice): string;
  services(d: SimDevice): SoapReply;
  profiles(d: SimDevice): string;
  videoSources(d: SimDevice): string;
  ptzStatus(pan: number, tilt: number, zoom: number, deviceNowMs: number): string;
  streamUri(d: SimDevice): string;
  snapshotUri(d: SimDevice): string;
  readonly notAuthorized: SoapReply;
  readonly actionNotSupported: SoapReply;
  readonly ptzNotSupported: SoapReply;
}

function num6(x: number): string {
  return x.toFixed(6);
}

/** gSOAP prints shortest round-trip decimals ("-0.39", "0"). */
function numShort(x: number): string {
  return String(Math.round(x * 1e9) / 1e9);
}

function dateBlock(tag: string, d: Date): string {
  return (
    `<tt:${tag}><tt:Time><tt:Hour>${d.getUTCHours()}</tt:Hour><tt:Minute>${d.getUTCMinutes()}</tt:Minute>` +
    `<tt:Second>${d.getUTCSeconds()}</tt:Second></tt:Time><tt:Date><tt:Year>${d.getUTCFullYear()}</tt:Year>` +
    `<tt:Month>${d.getUTCMonth() + 1}</tt:Month><tt:Day>${d.getUTCDate()}</tt:Day></tt:Date></tt:${tag}>`
  );
}

function isoSeconds(ms: number): string {
  return new Date(ms - (ms % 1000)).toISOString().replace('.000Z', 'Z');
}

const VN_OFFSET_MS = 7 * 3600_000;

function buildTemplates(v: VendorProfile): VendorTemplates {
  const p = v.p;
  const head = `${v.xmlDecl}<${p}:Envelope${v.ns}>${v.header}<${p}:Body>`;
  const tail = `</${p}:Body></${p}:Envelope>`;
  const wrap = (body: string) => head + body + tail;
  const fault = (code: string, subcodes: string[], reason: string, detail: string | null): string => {
    let sub = '';
    for (let i = subcodes.length - 1; i >= 0; i--) {
      sub = `<${p}:Subcode><${p}:Value>${subcodes[i]}</${p}:Value>${sub}</${p}:Subcode>`;
    }
    return wrap(
      `<${p}:Fault><${p}:Code><${p}:Value>${p}:${code}</${p}:Value>${sub}</${p}:Code>` +
        `<${p}:Reason><${p}:Text xml:lang="en">${reason}</${p}:Text></${p}:Reason>` +
        (detail === null ? '' : `<${p}:Detail><${p}:Text>${detail}</${p}:Text></${p}:Detail>`) +
        `</${p}:Fault>`,
    );
  };
  const xaddr = (d: SimDevice, service: string) => `http://${v.ip}/onvif/${d.code}/${service}`;
  const identityCache = new WeakMap<SimDevice, DeviceIdentity>();
  const identity = (d: SimDevice): DeviceIdentity => {
    let id = identityCache.get(d);
    if (id === undefined) {
      const h = codeHash(d.code);
      const model = d.model ?? (d.ptz ? v.models.ptz : v.models.fixed);
      const serial = v.serial(h, model);
      id = { manufacturer: v.manufacturer, model, firmware: v.firmware, serial, hardwareId: v.hardwareId(h, serial) };
      identityCache.set(d, id);
    }
    return id;
  };
  const ver = `<tt:Major>${v.version.major}</tt:Major><tt:Minor>${v.version.minor}</tt:Minor>`;
  const servicesFault: SoapReply = {
    status: 500,
    body: fault('Receiver', ['ter:Action'], 'Action failed', 'The requested SOAP action failed'),
  };

  const profile = (d: SimDevice, token: string, main: boolean): string => {
    const [w, h] = main ? [2560, 1440] : [640, 360];
    const ptz = d.ptz
      ? `<tt:PTZConfiguration token="${v.ptzConfigToken}"><tt:Name>PTZ</tt:Name><tt:UseCount>2</tt:UseCount>` +
        `<tt:NodeToken>PTZNODETOKEN</tt:NodeToken>` +
        `<tt:DefaultAbsolutePantTiltPositionSpace>${GENERIC_PT}</tt:DefaultAbsolutePantTiltPositionSpace>` +
        `<tt:DefaultAbsoluteZoomPositionSpace>${GENERIC_ZOOM}</tt:DefaultAbsoluteZoomPositionSpace>` +
        `<tt:DefaultPTZTimeout>PT5S</tt:DefaultPTZTimeout>` +
        `<tt:PanTiltLimits><tt:Range><tt:URI>${GENERIC_PT}</tt:URI><tt:XRange><tt:Min>-1</tt:Min><tt:Max>1</tt:Max></tt:XRange>` +
        `<tt:YRange><tt:Min>-1</tt:Min><tt:Max>1</tt:Max></tt:YRange></tt:Range></tt:PanTiltLimits>` +
        `<tt:ZoomLimits><tt:Range><tt:URI>${GENERIC_ZOOM}</tt:URI><tt:XRange><tt:Min>0</tt:Min><tt:Max>1</tt:Max></tt:XRange></tt:Range></tt:ZoomLimits>` +
        `</tt:PTZConfiguration>`
      : '';
    return (
      `<trt:Profiles token="${token}" fixed="true"><tt:Name>${main ? 'mainStream' : 'subStream'}</tt:Name>` +
      `<tt:VideoSourceConfiguration token="${v.videoSourceToken}"><tt:Name>VideoSourceConfig</tt:Name><tt:UseCount>2</tt:UseCount>` +
      `<tt:SourceToken>${v.videoSourceToken}</tt:SourceToken><tt:Bounds x="0" y="0" width="2560" height="1440"/></tt:VideoSourceConfiguration>` +
      `<tt:VideoEncoderConfiguration token="VideoEncoderToken_${main ? 1 : 2}"><tt:Name>VideoEncoder_${main ? 1 : 2}</tt:Name>` +
      `<tt:UseCount>1</tt:UseCount><tt:Encoding>H264</tt:Encoding><tt:Resolution><tt:Width>${w}</tt:Width><tt:Height>${h}</tt:Height></tt:Resolution>` +
      `<tt:Quality>${main ? 5 : 3}</tt:Quality><tt:RateControl><tt:FrameRateLimit>25</tt:FrameRateLimit><tt:EncodingInterval>1</tt:EncodingInterval>` +
      `<tt:BitrateLimit>${main ? 4096 : 512}</tt:BitrateLimit></tt:RateControl><tt:H264><tt:GovLength>50</tt:GovLength><tt:H264Profile>Main</tt:H264Profile></tt:H264>` +
      `<tt:Multicast><tt:Address><tt:Type>IPv4</tt:Type><tt:IPv4Address>0.0.0.0</tt:IPv4Address></tt:Address><tt:Port>8600</tt:Port><tt:TTL>128</tt:TTL><tt:AutoStart>false</tt:AutoStart></tt:Multicast>` +
      `<tt:SessionTimeout>PT5S</tt:SessionTimeout></tt:VideoEncoderConfiguration>` +
      ptz +
      `</trt:Profiles>`
    );
  };

  return {
    vendor: v.vendor,
    ip: v.ip,
    identity,
    systemDateAndTime(deviceNowMs) {
      const utc = new Date(deviceNowMs);
      const local = v.utcOnly ? '' : dateBlock('LocalDateTime', new Date(deviceNowMs + VN_OFFSET_MS));
      const ext = v.region === null ? '' : `<tt:Extension><tt:Region>${v.region}</tt:Region></tt:Extension>`;
      return wrap(
        `<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>${v.dateTimeType}</tt:DateTimeType>` +
          `<tt:DaylightSavings>false</tt:DaylightSavings><tt:TimeZone><tt:TZ>${v.tz}</tt:TZ></tt:TimeZone>` +
          dateBlock('UTCDateTime', utc) +
          local +
          ext +
          `</tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>`,
      );
    },
    deviceInformation(d) {
      const id = identity(d);
      return wrap(
        `<tds:GetDeviceInformationResponse><tds:Manufacturer>${id.manufacturer}</tds:Manufacturer><tds:Model>${id.model}</tds:Model>` +
          `<tds:FirmwareVersion>${id.firmware}</tds:FirmwareVersion><tds:SerialNumber>${id.serial}</tds:SerialNumber>` +
          `<tds:HardwareId>${id.hardwareId}</tds:HardwareId></tds:GetDeviceInformationResponse>`,
      );
    },
    capabilities(d) {
      return wrap(
        `<tds:GetCapabilitiesResponse><tds:Capabilities>` +
          `<tt:Device><tt:XAddr>${xaddr(d, 'device_service')}</tt:XAddr><tt:Network><tt:IPFilter>false</tt:IPFilter>` +
          `<tt:ZeroConfiguration>false</tt:ZeroConfiguration><tt:IPVersion6>false</tt:IPVersion6><tt:DynDNS>false</tt:DynDNS></tt:Network>` +
          `<tt:System><tt:DiscoveryResolve>false</tt:DiscoveryResolve><tt:DiscoveryBye>true</tt:DiscoveryBye><tt:RemoteDiscovery>false</tt:RemoteDiscovery>` +
          `<tt:SystemBackup>false</tt:SystemBackup><tt:SystemLogging>false</tt:SystemLogging><tt:FirmwareUpgrade>false</tt:FirmwareUpgrade>` +
          `<tt:SupportedVersions><tt:Major>2</tt:Major><tt:Minor>40</tt:Minor></tt:SupportedVersions></tt:System>` +
          `<tt:Security><tt:TLS1.1>false</tt:TLS1.1><tt:TLS1.2>false</tt:TLS1.2><tt:OnboardKeyGeneration>false</tt:OnboardKeyGeneration>` +
          `<tt:AccessPolicyConfig>false</tt:AccessPolicyConfig><tt:X.509Token>false</tt:X.509Token><tt:SAMLToken>false</tt:SAMLToken>` +
          `<tt:KerberosToken>false</tt:KerberosToken><tt:RELToken>false</tt:RELToken></tt:Security></tt:Device>` +
          `<tt:Events><tt:XAddr>${xaddr(d, 'event_service')}</tt:XAddr><tt:WSSubscriptionPolicySupport>true</tt:WSSubscriptionPolicySupport>` +
          `<tt:WSPullPointSupport>true</tt:WSPullPointSupport><tt:WSPausableSubscriptionManagerInterfaceSupport>false</tt:WSPausableSubscriptionManagerInterfaceSupport></tt:Events>` +
          `<tt:Imaging><tt:XAddr>${xaddr(d, 'imaging_service')}</tt:XAddr></tt:Imaging>` +
          `<tt:Media><tt:XAddr>${xaddr(d, 'media_service')}</tt:XAddr><tt:StreamingCapabilities><tt:RTPMulticast>true</tt:RTPMulticast>` +
          `<tt:RTP_TCP>true</tt:RTP_TCP><tt:RTP_RTSP_TCP>true</tt:RTP_RTSP_TCP></tt:StreamingCapabilities></tt:Media>` +
          (d.ptz ? `<tt:PTZ><tt:XAddr>${xaddr(d, 'ptz_service')}</tt:XAddr></tt:PTZ>` : '') +
          `</tds:Capabilities></tds:GetCapabilitiesResponse>`,
      );
    },
    services(d) {
      if (v.getServicesFails) return servicesFault;
      const svc = (ns: string, path: string) =>
        `<tds:Service><tds:Namespace>${ns}</tds:Namespace><tds:XAddr>${xaddr(d, path)}</tds:XAddr><tds:Version>${ver}</tds:Version></tds:Service>`;
      return {
        status: 200,
        body: wrap(
          `<tds:GetServicesResponse>` +
            svc(NS.tds, 'device_service') +
            svc(NS.trt, 'media_service') +
            svc(NS.tev, 'event_service') +
            svc(NS.timg, 'imaging_service') +
            (d.ptz ? svc(NS.tptz, 'ptz_service') : '') +
            `</tds:GetServicesResponse>`,
        ),
      };
    },
    profiles(d) {
      return wrap(`<trt:GetProfilesResponse>${profile(d, v.profileTokens[0], true)}${profile(d, v.profileTokens[1], false)}</trt:GetProfilesResponse>`);
    },
    videoSources(_d) {
      return wrap(
        `<trt:GetVideoSourcesResponse><trt:VideoSources token="${v.videoSourceToken}"><tt:Framerate>25</tt:Framerate>` +
          `<tt:Resolution><tt:Width>2560</tt:Width><tt:Height>1440</tt:Height></tt:Resolution></trt:VideoSources></trt:GetVideoSourcesResponse>`,
      );
    },
    ptzStatus(pan, tilt, zoom, deviceNowMs) {
      let pos: string;
      let utc = isoSeconds(deviceNowMs);
      if (v.microseconds) utc = utc.replace('Z', `.${String(deviceNowMs % 1000).padStart(3, '0')}590Z`);
      if (v.ptzStyle === 'hikvision') {
        pos =
          `<tt:Position><tt:PanTilt x="${num6(pan)}" y="${num6(tilt)}" space="${GENERIC_PT}"/>` +
          `<tt:Zoom x="${num6(zoom)}" space="${GENERIC_ZOOM}"/></tt:Position><tt:Error>NO error</tt:Error>`;
      } else if (v.ptzStyle === 'gsoap') {
        pos =
          `<tt:Position><tt:PanTilt space="${GENERIC_PT}" y="${numShort(tilt)}" x="${numShort(pan)}"></tt:PanTilt>` +
          `<tt:Zoom space="${GENERIC_ZOOM}" x="${numShort(zoom)}"></tt:Zoom></tt:Position>` +
          `<tt:MoveStatus><tt:PanTilt>IDLE</tt:PanTilt><tt:Zoom>IDLE</tt:Zoom></tt:MoveStatus>`;
      } else {
        pos =
          `<tt:Position><tt:PanTilt x="${numShort(pan)}" y="${numShort(tilt)}" space="${GENERIC_PT}"/>` +
          `<tt:Zoom x="${numShort(zoom)}" space="${GENERIC_ZOOM}"/></tt:Position>` +
          `<tt:MoveStatus><tt:PanTilt>IDLE</tt:PanTilt><tt:Zoom>IDLE</tt:Zoom></tt:MoveStatus>`;
      }
      return wrap(`<tptz:GetStatusResponse><tptz:PTZStatus>${pos}<tt:UtcTime>${utc}</tt:UtcTime></tptz:PTZStatus></tptz:GetStatusResponse>`);
    },
    streamUri(_d) {
      return wrap(
        `<trt:GetStreamUriResponse><trt:MediaUri><tt:Uri>${v.streamUri(v.ip, v.profileTokens[0])}</tt:Uri>` +
          `<tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot>` +
          `<tt:Timeout>PT60S</tt:Timeout></trt:MediaUri></trt:GetStreamUriResponse>`,
      );
    },
    snapshotUri(d) {
      // The vendor's own path, under /snapshot/{code}/: every simulated camera shares one host.
      const uri = v.snapshotUri(v.ip, v.profileTokens[0]).replace(/^http:\/\/[^/]+/, `http://${v.ip}/snapshot/${d.code}`);
      return wrap(
        `<trt:GetSnapshotUriResponse><trt:MediaUri><tt:Uri>${uri}</tt:Uri>` +
          `<tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot>` +
          `<tt:Timeout>PT0S</tt:Timeout></trt:MediaUri></trt:GetSnapshotUriResponse>`,
      );
    },
    notAuthorized: {
      status: 400,
      body: fault(
        'Sender',
        ['ter:NotAuthorized'],
        v.authReason,
        v.p === 'SOAP-ENV' ? 'The action requested requires authorization and the sender is not authorized' : null,
      ),
    },
    actionNotSupported: {
      status: 500,
      body: fault('Receiver', ['ter:ActionNotSupported'], 'Optional Action Not Implemented', null),
    },
    ptzNotSupported: {
      status: 500,
      body: fault('Receiver', ['ter:ActionNotSupported', 'ter:PTZNotSupported'], 'PTZ is not supported', null),
    },
  };
}

const TEMPLATES = new Map<SimVendor, VendorTemplates>();

/** The vendor's templates, built on first use and shared by every device of that vendor. */
export function vendorTemplates(vendor: SimVendor): VendorTemplates {
  let t = TEMPLATES.get(vendor);
  if (t === undefined) {
    t = buildTemplates(PROFILES[vendor]);
    TEMPLATES.set(vendor, t);
  }
  return t;
}

/** A reply cut short and garbled, as a crashing or buggy firmware sends it. */
export function malformed(body: string): string {
  return body.slice(0, Math.floor(body.length * 0.6)) + '<tt:Hour>\u0000\uFFFD<</';
}
