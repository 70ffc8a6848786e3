/**
 * First contact with a camera: which services it has (GetServices, or GetCapabilities on
 * old firmware such as the Axis Q6045-E, whose GetServices faults), where its PTZ and
 * media services live, and the profile token PTZ GetStatus needs. Runs once per camera,
 * and again after a recovery, so it uses the onvif package (the project's reference
 * client) rather than the lean poll-loop client.
 *
 * Guarded against the package's known pitfalls (NOTES.md §8): its 120 s default timeout
 * is replaced; service addresses are rebased onto the configured host (preserveAddress
 * plus our own rebaseXaddr); callbacks are wrapped so a double callback cannot resolve
 * twice; profile tokens are read from the raw GetProfiles XML with our parser, because
 * the package turns numeric-looking text into numbers ("0" → 0, "1.0" → 1). Device
 * information is not taken from it for the same reason: use OnvifClient.getDeviceInformation.
 */
import { Cam } from 'onvif';
import { rebaseXaddr } from './onvif.client';
import { OnvifError, type FirstContactResult, type OnvifTarget } from './onvif.types';
import { parseSoap, readProfiles, type MediaProfile } from './soap.parser';

export interface FirstContactOptions {
  /**
   * Socket timeout handed to the onvif package. The caller's signal is the real deadline;
   * this only bounds how long the package's abandoned sockets linger after an abort,
   * since the package cannot be cancelled.
   */
  packageTimeoutMs?: number;
}

/** Maps the package's plain Error objects onto our error kinds. */
export function classifyPackageError(err: unknown): OnvifError {
  if (err instanceof OnvifError) return err;
  const e = err as NodeJS.ErrnoException | undefined;
  const msg = e?.message ?? String(err);
  if (e?.code === 'ECONNREFUSED') return new OnvifError('refused', `first contact: connection refused (${msg})`);
  if (e?.code === 'ETIMEDOUT' || /network timeout/i.test(msg)) return new OnvifError('timeout', `first contact: ${msg}`);
  if (e?.code) return new OnvifError('refused', `first contact: cannot reach the device (${e.code}: ${msg})`);
  if (/digest authentication|not ?authori[sz]ed|unauthori[sz]ed|authority failure|wsse/i.test(msg)) {
    return new OnvifError('auth', `first contact: credentials refused (${msg})`);
  }
  if (/soap fault/i.test(msg)) return new OnvifError('soap_fault', `first contact: ${msg}`);
  return new OnvifError('malformed', `first contact: unusable reply (${msg})`);
}

function profilesFromPackage(cam: Cam): MediaProfile[] {
  const list = (cam as unknown as { profiles?: Array<{ $?: { token?: unknown }; name?: unknown; PTZConfiguration?: { $?: { token?: unknown } } }> }).profiles;
  if (!Array.isArray(list)) return [];
  return list
    .filter((p) => p?.$?.token !== undefined)
    .map((p) => ({
      token: String(p.$!.token),
      name: p.name === undefined ? null : String(p.name),
      ptzConfigToken: p.PTZConfiguration ? String(p.PTZConfiguration.$?.token ?? '') : null,
    }));
}

/**
 * Discovers services and profiles. Never follows an address off the configured host.
 * Rejects with an OnvifError; an abort of `signal` rejects with kind 'timeout'.
 */
export function firstContact(target: OnvifTarget, signal: AbortSignal, opts: FirstContactOptions = {}): Promise<FirstContactResult> {
  return new Promise<FirstContactResult>((resolve, reject) => {
    let u: URL;
    try {
      u = new URL(target.url);
    } catch {
      reject(new OnvifError('refused', `invalid ONVIF URL "${target.url}"`));
      return;
    }
    if (signal.aborted) {
      reject(new OnvifError('timeout', `first contact with ${u.host}: aborted before it started`));
      return;
    }
    let done = false;
    const onAbort = (): void => finish(new OnvifError('timeout', `first contact with ${u.host}: no answer before the deadline`));
    const finish = (err: OnvifError | null, value?: FirstContactResult): void => {
      if (done) return;
      done = true;
      signal.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(value!);
    };
    signal.addEventListener('abort', onAbort, { once: true });

    let cam: Cam;
    const rawProfiles: string[] = [];
    try {
      cam = new Cam({
        hostname: u.hostname,
        port: u.port ? Number(u.port) : 80,
        path: (u.pathname || '/') + u.search,
        username: target.user ?? undefined,
        password: target.password ?? undefined,
        timeout: opts.packageTimeoutMs ?? 5000,
        preserveAddress: true,
        autoconnect: false,
      });
    } catch (e) {
      finish(classifyPackageError(e));
      return;
    }
    cam.on('rawResponse', (xml: string) => {
      if (xml.includes('GetProfilesResponse')) rawProfiles.push(xml);
    });
    // The package emits 'warning' for media failures; swallow so it is never an unhandled event.
    cam.on('warning', () => undefined);
    cam.on('error', () => undefined);

    try {
      cam.connect((err: Error | null) => {
        if (done) return;
        if (err) {
          finish(classifyPackageError(err));
          return;
        }
        try {
          finish(null, summarize(cam, target.url, rawProfiles));
        } catch (e) {
          finish(classifyPackageError(e));
        }
      });
    } catch (e) {
      finish(classifyPackageError(e));
    }
  });
}

function summarize(cam: Cam, configuredUrl: string, rawProfiles: string[]): FirstContactResult {
  const uri = cam.uri ?? {};
  const href = (k: string): string | null => {
    const a = uri[k]?.href;
    return a ? rebaseXaddr(a, configuredUrl) : null;
  };
  const ptzXaddr = href('ptz') ?? href('PTZ');
  const mediaXaddr = href('media');
  // Media2 devices are asked through Media2 first; its replies may omit configurations
  // (an IPG-8150PSS lists empty Configurations), so any reply naming a PTZ config wins.
  const lists: MediaProfile[][] = [];
  for (const xml of rawProfiles) {
    const r = parseSoap(xml);
    const list = r.kind === 'body' ? readProfiles(r.payload) : null;
    if (list && list.length > 0) lists.push(list);
  }
  if (lists.length === 0) lists.push(profilesFromPackage(cam));
  let withPtz: MediaProfile | undefined;
  for (const l of lists) withPtz ??= l.find((p) => p.ptzConfigToken !== null);
  const first = lists[0][0] as MediaProfile | undefined;
  return {
    ptzXaddr,
    mediaXaddr,
    profileToken: (withPtz ?? first)?.token ?? null,
    hasPtz: ptzXaddr !== null && (withPtz !== undefined || cam.media2Support === true),
  };
}
