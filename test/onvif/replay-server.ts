/**
 * A loopback HTTP server that replays captured ONVIF replies (test/fixtures/onvif/<device>/)
 * by SOAP action, checks WS-Security (and HTTP Digest) independently of the code under
 * test, and injects faults. Only ever listens on 127.0.0.1.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

export const FIXTURES = path.join(__dirname, '..', 'fixtures', 'onvif');

export type ReplayFault =
  | 'not_authorized' // every request: HTTP 400 + ter:NotAuthorized
  | 'digest' // HTTP Digest required (401 challenge unless the Authorization is right)
  | 'html401' // HTTP 401 with an HTML page and no challenge (Hikvision)
  | 'http500' // HTTP 500, plain-text body
  | 'http404' // HTTP 404, HTML body
  | 'hang' // headers never sent
  | 'truncated' // Content-Length of the whole reply, half sent, socket destroyed
  | 'truncated_eof' // no Content-Length, half the reply, clean end
  | 'oversized' // a 300 KiB reply
  | 'oversized_declared' // Content-Length of 10 MB announced
  | 'malformed'; // agsh's hand-written, malformed Error.xml

export interface RecordedRequest {
  action: string;
  path: string;
  contentType: string;
  authorization: string | undefined;
  body: string;
}

export interface ReplayOptions {
  /** Capture folder name under test/fixtures/onvif, or an absolute path. */
  device: string;
  /** When both are set, actions outside `openActions` need a valid WS-Security header. */
  user?: string;
  password?: string;
  /** Actions served without credentials. Default: GetSystemDateAndTime. */
  openActions?: string[];
  /** When set, a WS-Security Created more than 10 s away from this device time is refused. */
  deviceTimeMs?: number;
  /** Replace the reply for an action (local name, e.g. "GetStatus") with this XML. */
  overrides?: Record<string, string>;
}

export const NOT_AUTHORIZED_FAULT =
  '<?xml version="1.0" encoding="UTF-8"?>\n<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:ter="http://www.onvif.org/ver10/error">' +
  '<env:Body><env:Fault><env:Code><env:Value>env:Sender</env:Value><env:Subcode><env:Value>ter:NotAuthorized</env:Value></env:Subcode></env:Code>' +
  '<env:Reason><env:Text xml:lang="en">The action requested requires authorization and the sender is not authorized</env:Text></env:Reason>' +
  '</env:Fault></env:Body></env:Envelope>';

const ACTION_NOT_SUPPORTED =
  '<?xml version="1.0" encoding="UTF-8"?>\n<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:ter="http://www.onvif.org/ver10/error">' +
  '<env:Body><env:Fault><env:Code><env:Value>env:Receiver</env:Value><env:Subcode><env:Value>ter:ActionNotSupported</env:Value></env:Subcode></env:Code>' +
  '<env:Reason><env:Text xml:lang="en">Optional Action Not Implemented</env:Text></env:Reason></env:Fault></env:Body></env:Envelope>';

const REALM = 'IP Camera';

export class ReplayServer {
  readonly requests: RecordedRequest[] = [];
  fault: ReplayFault | null = null;
  /** Nonces handed out in digest challenges. */
  private readonly digestNonces = new Set<string>();
  private nonceSeq = 0;
  private readonly dir: string;
  private server!: http.Server;
  port = 0;

  constructor(readonly opts: ReplayOptions) {
    this.dir = path.isAbsolute(opts.device) ? opts.device : path.join(FIXTURES, opts.device);
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  url(p = '/onvif/device_service'): string {
    return `http://127.0.0.1:${this.port}${p}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  count(action: string): number {
    return this.requests.filter((r) => r.action === action).length;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const contentType = req.headers['content-type'] ?? '';
      const { ns, name } = actionOf(contentType, body);
      this.requests.push({ action: name, path: req.url ?? '', contentType, authorization: req.headers.authorization, body });
      this.respond(req, res, ns, name, body);
    });
  }

  private respond(req: http.IncomingMessage, res: http.ServerResponse, ns: string, name: string, body: string): void {
    const send = (status: number, xml: string, headers: http.OutgoingHttpHeaders = {}): void => {
      res.writeHead(status, { 'Content-Type': 'application/soap+xml; charset=utf-8', 'Content-Length': Buffer.byteLength(xml), ...headers });
      res.end(xml);
    };
    switch (this.fault) {
      case 'hang':
        return;
      case 'not_authorized':
        return send(400, NOT_AUTHORIZED_FAULT);
      case 'html401':
        return send(
          401,
          '<!DOCTYPE html><html><head><title>Document Error: Unauthorized</title></head><body><h2>Access Error: 401 -- Unauthorized</h2></body></html>',
          {
            'Content-Type': 'text/html',
          },
        );
      case 'http500':
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        return void res.end('internal error');
      case 'http404':
        res.writeHead(404, { 'Content-Type': 'text/html' });
        return void res.end('<html><body>Not Found</body></html>');
      case 'oversized': {
        const pad = `<!-- ${'x'.repeat(300 * 1024)} -->`;
        return send(200, this.fileFor(ns, name).xml.replace('?>', `?>${pad}`));
      }
      case 'oversized_declared':
        res.writeHead(200, { 'Content-Type': 'application/soap+xml', 'Content-Length': 10 * 1024 * 1024 });
        res.write('<?xml version="1.0"?>');
        return;
      case 'truncated': {
        const xml = Buffer.from(this.fileFor(ns, name).xml);
        res.writeHead(200, { 'Content-Type': 'application/soap+xml', 'Content-Length': xml.length });
        res.write(xml.subarray(0, xml.length >> 1));
        setImmediate(() => res.socket?.destroy());
        return;
      }
      case 'truncated_eof': {
        const xml = Buffer.from(this.fileFor(ns, name).xml);
        res.writeHead(200, { 'Content-Type': 'application/soap+xml', Connection: 'close' });
        return void res.end(xml.subarray(0, xml.length >> 1));
      }
      case 'malformed':
        return send(500, fs.readFileSync(path.join(FIXTURES, 'synthetic-negative', 'Fault-agsh-handwritten-malformed.xml'), 'utf8'));
      case 'digest':
        if (!this.digestOk(req)) {
          const nonce = `n${++this.nonceSeq}${Date.now().toString(16)}`;
          this.digestNonces.add(nonce);
          // Two challenges, as Hikvision sends: SHA-256 and MD5.
          res.setHeader('WWW-Authenticate', [
            `Digest qop="auth", realm="${REALM}", nonce="${nonce}", algorithm="SHA-256", stale="FALSE"`,
            `Digest qop="auth", realm="${REALM}", nonce="${nonce}", stale="FALSE"`,
          ]);
          res.writeHead(401, { 'Content-Type': 'text/html' });
          return void res.end('<html>401</html>');
        }
        break;
      default:
        break;
    }
    const open = this.opts.openActions ?? ['GetSystemDateAndTime'];
    if (this.opts.user !== undefined && this.opts.password !== undefined && !open.includes(name) && this.fault !== 'digest') {
      if (!this.wsseOk(body)) return send(400, this.notAuthorizedBody());
    }
    const file = this.fileFor(ns, name);
    send(file.status, file.xml);
  }

  private notAuthorizedBody(): string {
    const own = path.join(this.dir, 'Fault-NotAuthorized.xml');
    return fs.existsSync(own) ? fs.readFileSync(own, 'utf8') : NOT_AUTHORIZED_FAULT;
  }

  /** The capture for an action: override, `<Action>.xml`, `Fault-<Action>-*.xml`, or ActionNotSupported. */
  fileFor(ns: string, name: string): { status: number; xml: string } {
    const override = this.opts.overrides?.[name];
    if (override !== undefined) return { status: /:Fault[\s>]/.test(override) ? faultStatus(override) : 200, xml: override };
    const candidates = ns.includes('/ver20/media') ? [`Media2-${name}.xml`] : [`${name}.xml`];
    for (const c of candidates) {
      const p = path.join(this.dir, c);
      if (fs.existsSync(p)) return { status: 200, xml: fs.readFileSync(p, 'utf8') };
    }
    const faultFile = fs.existsSync(this.dir) ? fs.readdirSync(this.dir).find((f) => f.startsWith(`Fault-${name}-`)) : undefined;
    if (faultFile) {
      const xml = fs.readFileSync(path.join(this.dir, faultFile), 'utf8');
      return { status: faultStatus(xml), xml };
    }
    return { status: 500, xml: ACTION_NOT_SUPPORTED };
  }

  /** Recomputes the UsernameToken digest with node:crypto, independently of src/. */
  private wsseOk(body: string): boolean {
    const pick = (tag: string): string | null => {
      const m = new RegExp(`<(?:[\\w.-]+:)?${tag}(?:\\s[^>]*)?>([^<]*)</(?:[\\w.-]+:)?${tag}>`).exec(body);
      return m ? m[1].trim() : null;
    };
    const user = pick('Username');
    const digest = pick('Password');
    const nonce = pick('Nonce');
    const created = pick('Created');
    if (user === null || digest === null || nonce === null || created === null) return false;
    if (user !== this.opts.user) return false;
    const expected = createHash('sha1')
      .update(Buffer.from(nonce, 'base64'))
      .update(created, 'utf8')
      .update(this.opts.password ?? '', 'utf8')
      .digest('base64');
    if (expected !== digest) return false;
    if (this.opts.deviceTimeMs !== undefined) {
      const t = Date.parse(created);
      if (!Number.isFinite(t) || Math.abs(t - this.opts.deviceTimeMs) > 10_000) return false;
    }
    return true;
  }

  /** Checks an RFC 7616 Authorization (MD5 or SHA-256, qop=auth) against the configured password. */
  private digestOk(req: http.IncomingMessage): boolean {
    const a = req.headers.authorization;
    if (!a || !a.startsWith('Digest ')) return false;
    const p: Record<string, string> = {};
    for (const m of a.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) p[m[1]] = m[2] ?? m[3];
    if (!this.digestNonces.has(p.nonce) || p.username !== this.opts.user || p.realm !== REALM) return false;
    const alg = (p.algorithm ?? 'MD5').toUpperCase() === 'SHA-256' ? 'sha256' : 'md5';
    const H = (s: string): string => createHash(alg).update(s).digest('hex');
    const ha1 = H(`${p.username}:${REALM}:${this.opts.password}`);
    const ha2 = H(`${req.method}:${p.uri}`);
    if (p.uri !== req.url) return false;
    return p.response === H(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`);
  }
}

function faultStatus(xml: string): number {
  // SOAP 1.2 HTTP binding: Sender faults are 400, Receiver faults 500.
  return /<[\w.-]*:?Value>\s*[\w.-]*:?Sender\s*</.test(xml) ? 400 : 500;
}

/** The action from Content-Type's action="…", else the first Body child's local name. */
export function actionOf(contentType: string, body: string): { ns: string; name: string } {
  const m = /action="?([^";]+)"?/i.exec(contentType);
  if (m) {
    const a = m[1];
    const cut = a.lastIndexOf('/');
    return { ns: a.slice(0, cut), name: a.slice(cut + 1) };
  }
  const b = /<(?:[\w.-]+:)?Body[^>]*>\s*<(?:[\w.-]+:)?([\w.-]+)[^>]*?(?:xmlns="([^"]*)")?/.exec(body);
  return b ? { ns: b[2] ?? '', name: b[1] } : { ns: '', name: '' };
}

export async function startReplay(opts: ReplayOptions): Promise<ReplayServer> {
  return new ReplayServer(opts).start();
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
