/**
 * The ONVIF probe: one check of one camera, per DESIGN.md "ONVIF". It observes only:
 * no database writes, no timers (the runner's AbortSignal is the deadline), and it never
 * throws: every failure becomes part of the ProbeResult.
 */
import { normalizeDeg } from '../../geo/geo.math';
import { OnvifClient } from './onvif.client';
import { OnvifError, type ProbeResult, type ProbeTarget } from './onvif.types';

/**
 * Heading (degrees, [0, 360)) of a PTZ camera from its generic pan value: the generic
 * space [-1, 1] spans ±180° around the registered heading at pan 0. Null pan → null.
 */
export function panToHeading(registeredHeadingDeg: number, pan: number | null): number | null {
  if (pan === null || !Number.isFinite(pan) || !Number.isFinite(registeredHeadingDeg)) return null;
  return normalizeDeg(registeredHeadingDeg + pan * 180);
}

/** The device answered something, even if it was a refusal or garbage. */
function answered(e: OnvifError): boolean {
  return e.kind === 'auth' || e.kind === 'soap_fault' || e.kind === 'http_status' || e.kind === 'malformed' || e.kind === 'too_large';
}

function asOnvifError(e: unknown): OnvifError {
  if (e instanceof OnvifError) return e;
  // Defensive: the client classifies everything, but a probe must never throw.
  return new OnvifError('malformed', `unexpected failure: ${e instanceof Error ? e.message : String(e)}`);
}

export class OnvifProbe {
  constructor(
    private readonly client: OnvifClient,
    /** Monotonic milliseconds, for latency only. */
    private readonly monotonicMs: () => number = () => performance.now(),
  ) {}

  /**
   * GetSystemDateAndTime (liveness, clock offset), then for PTZ cameras an authenticated
   * PTZ GetStatus, then GetDeviceInformation when asked. Steps after liveness all run
   * even if one fails; the first failure is `error`, later ones go to `warnings`.
   */
  async check(target: ProbeTarget, signal: AbortSignal): Promise<ProbeResult> {
    const started = this.monotonicMs();
    const result: ProbeResult = {
      ok: false,
      reachable: false,
      error: null,
      clockOffsetS: null,
      ptz: null,
      headingDeg: null,
      device: null,
      latencyMs: 0,
      warnings: [],
    };
    const record = (e: unknown): void => {
      const err = asOnvifError(e);
      if (answered(err)) result.reachable = true;
      if (result.error === null) result.error = { kind: err.kind, message: err.message };
      else result.warnings.push(`${err.kind}: ${err.message}`);
    };
    try {
      const clock = await this.client.getSystemDateAndTime(target, signal);
      result.reachable = true;
      result.clockOffsetS = clock.offsetS;
      if (clock.localOnly) result.warnings.push('device reports LocalDateTime only; clock offset unknown');
    } catch (e) {
      record(e);
      result.latencyMs = this.monotonicMs() - started;
      return result;
    }
    if (target.ptz && !signal.aborted) {
      if (!target.profileToken) {
        result.warnings.push('PTZ camera without a profile token: first contact has not run');
      } else {
        try {
          const st = await this.client.getPtzStatus(target, target.profileToken, signal);
          result.ptz = { pan: st.pan, tilt: st.tilt, zoom: st.zoom };
          result.headingDeg = panToHeading(target.headingDeg, st.pan);
          if (st.nonGenericUnits) result.warnings.push('PTZ position not in the generic space; values withheld');
          else if (st.spaceMissing) result.warnings.push('PTZ position has no space attribute; assumed generic');
        } catch (e) {
          record(e);
        }
      }
    }
    if (target.needDeviceInfo && !signal.aborted) {
      try {
        result.device = await this.client.getDeviceInformation(target, signal);
      } catch (e) {
        record(e);
      }
    }
    if (signal.aborted && result.error === null) record(new OnvifError('timeout', 'check aborted before all steps ran'));
    result.ok = result.error === null;
    result.latencyMs = this.monotonicMs() - started;
    return result;
  }
}
