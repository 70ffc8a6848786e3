/**
 * Picture health of station cameras: takes a snapshot, analyses it against the
 * camera's reference view and previous snapshot, stores the outcome, and hands a
 * confirmed picture fault (or its end) to monitoring's status machine through
 * CameraStateService.applyViewObservation — the one write this module makes outside
 * its own tables.
 */
import { ForbiddenException, Inject, Injectable, Logger, NotFoundException, OnModuleDestroy, ServiceUnavailableException } from '@nestjs/common';
import { CLOCK, Clock } from '../common/clock';
import { SecretBox } from '../common/secret-box';
import { CAMNET_CONFIG, CamnetConfig } from '../config/config';
import { CameraStateService } from '../monitoring/camera-state.service';
import type { OnvifTarget } from '../monitoring/onvif/onvif.types';
import { analyse, lightSlot, type LightSlot, type ViewState } from './view.analyser';
import { meanAbsDiff, packFeatures, unpackFeatures, type ViewFeatures } from './view.features';
import { FrameError, measureSnapshot } from './view.frame';
import { stepView, type ViewMachineState } from './view.persistence';
import { ViewRepository, type StoredReference, type StoredView, type ViewTargetRow } from './view.repository';
import { SnapshotClient } from './snapshot.client';

export const SNAPSHOT_CLIENT = Symbol('SNAPSHOT_CLIENT');

export interface ViewCheckOptions {
  leaseOwner: string | null;
  source: 'onvif' | 'manual';
}

@Injectable()
export class ViewService implements OnModuleDestroy {
  private readonly logger = new Logger('view');

  constructor(
    private readonly repo: ViewRepository,
    private readonly cameraState: CameraStateService,
    private readonly secrets: SecretBox,
    @Inject(SNAPSHOT_CLIENT) private readonly snapshots: SnapshotClient,
    @Inject(CAMNET_CONFIG) private readonly config: CamnetConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleDestroy(): void {
    this.snapshots.close();
  }

  /** One view check of a leased (or requested) camera. Never throws: failures are stored as `error`. */
  async check(row: ViewTargetRow, opts: ViewCheckOptions): Promise<ViewState> {
    const s = this.config.view;
    const fetched = await this.snapshots.fetch(this.onvifTarget(row), AbortSignal.timeout(s.timeoutMs));
    const at = this.clock.now();
    const stored = await this.storedState(row.camera_id);
    if (stored === null) throw new NotFoundException(`camera ${row.code} is not watched for picture health (only station cameras with an ONVIF address are)`);
    const nextAt = new Date(at.getTime() + s.intervalS * 1000);
    const base = { cameraId: row.camera_id, at, nextAt, leaseOwner: opts.leaseOwner };
    if (fetched.kind !== 'image') {
      const observed: ViewState = fetched.kind === 'no_snapshot' ? 'no_snapshot' : 'error';
      const error = fetched.kind === 'no_snapshot' ? { kind: 'no_snapshot', message: fetched.reason } : { kind: fetched.errorKind, message: fetched.message };
      return this.finish(row, stored, observed, { ...base, metrics: null, error, frozenRun: stored.frozenRun, thumbnail: null, frame: null });
    }
    let snapshot;
    try {
      snapshot = await measureSnapshot(fetched.bytes);
    } catch (e) {
      if (!(e instanceof FrameError)) throw e;
      return this.finish(row, stored, 'error', {
        ...base,
        metrics: null,
        error: { kind: 'not_image', message: e.message },
        frozenRun: stored.frozenRun,
        thumbnail: null,
        frame: null,
      });
    }
    const { features, signature } = snapshot;
    const refs = await this.repo.references(row.camera_id);
    const slot = lightSlot(features, s);
    const pick = (which: LightSlot): ViewFeatures | null => {
      const r = refs.find((x) => x.slot === which);
      return r ? featuresOf(r) : null;
    };
    const analysis = analyse(
      {
        features,
        madToPrevious: stored.frame === null ? null : meanAbsDiff(signature, stored.frame),
        previousFrozenRun: stored.frozenRun,
        reference: pick(slot),
        otherReference: pick(slot === 'day' ? 'night' : 'day'),
        fovDeg: row.fov_deg,
      },
      s,
    );
    let observed: ViewState = analysis.state;
    if (analysis.referenceCandidate) {
      // The first good snapshot in this light becomes its reference.
      const p = packFeatures(features);
      await this.repo.saveReference(row.camera_id, slot, at, 'automatic: first good snapshot', snapshot.thumbnail, p.scalars, p.vectors, true);
      observed = 'ok';
    }
    return this.finish(row, stored, observed, {
      ...base,
      metrics: { ...analysis.metrics, width: snapshot.width, height: snapshot.height, bytes: fetched.bytes.length },
      error: null,
      frozenRun: analysis.frozenRun,
      thumbnail: snapshot.thumbnail,
      frame: Buffer.from(signature.buffer, signature.byteOffset, signature.byteLength),
    });
  }

  /**
   * Makes the current view the reference for its light (a technician fixed or re-aimed
   * the camera): takes a snapshot now, stores it, drops the other light's reference
   * (taken of the old aim), and clears any picture fault at once.
   */
  async setReference(code: string, by: string, seesPrivate = true): Promise<void> {
    const row = await this.watchedTarget(code, seesPrivate);
    const fetched = await this.snapshots.fetch(this.onvifTarget(row), AbortSignal.timeout(this.config.view.timeoutMs));
    if (fetched.kind !== 'image') {
      throw new ServiceUnavailableException(
        `camera ${code} gave no snapshot to take as the reference: ${fetched.kind === 'no_snapshot' ? fetched.reason : fetched.message}`,
      );
    }
    let snapshot;
    try {
      snapshot = await measureSnapshot(fetched.bytes);
    } catch (e) {
      throw new ServiceUnavailableException(`camera ${code}: ${(e as Error).message}`);
    }
    const { features, signature } = snapshot;
    const slot = lightSlot(features, this.config.view);
    const at = this.clock.now();
    const p = packFeatures(features);
    await this.repo.saveReference(row.camera_id, slot, at, by, snapshot.thumbnail, p.scalars, p.vectors, false);
    await this.repo.dropReference(row.camera_id, slot === 'day' ? 'night' : 'day');
    const stored = await this.storedState(row.camera_id);
    await this.repo.saveCheck({
      cameraId: row.camera_id,
      at,
      step: { state: 'ok', pendingState: null, pendingCount: 0 },
      changed: stored?.state !== 'ok',
      observed: 'ok',
      metrics: { reference_set_by: by, slot },
      error: null,
      frozenRun: 0,
      thumbnail: snapshot.thumbnail,
      frame: Buffer.from(signature.buffer, signature.byteOffset, signature.byteLength),
      nextAt: new Date(at.getTime() + this.config.view.intervalS * 1000),
      leaseOwner: null,
    });
    if (stored?.viewIssue) await this.cameraState.applyViewObservation(row.camera_id, null, 'manual');
  }

  /** The camera's stored view, with the picture fault camera_state holds (read through the monitoring module). */
  private async storedState(cameraId: number): Promise<(StoredView & { viewIssue: string | null }) | null> {
    const stored = await this.repo.state(cameraId);
    if (stored === null) return null;
    return { ...stored, viewIssue: await this.cameraState.viewIssue(cameraId) };
  }

  /**
   * A station camera watched for picture health; private cameras are never fetched.
   * Without `seesPrivate` (technicians, planners) a private camera is not found, as on
   * every per-camera route (README, "Who sees private cameras").
   */
  async watchedTarget(code: string, seesPrivate = true): Promise<ViewTargetRow> {
    const row = await this.repo.target(code);
    if (row === null || (row.ownership !== 'station' && !seesPrivate)) throw new NotFoundException(`no camera with code ${code}`);
    if (row.ownership !== 'station') throw new ForbiddenException(`camera ${code} is a private (${row.ownership}) camera: camnet never fetches its picture`);
    if (row.onvif_url === null) throw new NotFoundException(`camera ${code} has no ONVIF address (onvif_url): there is no picture to check`);
    if (row.retired_on !== null) throw new NotFoundException(`camera ${code} was retired on ${row.retired_on}`);
    return row;
  }

  private async finish(
    row: ViewTargetRow,
    stored: { state: ViewMachineState['state']; pendingState: ViewMachineState['pendingState']; pendingCount: number; viewIssue: string | null },
    observed: ViewState,
    w: Omit<Parameters<ViewRepository['saveCheck']>[0], 'step' | 'changed' | 'observed'>,
  ): Promise<ViewState> {
    const step = stepView(stored, observed);
    // Dropped: a technician set a new reference while this snapshot was being judged.
    if (!(await this.repo.saveCheck({ ...w, step: step.next, changed: step.changed, observed }))) return stored.state as ViewState;
    // Applied whenever the wanted issue differs from the stored one, so a crash between
    // the two writes is mended by the next snapshot.
    if (step.issue !== stored.viewIssue) {
      await this.cameraState.applyViewObservation(row.camera_id, step.issue, 'onvif');
      this.logger.log(`camera ${row.code}: picture ${step.issue === null ? 'good again' : step.issue}`);
    }
    return step.next.state as ViewState;
  }

  private onvifTarget(r: ViewTargetRow): OnvifTarget {
    let password: string | null = null;
    if (r.onvif_secret_enc) {
      try {
        password = this.secrets.decrypt(r.onvif_secret_enc);
      } catch {
        this.logger.warn(`camera ${r.code}: the stored ONVIF password cannot be decrypted with this key; fetching its snapshot without it`);
      }
    }
    return { url: r.onvif_url as string, user: r.onvif_user, password };
  }
}

function featuresOf(r: StoredReference): ViewFeatures {
  return unpackFeatures(r.scalars, r.vectors);
}
