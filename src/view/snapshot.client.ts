/**
 * Fetches a camera's current picture over ONVIF: finds the media service (Media2 first,
 * then Media), its first profile and GetSnapshotUri once, caches the URI, and GETs the
 * JPEG with the camera's credentials — HTTP Digest or Basic, whichever the device
 * demands in its 401 — under the caller's deadline and a size limit. Any failure of the
 * GET drops the cached URI, so the next snapshot asks for it again (a reboot may change
 * it). Like a probe, it never throws: every outcome is a SnapshotResult.
 */
import * as http from 'node:http';
import { digestAuthorization, pickDigestChallenge, type DigestChallenge } from '../monitoring/onvif/digest.auth';
import { NS_MEDIA1, NS_MEDIA2, OnvifClient } from '../monitoring/onvif/onvif.client';
import { OnvifError, type OnvifErrorKind, type OnvifTarget } from '../monitoring/onvif/onvif.types';

export type SnapshotResult =
  | { kind: 'image'; bytes: Buffer; uri: string }
  /** The device has no way to give a snapshot (no media service, no profile, GetSnapshotUri not supported). */
  | { kind: 'no_snapshot'; reason: string }
  | { kind: 'error'; errorKind: OnvifErrorKind | 'not_image'; message: string };

interface SnapshotEndpoint {
  uri: string;
}

/** A snapshot's media service: where and which version. */
interface MediaService {
  xaddr: string;
  media2: boolean;
}

const CACHE_LIMIT = 100_000;

export class SnapshotClient {
  private readonly onvif: OnvifClient;
  private readonly agent: http.Agent;
  /** GetSnapshotUri's answer per device URL. */
  private readonly endpoints = new Map<string, SnapshotEndpoint>();
  /** How each host:port + user wants to be authenticated for the JPEG, learnt from its 401. */
  private readonly auth = new Map<string, { scheme: 'basic' } | { scheme: 'digest'; challenge: DigestChallenge; nc: number }>();

  constructor(
    private readonly maxBytes: number,
    onvif?: OnvifClient,
  ) {
    this.onvif = onvif ?? new OnvifClient({ maxSocketsPerHost: 16 });
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 16, maxTotalSockets: 256, maxFreeSockets: 64 });
  }

  close(): void {
    this.agent.destroy();
    this.onvif.close();
  }

  /** The cached snapshot URI of a device, if any (for the API's metrics). */
  cachedUri(url: string): string | null {
    return this.endpoints.get(url)?.uri ?? null;
  }

  async fetch(target: OnvifTarget, signal: AbortSignal): Promise<SnapshotResult> {
    let endpoint = this.endpoints.get(target.url);
    if (endpoint === undefined) {
      try {
        const found = await this.discover(target, signal);
        if (typeof found === 'string') return { kind: 'no_snapshot', reason: found };
        endpoint = found;
      } catch (e) {
        return asError(e);
      }
      if (this.endpoints.size >= CACHE_LIMIT) this.endpoints.clear();
      this.endpoints.set(target.url, endpoint);
    }
    try {
      const bytes = await this.get(endpoint.uri, target, signal);
      return { kind: 'image', bytes, uri: endpoint.uri };
    } catch (e) {
      // Re-read the URI next time: a reboot or a profile change may have moved it.
      this.endpoints.delete(target.url);
      return asError(e);
    }
  }

  /** The snapshot URI, or why there is none. Throws OnvifError when the device fails. */
  private async discover(target: OnvifTarget, signal: AbortSignal): Promise<SnapshotEndpoint | string> {
    const services = await this.mediaServices(target, signal);
    if (services.length === 0) return 'the device lists no media service';
    let lastFault: OnvifError | null = null;
    for (const svc of services) {
      try {
        const profiles = await this.onvif.getMediaProfiles(target, svc.xaddr, svc.media2, signal);
        if (profiles.length === 0) return 'the device has no media profile';
        return { uri: await this.onvif.getSnapshotUri(target, svc.xaddr, svc.media2, profiles[0].token, signal) };
      } catch (e) {
        // A fault from Media2 (not implemented, or no snapshot there): try Media before giving up.
        if (e instanceof OnvifError && e.kind === 'soap_fault') {
          lastFault = e;
          continue;
        }
        throw e;
      }
    }
    return `the device does not give snapshots (${lastFault?.message ?? 'GetSnapshotUri refused'})`;
  }

  /** Media2 first (newer firmware lists both), then Media; from GetServices, or GetCapabilities on old firmware. */
  private async mediaServices(target: OnvifTarget, signal: AbortSignal): Promise<MediaService[]> {
    const out: MediaService[] = [];
    try {
      const services = await this.onvif.getServices(target, signal);
      const m2 = services.find((s) => s.namespace === NS_MEDIA2);
      const m1 = services.find((s) => s.namespace === NS_MEDIA1);
      if (m2) out.push({ xaddr: m2.xaddr, media2: true });
      if (m1) out.push({ xaddr: m1.xaddr, media2: false });
      return out;
    } catch (e) {
      if (!(e instanceof OnvifError) || e.kind !== 'soap_fault') throw e;
    }
    const caps = await this.onvif.getCapabilities(target, signal);
    if (caps.Media) out.push({ xaddr: caps.Media, media2: false });
    return out;
  }

  /** GET of the picture: plain first, then as the 401 asks; the learnt scheme is reused. */
  private async get(uri: string, target: OnvifTarget, signal: AbortSignal): Promise<Buffer> {
    let u: URL;
    try {
      u = new URL(uri);
    } catch {
      throw new OnvifError('malformed', `the snapshot URI "${uri}" cannot be parsed`);
    }
    if (u.protocol !== 'http:') throw new OnvifError('refused', `snapshot URI scheme ${u.protocol} is not supported (${u.host})`);
    const path = (u.pathname || '/') + u.search;
    const creds = target.user !== null && target.password !== null;
    const key = `${u.host}\n${target.user ?? ''}`;
    const header = (): string | undefined => {
      const a = creds ? this.auth.get(key) : undefined;
      if (a === undefined) return undefined;
      if (a.scheme === 'basic') return basic(target.user!, target.password!);
      return digestAuthorization(a.challenge, target.user!, target.password!, 'GET', path, ++a.nc);
    };
    let reply = await this.request(u, path, header(), signal);
    if (reply.status === 401 && creds) {
      const digest = pickDigestChallenge(reply.challenges);
      if (digest !== null) this.auth.set(key, { scheme: 'digest', challenge: digest, nc: 0 });
      else if (reply.challenges.some((c) => /^\s*basic\b/i.test(c))) this.auth.set(key, { scheme: 'basic' });
      else this.auth.delete(key);
      if (this.auth.size >= CACHE_LIMIT) this.auth.clear();
      if (this.auth.has(key)) reply = await this.request(u, path, header(), signal);
    }
    if (reply.status === 401 || reply.status === 403) {
      this.auth.delete(key);
      throw new OnvifError(
        'auth',
        `snapshot: ${u.host} refused ${creds ? 'the credentials' : 'a request without credentials'} (HTTP ${reply.status})`,
        reply.status,
      );
    }
    if (reply.status < 200 || reply.status >= 300)
      throw new OnvifError('http_status', `snapshot: ${u.host} answered HTTP ${reply.status} for ${u.pathname}`, reply.status);
    const b = reply.body;
    // JPEG starts with FF D8; a 200 with an HTML login page is not a picture.
    if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) {
      throw new SnapshotNotImage(`snapshot: ${u.host} answered ${reply.contentType || 'something'} of ${b.length} bytes that is not a JPEG`);
    }
    return b;
  }

  private request(
    u: URL,
    path: string,
    authorization: string | undefined,
    signal: AbortSignal,
  ): Promise<{ status: number; challenges: string[]; body: Buffer; contentType: string }> {
    const max = this.maxBytes;
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(new OnvifError('timeout', `snapshot: no picture from ${u.host} before the deadline`));
      let settled = false;
      const fail = (e: Error): void => {
        if (settled) return;
        settled = true;
        reject(e);
      };
      const headers: http.OutgoingHttpHeaders = { Accept: 'image/jpeg' };
      if (authorization !== undefined) headers.Authorization = authorization;
      const req = http.request(
        { agent: this.agent, hostname: u.hostname.replace(/^\[|\]$/g, ''), port: u.port ? Number(u.port) : 80, path, method: 'GET', headers, signal },
        (res) => {
          const status = res.statusCode ?? 0;
          const declared = Number(res.headers['content-length']);
          if (declared > max) {
            res.destroy();
            return fail(new OnvifError('too_large', `snapshot: ${u.host} announces ${declared} bytes, over the ${max}-byte limit`, status));
          }
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            if (settled) return;
            size += c.length;
            if (size > max) {
              res.destroy();
              return fail(new OnvifError('too_large', `snapshot: the picture from ${u.host} exceeds ${max} bytes; reading stopped`, status));
            }
            chunks.push(c);
          });
          res.on('end', () => {
            if (settled) return;
            settled = true;
            resolve({
              status,
              challenges: status === 401 ? (res.headersDistinct['www-authenticate'] ?? []) : [],
              body: Buffer.concat(chunks, size),
              contentType: String(res.headers['content-type'] ?? ''),
            });
          });
          res.on('error', () =>
            fail(
              signal.aborted
                ? new OnvifError('timeout', `snapshot: no picture from ${u.host} before the deadline`)
                : new OnvifError('malformed', `snapshot: the picture from ${u.host} was cut off after ${size} bytes`),
            ),
          );
        },
      );
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (signal.aborted) return fail(new OnvifError('timeout', `snapshot: no picture from ${u.host} before the deadline`));
        fail(new OnvifError('refused', `snapshot: cannot reach ${u.host} (${err.code ?? 'error'}: ${err.message})`));
      });
      req.end();
    });
  }
}

class SnapshotNotImage extends Error {}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

function asError(e: unknown): SnapshotResult {
  if (e instanceof OnvifError) return { kind: 'error', errorKind: e.kind, message: e.message };
  if (e instanceof SnapshotNotImage) return { kind: 'error', errorKind: 'not_image', message: e.message };
  return { kind: 'error', errorKind: 'malformed', message: `snapshot: ${(e as Error)?.message ?? String(e)}` };
}
