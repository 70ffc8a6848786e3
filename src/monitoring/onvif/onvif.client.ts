/**
 * The lean ONVIF client for the poll loop: one keep-alive agent, hand-built SOAP
 * envelopes, the string-scan parser, and every failure classified as an OnvifError.
 *
 * Why not the onvif package here: it parses every reply (and every request) with xml2js,
 * opens a new TCP connection per request, computes the clock offset once and never
 * again, and turns "2.4" into 2.4 (see test/fixtures/onvif/NOTES.md §8–9). It is still
 * used for first contact (onvif.first-contact.ts).
 *
 * Timeouts belong to the caller: every method takes an AbortSignal, and the client
 * starts no timer of its own.
 */
import { systemClock, type Clock } from '../../common/clock';
import { digestAuthorization, pickDigestChallenge, type DigestChallenge } from './digest.auth';
import {
  describeFault,
  isAuthFault,
  parseSoap,
  readCapabilities,
  readDeviceInformation,
  readProfiles,
  readPtzStatus,
  readServices,
  readSnapshotUri,
  readSystemDateAndTime,
  type MediaProfile,
  type PtzStatus,
  type ServiceAddress,
  type XmlElement,
} from './soap.parser';
import { HttpExchangeError, KeepAliveHttpClient, type HttpEndpoint } from './http.keepalive-client';
import { OnvifError, type DeviceClock, type DeviceInfo, type OnvifTarget } from './onvif.types';
import { createdFor, securityHeader, xmlEscape } from './wsse';

export interface OnvifClientOptions {
  /** Wall clock used for the clock offset and WS-Security `Created`. */
  clock?: Clock;
  /** Concurrent connections per device (host:port). The simulated fleet shares one host. */
  maxSocketsPerHost?: number;
  /** Concurrent connections in total. */
  maxTotalSockets?: number;
  /** Replies above this size are cut off and reported as 'too_large'. */
  maxReplyBytes?: number;
}

const NS_DEVICE = 'http://www.onvif.org/ver10/device/wsdl';
const NS_MEDIA = 'http://www.onvif.org/ver10/media/wsdl';
const NS_PTZ = 'http://www.onvif.org/ver20/ptz/wsdl';
export const NS_MEDIA1 = NS_MEDIA;
export const NS_MEDIA2 = 'http://www.onvif.org/ver20/media/wsdl';

const ENVELOPE_OPEN = '<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope">';
const ENVELOPE_CLOSE = '</s:Body></s:Envelope>';

const GSDT_INNER = `<GetSystemDateAndTime xmlns="${NS_DEVICE}"/>`;
const GSDT_PLAIN = `${ENVELOPE_OPEN}<s:Body>${GSDT_INNER}${ENVELOPE_CLOSE}`;

interface Op {
  name: string;
  action: string;
  /** The request's Content-Type header line, built once per operation. */
  contentTypeLine: string;
}
const op = (ns: string, name: string): Op => ({
  name,
  action: `${ns}/${name}`,
  contentTypeLine: `Content-Type: application/soap+xml; charset=utf-8; action="${ns}/${name}"\r\n`,
});
const OP_GSDT = op(NS_DEVICE, 'GetSystemDateAndTime');
const OP_DEVINFO = op(NS_DEVICE, 'GetDeviceInformation');
const OP_SERVICES = op(NS_DEVICE, 'GetServices');
const OP_CAPS = op(NS_DEVICE, 'GetCapabilities');
const OP_PROFILES = op(NS_MEDIA, 'GetProfiles');
const OP_PTZ_STATUS = op(NS_PTZ, 'GetStatus');
const OP_PROFILES2 = op(NS_MEDIA2, 'GetProfiles');
const OP_SNAPSHOT_URI = op(NS_MEDIA, 'GetSnapshotUri');
const OP_SNAPSHOT_URI2 = op(NS_MEDIA2, 'GetSnapshotUri');

/** host:port (authority), for messages, the Host header and the digest cache key. */
type Endpoint = HttpEndpoint;

interface RawReply {
  status: number;
  challenges: string[];
  body: string;
}

interface DigestState {
  challenge: DigestChallenge;
  nc: number;
}

/** Caches are cleared wholesale past this size; they only hold derived, re-creatable data. */
const CACHE_LIMIT = 100_000;

/**
 * Rewrites the host (and, for HTTP(S) addresses, the port) of a device-reported address
 * onto the configured device URL. Devices report their own LAN IP in XAddrs and media
 * URIs, which is unreachable behind NAT and must never send us off the host the
 * inventory names. RTSP URIs keep their own port: the configured port is the HTTP one.
 * A relative address is resolved against the configured URL. Null when unparseable.
 */
export function rebaseXaddr(reported: string, configuredUrl: string): string | null {
  let base: URL;
  try {
    base = new URL(configuredUrl);
  } catch {
    return null;
  }
  let u: URL;
  try {
    u = new URL(reported.trim(), base);
  } catch {
    return null;
  }
  const web = u.protocol === 'http:' || u.protocol === 'https:';
  if (web) {
    u.protocol = base.protocol;
    u.hostname = base.hostname;
    // Assigning `host` keeps the old port when the new one is the scheme default: set both.
    u.port = base.port;
  } else {
    u.hostname = base.hostname;
  }
  return u.toString();
}

export class OnvifClient {
  private readonly http: KeepAliveHttpClient;
  private readonly clock: Clock;
  private readonly maxReplyBytes: number;
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly rebased = new Map<string, string | null>();
  /** Device clock offset (ms) per device URL, from the last GetSystemDateAndTime. */
  private readonly offsets = new Map<string, number>();
  private readonly digests = new Map<string, DigestState>();

  constructor(opts: OnvifClientOptions = {}) {
    this.clock = opts.clock ?? systemClock;
    this.maxReplyBytes = opts.maxReplyBytes ?? 256 * 1024;
    this.http = new KeepAliveHttpClient({
      maxSocketsPerHost: opts.maxSocketsPerHost ?? 64,
      maxTotalSockets: opts.maxTotalSockets ?? 1024,
      maxIdlePerHost: 256,
    });
  }

  /** Closes pooled connections (at shutdown). */
  close(): void {
    this.http.close();
  }

  /** The offset (ms) last measured for this device, used for WS-Security `Created`. */
  clockOffsetMs(url: string): number {
    return this.offsets.get(url) ?? 0;
  }

  /**
   * Liveness and clock offset. Unauthenticated first (the pre-auth class); devices that
   * demand credentials even here (Vivotek, Panasonic, some Hikvision) are asked again
   * with them. Only UTCDateTime is trusted: LocalDateTime plus a TZ string is never
   * turned into UTC, so a device that sends Local only gets an unknown offset.
   */
  async getSystemDateAndTime(target: OnvifTarget, signal: AbortSignal): Promise<DeviceClock> {
    const t0 = this.clock.now().getTime();
    let payload: XmlElement;
    try {
      payload = await this.call(target, target.url, OP_GSDT, GSDT_INNER, signal, false);
    } catch (e) {
      if (!(e instanceof OnvifError) || e.kind !== 'auth' || target.user === null || target.password === null) throw e;
      payload = await this.call(target, target.url, OP_GSDT, GSDT_INNER, signal, true);
    }
    const t1 = this.clock.now().getTime();
    const sdt = readSystemDateAndTime(payload);
    if (!sdt) throw unexpected(OP_GSDT, payload);
    if (sdt.utcMs === null) {
      this.offsets.delete(target.url);
      return { deviceTime: null, offsetS: null, localOnly: true };
    }
    // +500: the device truncates to whole seconds; the midpoint of t0..t1 halves the RTT error.
    const offsetMs = Math.round(sdt.utcMs + 500 - (t0 + t1) / 2);
    if (this.offsets.size >= CACHE_LIMIT) this.offsets.clear();
    this.offsets.set(target.url, offsetMs);
    return { deviceTime: new Date(sdt.utcMs), offsetS: offsetMs / 1000, localOnly: false };
  }

  /** Manufacturer, model, firmware, serial, hardware id, all as strings. */
  async getDeviceInformation(target: OnvifTarget, signal: AbortSignal): Promise<DeviceInfo> {
    const payload = await this.call(target, target.url, OP_DEVINFO, `<GetDeviceInformation xmlns="${NS_DEVICE}"/>`, signal, true);
    const info = readDeviceInformation(payload);
    if (!info) throw unexpected(OP_DEVINFO, payload);
    return info;
  }

  /**
   * PTZ position. Values outside the generic space, in another declared space, or missing
   * come back null (never 0); see readPtzStatus.
   */
  async getPtzStatus(target: OnvifTarget, profileToken: string, signal: AbortSignal): Promise<PtzStatus> {
    const url = target.ptzXaddr ? this.rebaseCached(target.ptzXaddr, target.url) : target.url;
    const inner = `<GetStatus xmlns="${NS_PTZ}"><ProfileToken>${xmlEscape(profileToken)}</ProfileToken></GetStatus>`;
    const payload = await this.call(target, url, OP_PTZ_STATUS, inner, signal, true);
    const st = readPtzStatus(payload);
    if (!st) throw unexpected(OP_PTZ_STATUS, payload);
    return st;
  }

  /** GetServices, XAddrs rebased onto the configured host. */
  async getServices(target: OnvifTarget, signal: AbortSignal): Promise<ServiceAddress[]> {
    const inner = `<GetServices xmlns="${NS_DEVICE}"><IncludeCapability>false</IncludeCapability></GetServices>`;
    const payload = await this.call(target, target.url, OP_SERVICES, inner, signal, true);
    const services = readServices(payload);
    if (!services) throw unexpected(OP_SERVICES, payload);
    const out: ServiceAddress[] = [];
    for (const s of services) {
      const xaddr = rebaseXaddr(s.xaddr, target.url);
      if (xaddr) out.push({ namespace: s.namespace, xaddr });
    }
    return out;
  }

  /** GetCapabilities (old firmware's GetServices), XAddrs rebased onto the configured host. */
  async getCapabilities(target: OnvifTarget, signal: AbortSignal): Promise<Record<string, string>> {
    const inner = `<GetCapabilities xmlns="${NS_DEVICE}"><Category>All</Category></GetCapabilities>`;
    const payload = await this.call(target, target.url, OP_CAPS, inner, signal, true);
    const caps = readCapabilities(payload);
    if (!caps) throw unexpected(OP_CAPS, payload);
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(caps)) {
      const xaddr = rebaseXaddr(v, target.url);
      if (xaddr) out[k] = xaddr;
    }
    return out;
  }

  /** Media ver10 GetProfiles at `mediaXaddr` (already rebased). Setup only: it is the costly parse. */
  async getProfiles(target: OnvifTarget, mediaXaddr: string, signal: AbortSignal): Promise<MediaProfile[]> {
    const url = this.rebaseCached(mediaXaddr, target.url);
    const payload = await this.call(target, url, OP_PROFILES, `<GetProfiles xmlns="${NS_MEDIA}"/>`, signal, true);
    const profiles = readProfiles(payload);
    if (!profiles) throw unexpected(OP_PROFILES, payload);
    return profiles;
  }

  /** GetProfiles through Media (ver10) or Media2 at `mediaXaddr`, for picture health. */
  async getMediaProfiles(target: OnvifTarget, mediaXaddr: string, media2: boolean, signal: AbortSignal): Promise<MediaProfile[]> {
    const url = this.rebaseCached(mediaXaddr, target.url);
    const o = media2 ? OP_PROFILES2 : OP_PROFILES;
    const inner = media2 ? `<GetProfiles xmlns="${NS_MEDIA2}"><Type>VideoSource</Type></GetProfiles>` : `<GetProfiles xmlns="${NS_MEDIA}"/>`;
    const payload = await this.call(target, url, o, inner, signal, true);
    const profiles = readProfiles(payload);
    if (!profiles) throw unexpected(o, payload);
    return profiles;
  }

  /** GetSnapshotUri through Media or Media2; the URI comes back rebased onto the configured host, like the XAddrs. */
  async getSnapshotUri(target: OnvifTarget, mediaXaddr: string, media2: boolean, profileToken: string, signal: AbortSignal): Promise<string> {
    const url = this.rebaseCached(mediaXaddr, target.url);
    const o = media2 ? OP_SNAPSHOT_URI2 : OP_SNAPSHOT_URI;
    const inner = `<GetSnapshotUri xmlns="${media2 ? NS_MEDIA2 : NS_MEDIA}"><ProfileToken>${xmlEscape(profileToken)}</ProfileToken></GetSnapshotUri>`;
    const payload = await this.call(target, url, o, inner, signal, true);
    const uri = readSnapshotUri(payload);
    if (uri === null) throw unexpected(o, payload);
    return this.rebaseCached(uri, target.url);
  }

  // -------------------------------------------------------------------------------

  private rebaseCached(reported: string, configured: string): string {
    const key = `${reported}\n${configured}`;
    let v = this.rebased.get(key);
    if (v === undefined) {
      v = rebaseXaddr(reported, configured);
      if (this.rebased.size >= CACHE_LIMIT) this.rebased.clear();
      this.rebased.set(key, v);
    }
    if (v === null) throw new OnvifError('malformed', `device reported an unusable service address "${reported}"`);
    return v;
  }

  private endpoint(url: string): Endpoint {
    let ep = this.endpoints.get(url);
    if (ep) return ep;
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new OnvifError('refused', `invalid ONVIF URL "${url}"`);
    }
    if (u.protocol !== 'http:') throw new OnvifError('refused', `unsupported ONVIF URL scheme "${u.protocol}" in ${url}`);
    ep = {
      hostname: u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname,
      port: u.port ? Number(u.port) : 80,
      path: (u.pathname || '/') + u.search,
      authority: u.host,
    };
    if (this.endpoints.size >= CACHE_LIMIT) this.endpoints.clear();
    this.endpoints.set(url, ep);
    return ep;
  }

  private envelope(target: OnvifTarget, inner: string, auth: boolean): string {
    if (!auth) return inner === GSDT_INNER ? GSDT_PLAIN : `${ENVELOPE_OPEN}<s:Body>${inner}${ENVELOPE_CLOSE}`;
    const created = createdFor(this.clock.now().getTime(), this.clockOffsetMs(target.url));
    return `${ENVELOPE_OPEN}${securityHeader(target.user as string, target.password as string, created)}<s:Body>${inner}${ENVELOPE_CLOSE}`;
  }

  /**
   * One SOAP call: WS-Security when `auth` and credentials exist, HTTP Digest when the
   * device asks for it (401 + WWW-Authenticate: Digest), the reply classified.
   */
  private async call(target: OnvifTarget, url: string, o: Op, inner: string, signal: AbortSignal, auth: boolean): Promise<XmlElement> {
    const ep = this.endpoint(url);
    const creds = auth && target.user !== null && target.password !== null;
    const digestKey = creds ? `${ep.authority}\n${target.user}` : '';
    const known = creds ? this.digests.get(digestKey) : undefined;
    const authorization = known
      ? digestAuthorization(known.challenge, target.user as string, target.password as string, 'POST', ep.path, ++known.nc)
      : undefined;
    let reply = await this.send(ep, o, this.envelope(target, inner, creds), authorization, signal);
    if (reply.status === 401) {
      const challenge = creds ? pickDigestChallenge(reply.challenges) : null;
      if (challenge) {
        const state: DigestState = { challenge, nc: 1 };
        if (this.digests.size >= CACHE_LIMIT) this.digests.clear();
        this.digests.set(digestKey, state);
        const retryAuth = digestAuthorization(challenge, target.user as string, target.password as string, 'POST', ep.path, 1);
        reply = await this.send(ep, o, this.envelope(target, inner, creds), retryAuth, signal);
      }
      if (reply.status === 401) {
        if (creds) this.digests.delete(digestKey);
        throw new OnvifError(
          'auth',
          creds ? `${o.name}: ${ep.authority} refused the credentials (HTTP 401)` : `${o.name}: ${ep.authority} requires credentials (HTTP 401)`,
          401,
        );
      }
    }
    return this.interpret(reply, o, ep);
  }

  private interpret(reply: RawReply, o: Op, ep: Endpoint): XmlElement {
    const status = reply.status;
    const ok = status >= 200 && status < 300;
    const soap = reply.body.length > 0 ? parseSoap(reply.body) : null;
    if (soap && soap.kind === 'fault') {
      const kind = isAuthFault(soap.fault) ? 'auth' : 'soap_fault';
      throw new OnvifError(kind, `${o.name}: ${ep.authority} answered with a SOAP fault (HTTP ${status}) ${describeFault(soap.fault)}`, status);
    }
    if (!ok) {
      // A broken SOAP reply is 'malformed' whatever its status; an HTML error page is not SOAP.
      if (soap && soap.kind === 'malformed' && /Envelope[\s>]/.test(reply.body)) {
        throw new OnvifError('malformed', `${o.name}: malformed SOAP reply from ${ep.authority} (HTTP ${status}): ${soap.reason}`, status);
      }
      if (status === 403) throw new OnvifError('auth', `${o.name}: ${ep.authority} forbids access (HTTP 403)`, status);
      throw new OnvifError('http_status', `${o.name}: ${ep.authority} answered HTTP ${status}`, status);
    }
    if (!soap) throw new OnvifError('malformed', `${o.name}: empty reply from ${ep.authority}`, status);
    if (soap.kind === 'malformed') throw new OnvifError('malformed', `${o.name}: malformed reply from ${ep.authority}: ${soap.reason}`, status);
    return soap.payload;
  }

  private async send(ep: Endpoint, o: Op, body: string, authorization: string | undefined, signal: AbortSignal): Promise<RawReply> {
    if (signal.aborted) throw timeoutError(o, ep);
    if (authorization !== undefined && /[\r\n]/.test(authorization)) {
      throw new OnvifError('malformed', `${o.name}: the Authorization header for ${ep.authority} would contain a line break`);
    }
    const headerLines = authorization === undefined ? o.contentTypeLine : `${o.contentTypeLine}Authorization: ${authorization}\r\n`;
    try {
      const res = await this.http.post(ep, { headerLines, body, maxBodyBytes: this.maxReplyBytes }, signal);
      return { status: res.status, challenges: res.status === 401 ? res.challenges : [], body: res.body.toString('utf8') };
    } catch (e) {
      if (!(e instanceof HttpExchangeError)) throw e;
      if (e.kind === 'aborted' || signal.aborted) throw timeoutError(o, ep);
      if (e.kind === 'too_large') throw tooLarge(o, ep, e.message);
      if (e.kind === 'cut_off') throw new OnvifError('malformed', `${o.name}: reply from ${ep.authority} was cut off after ${e.bodyBytes} bytes`, e.status);
      throw connectionError(o, ep, e);
    }
  }
}

function unexpected(o: Op, payload: XmlElement): OnvifError {
  return new OnvifError('malformed', `${o.name}: unexpected reply <${payload.qname}>`);
}

function timeoutError(o: Op, ep: Endpoint): OnvifError {
  return new OnvifError('timeout', `${o.name}: no complete reply from ${ep.authority} before the deadline`);
}

function tooLarge(o: Op, ep: Endpoint, what: string): OnvifError {
  return new OnvifError('too_large', `${o.name}: reply from ${ep.authority} ${what}; reading stopped`);
}

function connectionError(o: Op, ep: Endpoint, err: HttpExchangeError): OnvifError {
  const code = err.code || 'error';
  if (code === 'ETIMEDOUT') return new OnvifError('timeout', `${o.name}: connection to ${ep.authority} timed out (${code})`);
  if (code === 'ECONNREFUSED') return new OnvifError('refused', `${o.name}: ${ep.authority} refused the connection (${code})`);
  // Unreachable, unresolvable or reset before any reply: the device cannot be talked to.
  return new OnvifError('refused', `${o.name}: cannot reach ${ep.authority} (${code}: ${err.message})`);
}
