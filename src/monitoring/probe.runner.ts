/**
 * Runs one ONVIF check of one camera: first contact when needed (cached in memory),
 * the probe under a deadline this runner owns (AbortController, timer always
 * cleared), timing, the global concurrency limit, and the hand-over of the result to
 * the state service together with the schedule's next step. A probe that throws
 * becomes a failed result; nothing here throws past run().
 */
import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { CLOCK, Clock } from '../common/clock';
import { CAMNET_CONFIG, CamnetConfig } from '../config/config';
import { AppliedCheck, CameraStateService, EventSource } from './camera-state.service';
import { MaintenanceService } from './maintenance.service';
import { MonitoringMetrics } from './monitoring.metrics';
import { firstContact } from './onvif/onvif.first-contact';
import { OnvifClient } from './onvif/onvif.client';
import { OnvifProbe } from './onvif/onvif.probe';
import { OnvifError, type OnvifErrorKind, type FirstContactResult, type OnvifTarget, type ProbeResult, type ProbeTarget } from './onvif/onvif.types';
import type { Status } from '../domain/status';

/** The probe contract the runner drives (DESIGN.md "ONVIF"); tests may provide their own. */
export interface CameraProbe {
  check(target: ProbeTarget, signal: AbortSignal): Promise<ProbeResult>;
  firstContact(target: OnvifTarget, signal: AbortSignal): Promise<FirstContactResult>;
  close?(): void;
}
export const CAMERA_PROBE = Symbol('CAMERA_PROBE');

/** The ONVIF probe of DESIGN.md: the lean keep-alive client for checks, the onvif package for first contact. */
export function createOnvifCameraProbe(clock: Clock, concurrency: number): CameraProbe {
  const client = new OnvifClient({ clock, maxSocketsPerHost: Math.max(64, concurrency), maxTotalSockets: Math.max(1024, concurrency * 2) });
  const probe = new OnvifProbe(client);
  return {
    check: (t, s) => probe.check(t, s),
    firstContact: (t, s) => firstContact(t, s),
    close: () => client.close(),
  };
}

/** A camera as the runner needs it, with its password already decrypted. */
export interface CheckTarget {
  cameraId: number;
  code: string;
  url: string;
  user: string | null;
  password: string | null;
  ptz: boolean;
  registeredDeg: number;
  stationCode: string | null;
  communeCode: string | null;
  communeCode2025: string | null;
  /** Status before this check. */
  status: Status;
  /** Consecutive unreachable checks before this one. */
  failures: number;
  intervalS: number;
}

export interface CheckOutcome {
  result: ProbeResult;
  applied: AppliedCheck;
}

/**
 * Seconds until the next check. A camera down for a short time (up to four failed
 * checks: confirmation plus two more) keeps the normal interval, so a quick recovery
 * is still seen within two intervals; after that the interval doubles up to 10×.
 * Jitter only shortens the wait (never beyond one interval) and keeps checks spread.
 */
export function nextCheckDelayS(intervalS: number, failures: number, random: number): number {
  const factor = failures <= 4 ? 1 : Math.min(10, 2 ** (failures - 4));
  return intervalS * factor * (0.9 + 0.1 * random);
}

@Injectable()
export class ProbeRunner implements OnModuleDestroy {
  private readonly logger = new Logger('probe');
  private running = 0;
  /** First-contact findings per camera; rebuilt after a recovery. */
  private readonly contacts = new Map<number, FirstContactResult>();
  /** Cameras whose device information was read since the last recovery. */
  private readonly deviceKnown = new Set<number>();

  constructor(
    @Inject(CAMERA_PROBE) private readonly probe: CameraProbe,
    private readonly state: CameraStateService,
    private readonly maintenance: MaintenanceService,
    private readonly metrics: MonitoringMetrics,
    @Inject(CAMNET_CONFIG) private readonly config: CamnetConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Checks still talking to their cameras (not yet applying their result). */
  private observing = 0;

  get inFlight(): number {
    return this.running;
  }

  get freeSlots(): number {
    return Math.max(0, this.config.probeConcurrency - this.running);
  }

  /** Checks one camera and applies the result. Never rejects for a device's failure. */
  async run(target: CheckTarget, opts: { source: EventSource; leaseOwner: string | null }): Promise<CheckOutcome> {
    this.running++;
    const started = performance.now();
    try {
      this.observing++;
      const result = await this.observe(target).finally(() => this.observing--);
      result.latencyMs = performance.now() - started;
      this.metrics.checkSeconds.observe(result.latencyMs / 1000);
      this.metrics.checks.inc({ result: !result.reachable ? 'unreachable' : result.ok ? 'ok' : 'error' });
      const failures = result.reachable ? 0 : target.failures + 1;
      const now = this.clock.now();
      const applied = await this.state.applyCheck(target.cameraId, result, {
        source: opts.source,
        // Scheduled checks started together end together: the first results wait for the rest to share one write.
        peersRunning: opts.source !== 'manual' && this.observing > 0,
        inMaintenance: this.maintenance.covers(target),
        schedule: {
          nextAt: new Date(now.getTime() + nextCheckDelayS(target.intervalS, failures, Math.random()) * 1000),
          failures,
          leaseOwner: opts.leaseOwner,
        },
      });
      if (!result.reachable) {
        // After it comes back the camera may have been replaced or reconfigured.
        this.contacts.delete(target.cameraId);
        this.deviceKnown.delete(target.cameraId);
      } else if (result.device !== null) this.deviceKnown.add(target.cameraId);
      return { result, applied };
    } finally {
      this.running--;
    }
  }

  onModuleDestroy(): void {
    this.probe.close?.();
  }

  private async observe(t: CheckTarget): Promise<ProbeResult> {
    const base: OnvifTarget = { url: t.url, user: t.user, password: t.password };
    let contactError: OnvifError | null = null;
    if (t.ptz && !this.contacts.has(t.cameraId)) {
      // First contact asks several things (services or capabilities, profiles).
      const contact = await this.withDeadline(this.config.probeTimeoutMs * 3, (signal) => this.probe.firstContact(base, signal));
      if (contact.ok) this.contacts.set(t.cameraId, contact.value);
      else contactError = contact.error instanceof OnvifError ? contact.error : new OnvifError('malformed', messageOf(contact.error));
    }
    if (contactError !== null && (contactError.kind === 'timeout' || contactError.kind === 'refused')) {
      // The device did not answer at all: asking again now would only wait out another deadline.
      return failedResult(contactError.kind, contactError.message);
    }
    const contact = this.contacts.get(t.cameraId);
    // Fixed cameras get GetDeviceInformation at every check: it is their only
    // authenticated request, so without it a changed password would go unseen.
    const needDeviceInfo = !t.ptz || !this.deviceKnown.has(t.cameraId) || (t.status !== 'online' && t.status !== 'degraded');
    const target: ProbeTarget = {
      ...base,
      ptzXaddr: contact?.ptzXaddr ?? undefined,
      profileToken: contact?.profileToken ?? undefined,
      headingDeg: t.registeredDeg,
      ptz: t.ptz && contact?.hasPtz !== false,
      needDeviceInfo,
    };
    const steps = 1 + (target.ptz ? 1 : 0) + (needDeviceInfo ? 1 : 0);
    const outcome = await this.withDeadline(this.config.probeTimeoutMs * steps, (signal) => this.probe.check(target, signal));
    const result: ProbeResult = outcome.ok ? outcome.value : failedResult('malformed', `probe failed: ${messageOf(outcome.error)}`);
    if (outcome.ok === false) this.logger.warn(`probe of ${t.code} threw: ${messageOf(outcome.error)}`);
    // A device that answers but refuses our credentials at first contact is an auth failure.
    if (result.reachable && contactError?.kind === 'auth' && result.error === null) {
      result.error = { kind: 'auth', message: contactError.message };
      result.ok = false;
    }
    return result;
  }

  /** Runs fn under an AbortController that fires after ms; the timer is always cleared. */
  private async withDeadline<T>(ms: number, fn: (signal: AbortSignal) => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), ms);
    try {
      return { ok: true, value: await fn(ac.signal) };
    } catch (error) {
      return { ok: false, error };
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The message of whatever a probe threw (an Error or anything else). */
function messageOf(thrown: unknown): string {
  return thrown instanceof Error ? thrown.message : String(thrown);
}

function failedResult(kind: OnvifErrorKind, message: string): ProbeResult {
  return { ok: false, reachable: false, error: { kind, message }, clockOffsetS: null, ptz: null, headingDeg: null, device: null, latencyMs: 0, warnings: [] };
}
