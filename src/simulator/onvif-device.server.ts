/**
 * One HTTP server on loopback that is every simulated camera at once: ONVIF SOAP 1.2
 * at /onvif/{cameraCode}/{device_service|media_service|ptz_service}, with each
 * camera's faults applied, and the control API (/sim/...) that sets those faults.
 * Built for throughput (a benchmark polls 25,000 devices through it): keep-alive,
 * replies from per-vendor templates, requests read with string scans only.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../common/clock';
import { malformed, vendorTemplates, type SoapReply } from './onvif-reply.templates';
import {
  SimFleetState,
  SimRequestError,
  DEVICE_FAULT_KINDS,
  STATION_FAULT_KINDS,
  currentPan,
  deviceView,
  flapIsDown,
  parseDeviceFault,
  parseKind,
  parseStationFault,
  stationView,
  type DeviceState,
} from './sim-fault.registry';
import type { SimDevice, SimStation } from './sim.types';
import { SimSceneRenderer } from './sim-scene';
import { soapOperation } from './soap.scanner';
import { verifyUsernameToken } from './ws-security.verifier';

export interface SimLogger {
  log(message: string): void;
  warn(message: string): void;
}

export interface OnvifDeviceServerOptions {
  /** The fleet's shared fault state; built from devices/stations when omitted. */
  state?: SimFleetState;
  devices?: readonly SimDevice[];
  stations?: readonly SimStation[];
  /** 0 picks a free port (tests). */
  port: number;
  /** Loopback only: the fleet is never reachable from outside the machine. */
  host?: string;
  clock?: Clock;
  /** How far a UsernameToken's Created may be from the device clock; null disables the check. Default 300. */
  createdToleranceS?: number | null;
  logger?: SimLogger;
  /** Extra fields for GET /sim/stations/{code}, e.g. the MQTT agent's connection state. */
  stationInfo?: (code: string) => Record<string, unknown>;
}

const SOAP_HEADERS = 'application/soap+xml; charset=utf-8';
const MAX_SOAP_BODY = 64 * 1024;
const MAX_CONTROL_BODY = 16 * 1024;
/** Ops a camera answers before authentication (ONVIF's PRE_AUTH class as real devices apply it). */
const NO_AUTH = new Set(['GetSystemDateAndTime', 'GetCapabilities']);
const KNOWN = new Set([
  'GetSystemDateAndTime',
  'GetCapabilities',
  'GetServices',
  'GetDeviceInformation',
  'GetProfiles',
  // asked by the onvif package's connect(), the reference client
  'GetVideoSources',
  'GetStatus',
  'GetStreamUri',
  'GetSnapshotUri',
]);

export class OnvifDeviceServer {
  readonly state: SimFleetState;
  private readonly server: http.Server;
  private readonly clock: Clock;
  private readonly toleranceMs: number | null;
  private readonly logger: SimLogger | undefined;
  private readonly stationInfo: ((code: string) => Record<string, unknown>) | undefined;
  /** Requests held open by the `timeout` fault, per camera. */
  private readonly held = new Map<string, Set<http.ServerResponse>>();
  private readonly delayed = new Set<NodeJS.Timeout>();
  private readonly onDeviceChange = (s: DeviceState) => {
    if (!s.faults?.has('timeout')) this.release(s.device.code);
  };
  private closed = false;
  private _port = 0;
  private readonly scenes: SimSceneRenderer;
  /** The Digest nonce of the picture server (one per run is enough for a simulator). */
  private readonly nonce = randomBytes(12).toString('hex');

  private constructor(options: OnvifDeviceServerOptions) {
    this.clock = options.clock ?? systemClock;
    this.state = options.state ?? new SimFleetState(options.devices ?? [], options.stations ?? [], this.clock);
    this.toleranceMs = options.createdToleranceS === null ? null : (options.createdToleranceS ?? 300) * 1000;
    this.logger = options.logger;
    this.stationInfo = options.stationInfo;
    this.scenes = new SimSceneRenderer(this.clock);
    this.server = http.createServer({ keepAlive: true, noDelay: true }, (req, res) => this.onRequest(req, res));
    // Pollers keep connections for a while between cycles; Node's 5 s default makes them race the close.
    this.server.keepAliveTimeout = 65_000;
    this.server.headersTimeout = 66_000;
    this.state.on('device', this.onDeviceChange);
  }

  static async start(options: OnvifDeviceServerOptions): Promise<OnvifDeviceServer> {
    const s = new OnvifDeviceServer(options);
    await new Promise<void>((resolve, reject) => {
      s.server.once('error', reject);
      s.server.listen(options.port, options.host ?? '127.0.0.1', () => {
        s.server.off('error', reject);
        resolve();
      });
    });
    s._port = (s.server.address() as AddressInfo).port;
    return s;
  }

  get port(): number {
    return this._port;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this._port}`;
  }

  /** The ONVIF device service URL of a camera, as the inventory stores it. */
  deviceUrl(code: string): string {
    return `${this.baseUrl}/onvif/${code}/device_service`;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.state.off('device', this.onDeviceChange);
    for (const t of this.delayed) clearTimeout(t);
    this.delayed.clear();
    for (const code of [...this.held.keys()]) this.release(code);
    const done = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await done;
  }

  private release(code: string): void {
    const set = this.held.get(code);
    if (set === undefined) return;
    this.held.delete(code);
    for (const res of set) res.socket?.destroy();
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = req.url ?? '/';
    if (url.startsWith('/onvif/')) this.onOnvif(req, res, url);
    else if (url.startsWith('/snapshot/')) this.onSnapshot(req, res, url);
    else if (url.startsWith('/sim/')) this.onControl(req, res, url);
    else sendJson(res, 404, { error: `nothing at ${url.split('?')[0]}; ONVIF is under /onvif/{code}/, control under /sim/` });
  }

  // ---------------------------------------------------------------- ONVIF

  private onOnvif(req: http.IncomingMessage, res: http.ServerResponse, url: string): void {
    const slash = url.indexOf('/', 7);
    const code = slash === -1 ? url.slice(7) : url.slice(7, slash);
    const s = this.state.devices.get(code);
    if (s === undefined) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`no camera ${code}\n`);
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { Allow: 'POST', 'Content-Type': 'text/plain' }).end('ONVIF services take POST\n');
      return;
    }
    // A dead device or a station with its power cut: the connection just drops.
    if (s.station?.faults?.has('down') || s.faults?.has('offline')) {
      req.socket.destroy();
      return;
    }
    readBody(req, MAX_SOAP_BODY, (err, body) => {
      if (err !== null) {
        res.writeHead(413, { 'Content-Type': 'text/plain' }).end(`${err}\n`);
        return;
      }
      this.answer(s, body, res, req);
    });
  }

  private answer(s: DeviceState, body: string, res: http.ServerResponse, req: http.IncomingMessage): void {
    const op = soapOperation(body);
    const nowMs = this.clock.now().getTime();
    const faults = s.faults;
    let slowMs = 0;
    let garble = false;
    let skewMs = 0;
    let authFault = false;
    if (faults !== null) {
      const flap = faults.get('flap');
      if (flap !== undefined) {
        if (op === 'GetSystemDateAndTime') s.flapChecks++;
        if (flapIsDown(s, flap, nowMs)) {
          req.socket.destroy();
          return;
        }
      }
      // re-checked: the fault may have been set while the body was arriving
      if (faults.has('offline')) {
        req.socket.destroy();
        return;
      }
      if (faults.has('timeout')) {
        let set = this.held.get(s.device.code);
        if (set === undefined) this.held.set(s.device.code, (set = new Set()));
        set.add(res);
        res.on('close', () => set.delete(res));
        return;
      }
      const slow = faults.get('slow');
      if (slow !== undefined) slowMs = (slow.fault as { delay_ms: number }).delay_ms;
      garble = faults.has('malformed');
      authFault = faults.has('auth');
      const skew = faults.get('clock_skew');
      if (skew !== undefined) skewMs = (skew.fault as { offset_s: number }).offset_s * 1000;
    }
    const deviceNowMs = nowMs + skewMs;
    const reply = this.reply(s, op, body, deviceNowMs, authFault);
    const out = garble ? malformed(reply.body) : reply.body;
    if (slowMs > 0) {
      const t = setTimeout(() => {
        this.delayed.delete(t);
        if (!res.destroyed) sendSoap(res, reply.status, out);
      }, slowMs);
      this.delayed.add(t);
      return;
    }
    sendSoap(res, reply.status, out);
  }

  private reply(s: DeviceState, op: string | null, body: string, deviceNowMs: number, authFault: boolean): SoapReply {
    const d = s.device;
    const t = vendorTemplates(d.vendor);
    if (op === null || !KNOWN.has(op)) return t.actionNotSupported;
    if (!NO_AUTH.has(op)) {
      if (authFault) return t.notAuthorized;
      const verdict = verifyUsernameToken(body, d.user, d.password, deviceNowMs, this.toleranceMs);
      if (verdict !== 'ok') return t.notAuthorized;
    }
    switch (op) {
      case 'GetSystemDateAndTime':
        return { status: 200, body: t.systemDateAndTime(deviceNowMs) };
      case 'GetCapabilities':
        return { status: 200, body: t.capabilities(d) };
      case 'GetServices':
        return t.services(d);
      case 'GetDeviceInformation':
        return { status: 200, body: t.deviceInformation(d) };
      case 'GetProfiles':
        return { status: 200, body: t.profiles(d) };
      case 'GetVideoSources':
        return { status: 200, body: t.videoSources(d) };
      case 'GetStatus':
        if (!d.ptz) return t.ptzNotSupported;
        return { status: 200, body: t.ptzStatus(currentPan(s), 0, 0, deviceNowMs) };
      case 'GetStreamUri':
        return { status: 200, body: t.streamUri(d) };
      default:
        if (s.faults?.has('no_snapshot')) return t.actionNotSupported;
        return { status: 200, body: t.snapshotUri(d) };
    }
  }

  // ---------------------------------------------------------------- snapshots

  /**
   * GET /snapshot/{code}/…: the camera's picture. Hikvision and Dahua demand HTTP Digest,
   * the others Basic, as those vendors' cameras do by default.
   */
  private onSnapshot(req: http.IncomingMessage, res: http.ServerResponse, url: string): void {
    req.resume();
    const rest = url.slice('/snapshot/'.length);
    const code = decodeURIComponent(rest.split(/[/?]/)[0]);
    const s = this.state.devices.get(code);
    if (s === undefined) return void res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`no camera ${code}\n`);
    if (s.station?.faults?.has('down') || s.faults?.has('offline') || s.faults?.has('timeout')) return void req.socket.destroy();
    if (s.faults?.has('no_snapshot')) return void res.writeHead(404, { 'Content-Type': 'text/plain' }).end('no snapshot service\n');
    const digest = s.device.vendor === 'Hikvision' || s.device.vendor === 'Dahua';
    const authorized =
      !s.faults?.has('auth') && (digest ? this.digestOk(req, s.device.user, s.device.password) : basicOk(req, s.device.user, s.device.password));
    if (!authorized) {
      const challenge = digest ? `Digest realm="${REALM}", qop="auth", nonce="${this.nonce}", algorithm=MD5` : `Basic realm="${REALM}"`;
      return void res.writeHead(401, { 'WWW-Authenticate': challenge, 'Content-Type': 'text/html' }).end('<html><body>401 Unauthorized</body></html>');
    }
    this.scenes.snapshot(s).then(
      (jpeg) => {
        if (!res.destroyed) res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': jpeg.length }).end(jpeg);
      },
      (e) => {
        this.logger?.warn(`simulator: snapshot of ${code} failed: ${e?.message ?? e}`);
        if (!res.destroyed) res.writeHead(500, { 'Content-Type': 'text/plain' }).end('snapshot failed\n');
      },
    );
  }

  private digestOk(req: http.IncomingMessage, user: string, password: string): boolean {
    const a = req.headers.authorization ?? '';
    if (!/^Digest /i.test(a)) return false;
    const p: Record<string, string> = {};
    for (const m of a.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) p[m[1].toLowerCase()] = m[2] ?? m[3];
    if (p.username !== user || p.nonce !== this.nonce || p.uri !== req.url) return false;
    const md5 = (x: string) => createHash('md5').update(x).digest('hex');
    const ha1 = md5(`${user}:${REALM}:${password}`);
    const ha2 = md5(`GET:${p.uri}`);
    const expected = p.qop ? md5(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`) : md5(`${ha1}:${p.nonce}:${ha2}`);
    return p.response === expected;
  }

  // ---------------------------------------------------------------- control API

  private onControl(req: http.IncomingMessage, res: http.ServerResponse, url: string): void {
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
    const parts = path
      .split('/')
      .filter((p) => p !== '')
      .map(decodeURIComponent); // ['sim', 'devices', code?, 'faults'?]
    const method = req.method ?? 'GET';
    const run = (body: unknown) => {
      try {
        const [status, payload] = this.control(method, parts, query, body);
        sendJson(res, status, payload);
      } catch (e) {
        if (e instanceof SimRequestError) sendJson(res, e.status, { error: e.message });
        else {
          this.logger?.warn(`simulator control ${method} ${path} failed: ${e?.message ?? e}`);
          sendJson(res, 500, { error: 'internal error in the simulator' });
        }
      }
    };
    if (method !== 'POST') {
      req.resume();
      run(undefined);
      return;
    }
    readBody(req, MAX_CONTROL_BODY, (err, text) => {
      if (err !== null) return sendJson(res, 413, { error: err });
      let body: unknown;
      try {
        body = text.trim() === '' ? undefined : JSON.parse(text);
      } catch (e) {
        return sendJson(res, 400, { error: `the body is not valid JSON: ${e.message}` });
      }
      run(body);
    });
  }

  private control(method: string, parts: string[], query: URLSearchParams, body: unknown): [number, unknown] {
    const nowMs = this.clock.now().getTime();
    const [, collection, code, sub, ...rest] = parts;
    const notFound = () => new SimRequestError(404, `no such simulator route: ${method} /${parts.join('/')}`);
    if (rest.length > 0 || (sub !== undefined && sub !== 'faults')) throw notFound();
    const badMethod = (allowed: string) => new SimRequestError(405, `${method} is not allowed here; use ${allowed}`);

    if (collection === 'devices') {
      if (code === undefined) {
        if (method !== 'GET') throw badMethod('GET');
        const onlyFaulted = /^(1|true|yes)$/i.test(query.get('faulted') ?? '');
        const list: unknown[] = [];
        for (const s of this.state.devices.values()) {
          if (!onlyFaulted || s.faults !== null || s.station?.faults) list.push(deviceView(s, nowMs));
        }
        return [200, list];
      }
      const s = this.state.device(code);
      if (sub === undefined) {
        if (method !== 'GET') throw badMethod('GET');
        return [200, { ...deviceView(s, nowMs), onvif_url: this.deviceUrl(code) }];
      }
      if (method === 'POST') {
        const fault = parseDeviceFault(body, s.device);
        this.state.setDeviceFault(code, fault, 'api');
        this.logger?.log(`simulator: ${code} fault ${fault.kind} set`);
        return [201, deviceView(s, nowMs)];
      }
      if (method === 'DELETE') {
        const kind = query.get('kind');
        this.state.clearDeviceFaults(code, kind === null ? undefined : parseKind(DEVICE_FAULT_KINDS, kind));
        this.logger?.log(`simulator: ${code} faults cleared${kind ? ` (${kind})` : ''}`);
        return [200, deviceView(s, nowMs)];
      }
      throw badMethod('POST or DELETE');
    }

    if (collection === 'stations') {
      const view = (c: string) => ({ ...stationView(this.state.station(c)), ...(this.stationInfo?.(c) ?? {}) });
      if (code === undefined) {
        if (method !== 'GET') throw badMethod('GET');
        return [200, [...this.state.stations.keys()].map(view)];
      }
      this.state.station(code);
      if (sub === undefined) {
        if (method !== 'GET') throw badMethod('GET');
        return [200, view(code)];
      }
      if (method === 'POST') {
        const fault = parseStationFault(body);
        this.state.setStationFault(code, fault, 'api');
        this.logger?.log(`simulator: station ${code} fault ${fault.kind} set`);
        return [201, view(code)];
      }
      if (method === 'DELETE') {
        const kind = query.get('kind');
        this.state.clearStationFaults(code, kind === null ? undefined : parseKind(STATION_FAULT_KINDS, kind));
        this.logger?.log(`simulator: station ${code} faults cleared${kind ? ` (${kind})` : ''}`);
        return [200, view(code)];
      }
      throw badMethod('POST or DELETE');
    }
    throw notFound();
  }
}

const REALM = 'camnet simulated camera';

function basicOk(req: http.IncomingMessage, user: string, password: string): boolean {
  return req.headers.authorization === `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

function sendSoap(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': SOAP_HEADERS, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function sendJson(res: http.ServerResponse, status: number, payload: unknown): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** Reads a request body up to `max` bytes; larger bodies are refused, not buffered. */
function readBody(req: http.IncomingMessage, max: number, done: (err: string | null, body: string) => void): void {
  const declared = Number(req.headers['content-length']);
  if (declared > max) {
    req.resume();
    done(`request body over ${max} bytes`, '');
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let failed = false;
  req.on('data', (c: Buffer) => {
    if (failed) return;
    size += c.length;
    if (size > max) {
      failed = true;
      done(`request body over ${max} bytes`, '');
      return;
    }
    chunks.push(c);
  });
  req.on('end', () => {
    if (!failed) done(null, chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'));
  });
  req.on('error', () => {
    failed = true;
  });
}
