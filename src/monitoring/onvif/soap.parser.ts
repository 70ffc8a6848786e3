/**
 * A small, namespace-agnostic XML reader for ONVIF SOAP replies, plus extractors for
 * the few fields camnet needs (clock, device information, PTZ status, services,
 * capabilities, profiles).
 *
 * Written by hand on purpose: the poll loop parses thousands of replies a second, and
 * xml2js (what the onvif package uses) costs 70–150 µs per small reply against a few µs
 * here. Elements are matched by local name only: devices use any prefix (`SOAP-ENV:`,
 * `env:`, `s:`, `ns0:`, none), and some even use prefixes they never declare.
 * Values are kept as strings; no numeric coercion ("2.4" stays "2.4").
 */
import type { DeviceInfo } from './onvif.types';

/** One element. Text and attributes are decoded lazily, on access. */
export class XmlElement {
  readonly children: XmlElement[] = [];
  /** [start, end) of the first text chunk in `src`, or -1. */
  t0 = -1;
  t1 = -1;
  /** Concatenated, decoded text when there was more than one chunk or a CDATA section. */
  extra: string | undefined = undefined;

  constructor(
    readonly src: string,
    readonly qname: string,
    readonly name: string,
    /** [start, end) of the raw attribute text in `src`. */
    readonly a0: number,
    readonly a1: number,
  ) {}

  /** The element's own text (not its descendants'), entity-decoded, untrimmed. */
  text(): string {
    if (this.extra !== undefined) return this.extra;
    if (this.t0 < 0) return '';
    return decodeEntities(this.src.slice(this.t0, this.t1));
  }

  /** Trimmed text. */
  value(): string {
    return this.text().trim();
  }

  /** An attribute by local name (prefix ignored), entity-decoded; undefined when absent. */
  attr(localName: string): string | undefined {
    const s = this.src;
    let i = this.a0;
    const end = this.a1;
    while (i < end) {
      while (i < end && isWs(s.charCodeAt(i))) i++;
      if (i >= end || s.charCodeAt(i) === 47 /* / */) return undefined;
      const eq = s.indexOf('=', i);
      if (eq < 0 || eq >= end) return undefined;
      const rawName = s.slice(i, eq).trim();
      let q = eq + 1;
      while (q < end && isWs(s.charCodeAt(q))) q++;
      const quote = s.charCodeAt(q);
      const close = s.indexOf(quote === 39 ? "'" : '"', q + 1);
      if (close < 0 || close > end) return undefined;
      const colon = rawName.indexOf(':');
      const local = colon < 0 ? rawName : rawName.slice(colon + 1);
      if (local === localName && !rawName.startsWith('xmlns')) return decodeEntities(s.slice(q + 1, close));
      i = close + 1;
    }
    return undefined;
  }

  /** First direct child with this local name. */
  child(localName: string): XmlElement | undefined {
    const c = this.children;
    for (let i = 0; i < c.length; i++) if (c[i].name === localName) return c[i];
    return undefined;
  }

  /** All direct children with this local name. */
  all(localName: string): XmlElement[] {
    return this.children.filter((c) => c.name === localName);
  }

  /** Follows a path of local names through first matching children. */
  path(...names: string[]): XmlElement | undefined {
    return names.reduce<XmlElement | undefined>((el, n) => el?.child(n), this);
  }
}

export type XmlParseResult = { ok: true; root: XmlElement } | { ok: false; reason: string };

function isWs(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function isAllWs(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isWs(s.charCodeAt(i))) return false;
  return true;
}

/** A name's first character: letter, '_', ':' or any non-ASCII. */
function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 58 || c > 127;
}

const ENTITY_RE = /&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the five XML entities and character references; anything else stays as it is. */
export function decodeEntities(s: string): string {
  if (s.indexOf('&') < 0) return s;
  return s.replace(ENTITY_RE, (m, e: string) => {
    if (e.charCodeAt(0) !== 35 /* # */) return NAMED[e];
    const code = e.charCodeAt(1) === 120 ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
  });
}

// Straight quotes only: agsh's hand-written Error.xml uses typographic quotes here, which
// no XML parser accepts. The declared encoding is not acted on: bodies are read as UTF-8
// (the SOAP 1.2 binding's encoding), and one real encoder declares "utf-16" over ASCII.
const XML_DECL_RE =
  /^<\?xml\s+version\s*=\s*(["'])1\.[0-9]\1(\s+encoding\s*=\s*(["'])[A-Za-z][A-Za-z0-9._-]*\3)?(\s+standalone\s*=\s*(["'])(yes|no)\5)?\s*\?>$/;

// One attribute: whitespace, a name, '=', a quoted value without '<'.
const ATTR_RE = /[ \t\r\n]+[A-Za-z_:\u0080-\uffff][^\s=/>"'<]*[ \t\r\n]*=[ \t\r\n]*(?:"[^"<]*"|'[^'<]*')/y;

function bad(reason: string): XmlParseResult {
  return { ok: false, reason };
}

/**
 * Parses a whole document into a light tree, checking well-formedness (balanced tags,
 * attribute syntax, one root, a sane XML declaration). DOCTYPE is refused: SOAP forbids
 * it, and it is the door to entity-expansion attacks. Never throws.
 */
export function parseXml(xml: string): XmlParseResult {
  const len = xml.length;
  let pos = 0;
  if (xml.charCodeAt(0) === 0xfeff) pos = 1;
  while (pos < len && isWs(xml.charCodeAt(pos))) pos++;
  if (xml.startsWith('<?xml', pos) && isWs(xml.charCodeAt(pos + 5))) {
    const end = xml.indexOf('?>', pos);
    if (end < 0) return bad('unterminated XML declaration');
    if (!XML_DECL_RE.test(xml.slice(pos, end + 2))) return bad('invalid XML declaration');
    pos = end + 2;
  }
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  while (pos < len) {
    const lt = xml.indexOf('<', pos);
    const textEnd = lt < 0 ? len : lt;
    if (textEnd > pos) {
      if (stack.length > 0) addText(stack[stack.length - 1], xml, pos, textEnd, false);
      else if (!isAllWs(xml, pos, textEnd)) return bad('text outside the root element');
    }
    if (lt < 0) break;
    const c = xml.charCodeAt(lt + 1);
    if (c === 47 /* / */) {
      const gt = xml.indexOf('>', lt + 2);
      if (gt < 0) return bad('truncated end tag');
      const top = stack.pop();
      if (!top) return bad('end tag without a start tag');
      const q = top.qname;
      if (!xml.startsWith(q, lt + 2) || !isAllWs(xml, lt + 2 + q.length, gt)) {
        return bad(`mismatched end tag: expected </${q}>`);
      }
      pos = gt + 1;
    } else if (c === 63 /* ? */) {
      const end = xml.indexOf('?>', lt + 2);
      if (end < 0) return bad('unterminated processing instruction');
      pos = end + 2;
    } else if (c === 33 /* ! */) {
      if (xml.startsWith('<!--', lt)) {
        const end = xml.indexOf('-->', lt + 4);
        if (end < 0) return bad('unterminated comment');
        pos = end + 3;
      } else if (xml.startsWith('<![CDATA[', lt)) {
        if (stack.length === 0) return bad('CDATA outside the root element');
        const end = xml.indexOf(']]>', lt + 9);
        if (end < 0) return bad('unterminated CDATA section');
        addText(stack[stack.length - 1], xml, lt + 9, end, true);
        pos = end + 3;
      } else {
        return bad('DOCTYPE or other markup declarations are not allowed');
      }
    } else {
      if (!isNameStart(c)) return bad(`invalid tag name at offset ${lt}`);
      let i = lt + 1;
      while (i < len) {
        const d = xml.charCodeAt(i);
        if (isWs(d) || d === 47 || d === 62) break;
        i++;
      }
      if (i >= len) return bad('truncated start tag');
      const qname = xml.slice(lt + 1, i);
      const a0 = i;
      // Attribute syntax: (ws name ws? = ws? quoted)* ws? /? >, quotes may hold '>'.
      // A sticky regex per attribute: far cheaper than a char loop over gSOAP's 2–4 KB
      // namespace tables.
      let selfClosing = false;
      let gt: number;
      ATTR_RE.lastIndex = i;
      while (ATTR_RE.exec(xml) !== null) i = ATTR_RE.lastIndex;
      while (i < len && isWs(xml.charCodeAt(i))) i++;
      const d = xml.charCodeAt(i);
      if (d === 62 /* > */) gt = i;
      else if (d === 47 /* / */ && xml.charCodeAt(i + 1) === 62) {
        selfClosing = true;
        gt = i + 1;
      } else if (i >= len || (d === 47 && i + 1 >= len)) return bad('truncated start tag');
      else return bad(`malformed attributes in <${qname}>`);
      if (gt < 0) return bad('truncated start tag');
      const colon = qname.indexOf(':');
      const el = new XmlElement(xml, qname, colon < 0 ? qname : qname.slice(colon + 1), a0, selfClosing ? gt - 1 : gt);
      if (stack.length > 0) stack[stack.length - 1].children.push(el);
      else if (root) return bad('more than one root element');
      else root = el;
      if (!selfClosing) stack.push(el);
      pos = gt + 1;
    }
  }
  if (stack.length > 0) return bad(`truncated: <${stack[stack.length - 1].qname}> is never closed`);
  if (!root) return bad('no root element');
  return { ok: true, root };
}

function addText(el: XmlElement, src: string, from: number, to: number, cdata: boolean): void {
  if (!cdata && el.extra === undefined && el.t0 < 0) {
    el.t0 = from;
    el.t1 = to;
    return;
  }
  // Whitespace between child elements is noise, not content.
  if (!cdata && isAllWs(src, from, to)) return;
  const chunk = cdata ? src.slice(from, to) : decodeEntities(src.slice(from, to));
  el.extra = el.text() + chunk;
  el.t0 = -1;
}

// ---------------------------------------------------------------------------------
// SOAP envelope and faults

export interface SoapFault {
  /** Local name of Code/Value (e.g. "Sender", "Receiver", or Hikvision's "Reveiver"). */
  code: string;
  /** Local names of nested Subcode/Value, outermost first (e.g. ["NotAuthorized"]). */
  subcodes: string[];
  reason: string;
  detail: string;
}

export type SoapReply = { kind: 'body'; payload: XmlElement } | { kind: 'fault'; fault: SoapFault } | { kind: 'malformed'; reason: string };

function localOf(qvalue: string): string {
  const v = qvalue.trim();
  return v.slice(v.lastIndexOf(':') + 1);
}

/** Concatenated, trimmed text of an element and its descendants (for Detail). */
function deepText(el: XmlElement): string {
  let s = el.value();
  for (const c of el.children) {
    const t = deepText(c);
    if (t) s = s ? `${s} ${t}` : t;
  }
  return s;
}

/** Reads a SOAP 1.2 fault (and SOAP 1.1's faultcode/faultstring, still seen on old firmware). */
export function readFault(el: XmlElement): SoapFault {
  const code = el.child('Code');
  if (code) {
    const subcodes: string[] = [];
    let sub = code.child('Subcode');
    while (sub && subcodes.length < 8) {
      const v = sub.child('Value');
      if (v) subcodes.push(localOf(v.text()));
      sub = sub.child('Subcode');
    }
    const reasonEl = el.child('Reason');
    const texts = reasonEl ? reasonEl.all('Text') : [];
    const detailEl = el.child('Detail');
    return {
      code: localOf(code.child('Value')?.text() ?? ''),
      subcodes,
      reason: texts.length > 0 ? texts[0].value() : (reasonEl?.value() ?? ''),
      detail: detailEl ? deepText(detailEl) : '',
    };
  }
  const detailEl = el.child('detail');
  return {
    code: localOf(el.child('faultcode')?.text() ?? ''),
    subcodes: [],
    reason: el.child('faultstring')?.value() ?? '',
    detail: detailEl ? deepText(detailEl) : '',
  };
}

/** Parses a reply into its first Body element, a fault, or a reason it is malformed. */
export function parseSoap(xml: string): SoapReply {
  const doc = parseXml(xml);
  if (!doc.ok) return { kind: 'malformed', reason: doc.reason };
  if (doc.root.name !== 'Envelope') return { kind: 'malformed', reason: `root element is <${doc.root.qname}>, not a SOAP Envelope` };
  const body = doc.root.child('Body');
  if (!body) return { kind: 'malformed', reason: 'SOAP Envelope has no Body' };
  const payload = body.children[0];
  if (!payload) return { kind: 'malformed', reason: 'SOAP Body is empty' };
  if (payload.name === 'Fault') return { kind: 'fault', fault: readFault(payload) };
  return { kind: 'body', payload };
}

const AUTH_SUBCODES = new Set([
  'NotAuthorized',
  'FailedAuthentication',
  'InvalidSecurity',
  'InvalidSecurityToken',
  'SecurityTokenUnavailable',
  'MessageExpired',
  'UnsupportedSecurityToken',
]);
// Devices word auth failures freely: Dahua's "Wsse authorized time check failed" (clock
// skew), Vivotek's "error … processing the <wsse:Security> header", "Sender not Authorized".
const AUTH_REASON_RE = /not authori[sz]ed|unauthori[sz]ed|wsse|security header|invalid username or password|authentication/i;

/** True when a fault says the credentials (or the WS-Security header) were refused. */
export function isAuthFault(f: SoapFault): boolean {
  if (AUTH_SUBCODES.has(f.code)) return true;
  for (const s of f.subcodes) if (AUTH_SUBCODES.has(s)) return true;
  return AUTH_REASON_RE.test(f.reason);
}

/** One line for logs and `last_error`. */
export function describeFault(f: SoapFault): string {
  const codes = [f.code, ...f.subcodes].filter((c) => c !== '').join('/');
  const text = f.reason || f.detail;
  return text ? `${codes || 'fault'}: ${text}` : codes || 'SOAP fault without a code';
}

// ---------------------------------------------------------------------------------
// Extractors. Each takes the first Body element and returns null when the reply is not
// the expected shape, so the caller can report it as malformed.

export interface SystemDateAndTime {
  /** Device UTC clock (ms since epoch) from UTCDateTime; null when the device omits it. */
  utcMs: number | null;
  /** LocalDateTime's wall-clock fields read as if UTC; only for display, never for offsets. */
  localAsUtcMs: number | null;
  dateTimeType: string | null;
  tz: string | null;
}

const UINT_RE = /^\d{1,4}$/;

function readDateTime(el: XmlElement | undefined): number | null | 'bad' {
  if (!el) return null;
  const t = el.child('Time');
  const d = el.child('Date');
  if (!t || !d) return 'bad';
  const parts = [d.child('Year'), d.child('Month'), d.child('Day'), t.child('Hour'), t.child('Minute'), t.child('Second')];
  const n: number[] = [];
  for (const p of parts) {
    const v = p?.value();
    if (v === undefined || !UINT_RE.test(v)) return 'bad';
    n.push(Number(v));
  }
  const [Y, M, D, h, m, s] = n;
  if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || s > 60) return 'bad';
  return Date.UTC(Y, M - 1, D, h, m, s);
}

export function readSystemDateAndTime(payload: XmlElement): SystemDateAndTime | null {
  if (payload.name !== 'GetSystemDateAndTimeResponse') return null;
  const sdt = payload.child('SystemDateAndTime');
  if (!sdt) return null;
  const utc = readDateTime(sdt.child('UTCDateTime'));
  const local = readDateTime(sdt.child('LocalDateTime'));
  if (utc === 'bad' || local === 'bad') return null;
  if (utc === null && local === null) return null;
  return {
    utcMs: utc,
    localAsUtcMs: local,
    dateTimeType: sdt.child('DateTimeType')?.value() ?? null,
    tz: sdt.path('TimeZone', 'TZ')?.value() ?? null,
  };
}

/** The five fields, as strings (serial "0123" and firmware "2.4" stay as sent); null when absent. */
export function readDeviceInformation(payload: XmlElement): DeviceInfo | null {
  if (payload.name !== 'GetDeviceInformationResponse') return null;
  const s = (n: string): string | null => {
    const el = payload.child(n);
    return el ? el.value() : null;
  };
  return {
    manufacturer: s('Manufacturer'),
    model: s('Model'),
    firmware: s('FirmwareVersion'),
    serial: s('SerialNumber'),
    hardwareId: s('HardwareId'),
  };
}

export interface PtzStatus {
  /** Generic-space values; null when missing or not in the generic space. */
  pan: number | null;
  tilt: number | null;
  zoom: number | null;
  /** Raw values as the device sent them (any units), for diagnostics. */
  raw: { pan: number | null; tilt: number | null; zoom: number | null };
  /** True when a value was present but outside the generic space, or declared another space. */
  nonGenericUnits: boolean;
  /** True when a position was given without a `space` attribute (assumed generic if in range). */
  spaceMissing: boolean;
  moveStatus: { panTilt: string | null; zoom: string | null } | null;
  error: string | null;
}

const NUM_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function num(v: string | undefined): number | null {
  if (v === undefined) return null;
  const t = v.trim();
  return NUM_RE.test(t) ? Number(t) : null;
}

/**
 * PTZ GetStatus. Missing Position, PanTilt or Zoom give null, never 0 (the onvif package
 * defaults them to 0, so a device with no position looks centred). A value outside the
 * generic space ([-1, 1] pan/tilt, [0, 1] zoom) or in a declared non-generic space gives
 * null: e.g. a device that reports raw 32768/32768/12644 with no space.
 */
export function readPtzStatus(payload: XmlElement): PtzStatus | null {
  if (payload.name !== 'GetStatusResponse') return null;
  const st = payload.child('PTZStatus');
  if (!st) return null;
  const pos = st.child('Position');
  const pt = pos?.child('PanTilt');
  const z = pos?.child('Zoom');
  const rawPan = num(pt?.attr('x'));
  const rawTilt = num(pt?.attr('y'));
  const rawZoom = num(z?.attr('x'));
  let nonGeneric = false;
  let spaceMissing = false;
  const accept = (v: number | null, space: string | undefined, min: number, max: number): number | null => {
    if (v === null) return null;
    if (space === undefined) spaceMissing = true;
    else if (!space.trim().endsWith('/PositionGenericSpace')) {
      nonGeneric = true;
      return null;
    }
    if (v < min || v > max) {
      nonGeneric = true;
      return null;
    }
    return v;
  };
  const ptSpace = pt?.attr('space');
  const pan = accept(rawPan, ptSpace, -1, 1);
  const tilt = accept(rawTilt, ptSpace, -1, 1);
  const zoom = accept(rawZoom, z?.attr('space'), 0, 1);
  const ms = st.child('MoveStatus');
  return {
    pan,
    tilt,
    zoom,
    raw: { pan: rawPan, tilt: rawTilt, zoom: rawZoom },
    nonGenericUnits: nonGeneric,
    spaceMissing,
    moveStatus: ms ? { panTilt: ms.child('PanTilt')?.value() ?? null, zoom: ms.child('Zoom')?.value() ?? null } : null,
    error: st.child('Error')?.value() ?? null,
  };
}

export interface ServiceAddress {
  namespace: string;
  xaddr: string;
}

/** GetServices: every (namespace, XAddr) pair. */
export function readServices(payload: XmlElement): ServiceAddress[] | null {
  if (payload.name !== 'GetServicesResponse') return null;
  const out: ServiceAddress[] = [];
  for (const s of payload.all('Service')) {
    const ns = s.child('Namespace')?.value();
    const xa = s.child('XAddr')?.value();
    if (ns && xa) out.push({ namespace: ns, xaddr: xa });
  }
  return out;
}

/** GetCapabilities: XAddr per capability (keys as sent: "Device", "Media", "PTZ", …). */
export function readCapabilities(payload: XmlElement): Record<string, string> | null {
  if (payload.name !== 'GetCapabilitiesResponse') return null;
  const caps = payload.child('Capabilities');
  if (!caps) return null;
  const out: Record<string, string> = {};
  const visit = (el: XmlElement): void => {
    for (const c of el.children) {
      const xa = c.child('XAddr')?.value();
      if (xa && !(c.name in out)) out[c.name] = xa;
      else if (c.name === 'Extension') visit(c);
    }
  };
  visit(caps);
  return out;
}

export interface MediaProfile {
  token: string;
  name: string | null;
  /** Token of the profile's PTZ configuration; null for profiles without PTZ. */
  ptzConfigToken: string | null;
}

/** GetProfiles, media ver10 (Profiles/PTZConfiguration) or Media2 (Profiles/Configurations/PTZ). */
export function readProfiles(payload: XmlElement): MediaProfile[] | null {
  if (payload.name !== 'GetProfilesResponse') return null;
  const out: MediaProfile[] = [];
  for (const p of payload.all('Profiles')) {
    const token = p.attr('token');
    if (token === undefined) continue;
    const ptz = p.child('PTZConfiguration') ?? p.child('Configurations')?.child('PTZ');
    out.push({ token, name: p.child('Name')?.value() ?? null, ptzConfigToken: ptz ? (ptz.attr('token') ?? '') : null });
  }
  return out;
}

/** GetSnapshotUri, Media ver10 (MediaUri/Uri) or Media2 (Uri); null when the reply holds no URI. */
export function readSnapshotUri(payload: XmlElement): string | null {
  if (payload.name !== 'GetSnapshotUriResponse') return null;
  const uri = payload.child('MediaUri')?.child('Uri')?.value() ?? payload.child('Uri')?.value();
  return uri ? uri : null;
}
