/**
 * The snapshot client against captured replies of real cameras (GetServices or
 * GetCapabilities, GetProfiles, GetSnapshotUri from test/fixtures/onvif/) and a picture
 * server on loopback that demands HTTP Digest (checked here with node:crypto,
 * independently of src/), Basic, or nothing.
 */
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SnapshotClient } from '../../src/view/snapshot.client';
import { ReplayServer } from '../onvif/replay-server';

const USER = 'admin';
const PASSWORD = 'pa55-word';
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2000, 7), Buffer.from([0xff, 0xd9])]);

type PictureAuth = 'none' | 'basic' | 'digest';

class CaptureDevice {
  readonly replay: ReplayServer;
  readonly gets: Array<{ path: string; authorization?: string }> = [];
  readonly soap: string[] = [];
  auth: PictureAuth = 'none';
  pictureFault: 'http404' | 'html200' | 'oversized' | 'hang' | null = null;
  private server!: http.Server;
  port = 0;
  private nonce = 'c0ffee' + Date.now().toString(16);

  constructor(device: string, overrides: Record<string, string> = {}) {
    this.replay = new ReplayServer({ device, overrides });
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => (req.method === 'GET' ? this.picture(req, res) : this.soapReply(Buffer.concat(chunks).toString('utf8'), res)));
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/onvif/device_service`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private soapReply(body: string, res: http.ServerResponse): void {
    const m = /<(?:[\w-]+:)?Body[^>]*>\s*<(?:[\w-]+:)?(\w+)[^>]*xmlns(?::\w+)?="([^"]+)"/.exec(body);
    const name = m?.[1] ?? 'unknown';
    this.soap.push(name);
    const file = this.replay.fileFor(m?.[2] ?? '', name);
    res.writeHead(file.status, { 'Content-Type': 'application/soap+xml; charset=utf-8' }).end(file.xml);
  }

  private picture(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.gets.push({ path: req.url ?? '', authorization: req.headers.authorization });
    if (this.pictureFault === 'hang') return;
    if (this.auth === 'basic' && req.headers.authorization !== `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="camera"' }).end();
      return;
    }
    if (this.auth === 'digest' && !this.digestOk(req)) {
      res.writeHead(401, { 'WWW-Authenticate': `Digest realm="camera", qop="auth", nonce="${this.nonce}", algorithm=MD5` }).end('<html>401</html>');
      return;
    }
    if (this.pictureFault === 'http404') return void res.writeHead(404).end('not found');
    if (this.pictureFault === 'html200') return void res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>login</html>');
    if (this.pictureFault === 'oversized') return void res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': 50_000_000 }).write(JPEG);
    res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': JPEG.length }).end(JPEG);
  }

  private digestOk(req: http.IncomingMessage): boolean {
    const a = req.headers.authorization ?? '';
    if (!a.startsWith('Digest ')) return false;
    const p: Record<string, string> = {};
    for (const m of a.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) p[m[1]] = m[2] ?? m[3];
    const md5 = (s: string) => createHash('md5').update(s).digest('hex');
    if (p.username !== USER || p.nonce !== this.nonce || p.uri !== req.url) return false;
    const expected = md5(`${md5(`${USER}:camera:${PASSWORD}`)}:${p.nonce}:${p.nc}:${p.cnonce}:auth:${md5(`GET:${req.url}`)}`);
    return p.response === expected;
  }
}

const target = (d: CaptureDevice, withCreds = true) => ({ url: d.url, user: withCreds ? USER : null, password: withCreds ? PASSWORD : null });
const signal = () => AbortSignal.timeout(5000);

describe('snapshot client on captured replies', () => {
  // device folder → path of its snapshot URI, rebased onto our host
  const cases: Array<[string, string, string]> = [
    ['axis-m2025le-fixed', '/onvif-cgi/jpg/image.cgi?resolution=1920x1080&compression=30', 'Media2 profiles unsupported → Media'],
    ['dlink-dcs6511-fixed', '/dms?nowprofileid=1', 'no GetServices → GetCapabilities'],
    ['generic-ipnc-ipg8150pss-ptz', '/SnapShot_Ch0.jpg', 'Media2'],
    ['hikvision-ds2df7276-ptz', '/onvif/snapshot', 'Media'],
    ['axis-q6045e-ptz', '/onvif-cgi/jpg/image.cgi?resolution=1280x720&compression=20', 'GetServices faults → GetCapabilities'],
    ['pelco-d6230l-ptz', '/jpeg', 'Media'],
  ];
  test.each(cases)("%s: the picture at %s (%s), the device's own IP rebased onto the configured host", async (device, path) => {
    const d = await new CaptureDevice(device).start();
    const client = new SnapshotClient(1024 * 1024);
    try {
      const r = await client.fetch(target(d), signal());
      expect(r).toMatchObject({ kind: 'image', uri: `http://127.0.0.1:${d.port}${path}` });
      if (r.kind === 'image') expect(r.bytes.equals(JPEG)).toBe(true);
      expect(d.gets.map((g) => g.path)).toEqual([path]);
      // The URI is cached: a second snapshot asks no SOAP question.
      const asked = d.soap.length;
      await expect(client.fetch(target(d), signal())).resolves.toMatchObject({ kind: 'image' });
      expect(d.soap.length).toBe(asked);
    } finally {
      client.close();
      await d.close();
    }
  });
});

describe('snapshot client: authentication and failures', () => {
  let d: CaptureDevice;
  let client: SnapshotClient;
  beforeEach(async () => {
    d = await new CaptureDevice('hikvision-ds2df7276-ptz').start();
    client = new SnapshotClient(64 * 1024);
  });
  afterEach(async () => {
    client.close();
    await d.close();
  });

  test('a device that demands Digest gets it, and later GETs authenticate at once', async () => {
    d.auth = 'digest';
    await expect(client.fetch(target(d), signal())).resolves.toMatchObject({ kind: 'image' });
    expect(d.gets.map((g) => g.authorization?.split(' ')[0] ?? null)).toEqual([null, 'Digest']);
    await expect(client.fetch(target(d), signal())).resolves.toMatchObject({ kind: 'image' });
    expect(d.gets).toHaveLength(3);
    expect(d.gets[2].authorization).toMatch(/nc=00000002/);
  });

  test('a device that demands Basic gets it', async () => {
    d.auth = 'basic';
    await expect(client.fetch(target(d), signal())).resolves.toMatchObject({ kind: 'image' });
    expect(d.gets[1].authorization).toMatch(/^Basic /);
  });

  test('wrong credentials are an auth error naming the host', async () => {
    d.auth = 'digest';
    const r = await client.fetch({ url: d.url, user: USER, password: 'wrong' }, signal());
    expect(r).toMatchObject({ kind: 'error', errorKind: 'auth' });
    if (r.kind === 'error') expect(r.message).toContain(`127.0.0.1:${d.port}`);
  });

  test('a failed GET drops the cached URI: the next snapshot asks GetSnapshotUri again', async () => {
    await client.fetch(target(d), signal());
    const asked = d.soap.filter((s) => s === 'GetSnapshotUri').length;
    d.pictureFault = 'http404';
    await expect(client.fetch(target(d), signal())).resolves.toMatchObject({ kind: 'error', errorKind: 'http_status' });
    d.pictureFault = null;
    await expect(client.fetch(target(d), signal())).resolves.toMatchObject({ kind: 'image' });
    expect(d.soap.filter((s) => s === 'GetSnapshotUri').length).toBe(asked + 1);
  });

  test('an HTML page with status 200 is not a picture', async () => {
    d.pictureFault = 'html200';
    await expect(client.fetch(target(d), signal())).resolves.toMatchObject({ kind: 'error', errorKind: 'not_image' });
  });

  test('a picture over the size limit is refused before it is read', async () => {
    d.pictureFault = 'oversized';
    await expect(client.fetch(target(d), signal())).resolves.toMatchObject({ kind: 'error', errorKind: 'too_large' });
  });

  test("a picture that never comes ends at the caller's deadline as a timeout", async () => {
    d.pictureFault = 'hang';
    await expect(client.fetch(target(d), AbortSignal.timeout(300))).resolves.toMatchObject({ kind: 'error', errorKind: 'timeout' });
  });
});

test('a device whose GetSnapshotUri is not supported says no_snapshot', async () => {
  const fault =
    '<?xml version="1.0"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:ter="http://www.onvif.org/ver10/error"><env:Body><env:Fault>' +
    '<env:Code><env:Value>env:Receiver</env:Value><env:Subcode><env:Value>ter:ActionNotSupported</env:Value></env:Subcode></env:Code>' +
    '<env:Reason><env:Text xml:lang="en">Optional Action Not Implemented</env:Text></env:Reason></env:Fault></env:Body></env:Envelope>';
  const d = await new CaptureDevice('pelco-d6230l-ptz', { GetSnapshotUri: fault }).start();
  const client = new SnapshotClient(64 * 1024);
  try {
    const r = await client.fetch(target(d), signal());
    expect(r.kind).toBe('no_snapshot');
    expect(d.gets).toHaveLength(0);
  } finally {
    client.close();
    await d.close();
  }
});
