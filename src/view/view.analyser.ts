/**
 * Picture health of one snapshot: dark, blocked, frozen, blurred or moved, judged from
 * its features (view.features.ts) against the camera's reference view and its previous
 * snapshot. Pure: the thresholds come in as settings, the persistence rule (two
 * consecutive snapshots before a status changes) is view.persistence.ts's job.
 *
 * Order of the checks, first match wins (a covered lens is also "blurred" and "moved";
 * the cause a technician must fix is the first):
 *
 *   dark     mean ≤ darkMean and ≥ darkShare of the pixels below 40        (no reference needed)
 *   blocked  ≥ blockedPartialShare of the reference's textured cells blank (complete from blockedCompleteShare;
 *            without a reference only a complete, near-uniform frame counts)
 *   frozen   the last frozenFrames snapshots differ by less than frozenMad grey levels each (no reference needed)
 *   blurred  sharpness < blurRatio × the reference's, and the picture still shows the reference's
 *            layout (see BLUR_KEEPS_LAYOUT: a turned camera can show a plainer scene)
 *   moved    the edge maps no longer match at zero shift: a clearly better match at a shift of
 *            ≥ movedShiftDeg (the estimate is reported), or no match above movedSceneMin anywhere
 *   ok
 *
 * Without a reference for the snapshot's light (day or night), the snapshot is
 * `no_reference` unless dark, blocked or frozen; the caller may make it the reference.
 */
import type { ViewSettings } from '../config/config';
import { EDGE_H, EDGE_W, FRAME_W, GRID_COLS, GRID_ROWS, type ViewFeatures } from './view.features';
import { estimateShift } from './view.shift';

export type ViewFault = 'dark' | 'blocked' | 'blurred' | 'frozen' | 'moved';
export type ViewState = 'ok' | ViewFault | 'no_snapshot' | 'no_reference' | 'error';
export type LightSlot = 'day' | 'night';

export type AnalyserSettings = Pick<
  ViewSettings,
  | 'darkMean'
  | 'darkShare'
  | 'blockedEdgeRatio'
  | 'blockedUniformStd'
  | 'blockedPartialShare'
  | 'blockedCompleteShare'
  | 'blurRatio'
  | 'frozenMad'
  | 'frozenFrames'
  | 'movedSceneMin'
  | 'movedShiftDeg'
  | 'nightChroma'
  | 'nightMean'
>;

/** A reference cell with a mean gradient under this (grey levels per pixel) is sky, wall or road: not judged for blocking. */
export const TEXTURED_EDGE = 1.2;
/** A match at a shift must beat the zero-shift match by this much to count as a move (not noise in a flat scene). */
export const SHIFT_MARGIN = 0.1;
/**
 * A picture that lost sharpness is blurred only if it still shows the reference's scene.
 * A camera turned towards sky, a wall or an empty field loses detail without any blur,
 * so its sharpness ratio alone would call it blurred. A blur never makes a shifted copy
 * of the scene match better than the unshifted one, and it keeps the scene's edge layout
 * (zero-shift match ≥ 0.9 in the simulator's scenes) until it has taken away most of the
 * detail: a picture that kept at least this share of blurRatio and lost its layout shows
 * another place. (Below it, a very strong blur can lose the layout too: blurred.)
 */
export const BLUR_KEEPS_LAYOUT = 0.5;
/** Horizontal field of view assumed when the inventory has none (degrees). */
export const DEFAULT_FOV_DEG = 60;
/** Shift search window: ±30 % of the width, ±20 % of the height. */
const MAX_DX = Math.round(EDGE_W * 0.3);
const MAX_DY = Math.round(EDGE_H * 0.2);

export interface AnalysisInput {
  features: ViewFeatures;
  /** Mean absolute difference to the previous snapshot (grey levels); null when there is none. */
  madToPrevious: number | null;
  /** How many consecutive snapshots before this one were already identical to their predecessor. */
  previousFrozenRun: number;
  /** The reference for this snapshot's light, if any. */
  reference: ViewFeatures | null;
  /** The other light's reference, used only to tell a first night (or day) snapshot from a turned camera. */
  otherReference: ViewFeatures | null;
  /** Camera's horizontal field of view, degrees (for the shift estimate). */
  fovDeg: number | null;
}

export interface Analysis {
  state: Exclude<ViewState, 'no_snapshot' | 'error'>;
  slot: LightSlot;
  frozenRun: number;
  /** True when this snapshot may become its light's reference (nothing wrong found and none exists yet). */
  referenceCandidate: boolean;
  metrics: ViewMetrics;
}

export interface ViewMetrics {
  mean: number;
  std: number;
  dark_share: number;
  chroma: number;
  sharpness: number;
  slot: LightSlot;
  mad_to_previous: number | null;
  frozen_run: number;
  sharpness_ratio?: number;
  blocked_share?: number;
  blocked_kind?: 'partial' | 'complete';
  match_at_zero?: number;
  match_best?: number;
  shift_deg?: number | null;
  shift_dy_px?: number;
}

export function lightSlot(f: ViewFeatures, s: Pick<AnalyserSettings, 'nightChroma' | 'nightMean'>): LightSlot {
  return f.chroma < s.nightChroma || f.mean < s.nightMean ? 'night' : 'day';
}

const r3 = (v: number): number => Math.round(v * 1000) / 1000;

/** The share of the reference's textured cells that are blank now; null when the reference has too few. */
export function blockedShare(cur: ViewFeatures, ref: ViewFeatures, s: Pick<AnalyserSettings, 'blockedEdgeRatio' | 'blockedUniformStd'>): number | null {
  // Edges scale with the light: a dusk frame has weaker edges everywhere, a cover only where it lies.
  const gain = Math.min(1.5, Math.max(0.25, (cur.mean + 8) / (ref.mean + 8)));
  let textured = 0;
  let blank = 0;
  for (let c = 0; c < GRID_COLS * GRID_ROWS; c++) {
    if (ref.cellEdge[c] < TEXTURED_EDGE) continue;
    textured++;
    if (cur.cellEdge[c] < s.blockedEdgeRatio * gain * ref.cellEdge[c] || cur.cellStd[c] < s.blockedUniformStd * Math.min(1, gain)) blank++;
  }
  // Under a sixth of the frame textured (a view of open sky): nothing to judge a cover by.
  return textured < (GRID_COLS * GRID_ROWS) / 6 ? null : blank / textured;
}

/** Share of near-uniform cells, for a frame without a reference. */
function uniformShare(cur: ViewFeatures, uniformStd: number): number {
  let n = 0;
  for (let c = 0; c < cur.cellStd.length; c++) if (cur.cellStd[c] < uniformStd) n++;
  return n / cur.cellStd.length;
}

export function analyse(input: AnalysisInput, s: AnalyserSettings): Analysis {
  const f = input.features;
  const slot = lightSlot(f, s);
  const frozenNow = input.madToPrevious !== null && input.madToPrevious < s.frozenMad;
  const frozenRun = frozenNow ? input.previousFrozenRun + 1 : 0;
  const metrics: ViewMetrics = {
    mean: r3(f.mean),
    std: r3(f.std),
    dark_share: r3(f.darkShare),
    chroma: r3(f.chroma),
    sharpness: r3(f.sharpness),
    slot,
    mad_to_previous: input.madToPrevious === null ? null : r3(input.madToPrevious),
    frozen_run: frozenRun,
  };
  const done = (state: Analysis['state'], referenceCandidate = false): Analysis => ({ state, slot, frozenRun, referenceCandidate, metrics });

  if (f.mean <= s.darkMean && f.darkShare >= s.darkShare) return done('dark');

  const ref = input.reference;
  if (ref !== null) {
    const share = blockedShare(f, ref, s);
    if (share !== null) {
      metrics.blocked_share = r3(share);
      if (share >= s.blockedPartialShare) {
        metrics.blocked_kind = share >= s.blockedCompleteShare ? 'complete' : 'partial';
        return done('blocked');
      }
    }
  }
  if (ref === null || metrics.blocked_share === undefined) {
    const uniform = uniformShare(f, s.blockedUniformStd);
    if (uniform >= s.blockedCompleteShare) {
      metrics.blocked_share = r3(uniform);
      metrics.blocked_kind = 'complete';
      return done('blocked');
    }
  }

  // "Several, not two": frozenFrames snapshots make frozenFrames − 1 identical pairs.
  if (frozenRun >= s.frozenFrames - 1) return done('frozen');

  if (ref === null) {
    // A first snapshot in this light: make sure it is the same scene as the other light's reference.
    if (input.otherReference !== null && moveOf(f, input.otherReference, input.fovDeg, s, metrics) !== null) return done('moved');
    return done('no_reference', !frozenNow);
  }

  const ratio = ref.sharpness > 0 ? f.sharpness / ref.sharpness : 1;
  metrics.sharpness_ratio = r3(ratio);
  const move = moveOf(f, ref, input.fovDeg, s, metrics);
  if (ratio < s.blurRatio) {
    const layoutLost = move === 'shifted' || (move === 'elsewhere' && ratio >= s.blurRatio * BLUR_KEEPS_LAYOUT);
    return done(layoutLost ? 'moved' : 'blurred');
  }
  return done(move === null ? 'ok' : 'moved');
}

/**
 * Compares the edge maps; writes the match and shift metrics. Answers 'shifted' (the
 * scene matches clearly better at a shift), 'elsewhere' (it matches nowhere) or null.
 */
function moveOf(f: ViewFeatures, ref: ViewFeatures, fovDeg: number | null, s: Pick<AnalyserSettings, 'movedSceneMin' | 'movedShiftDeg'>, metrics: ViewMetrics): 'shifted' | 'elsewhere' | null {
  const m = estimateShift(f.edges, ref.edges, EDGE_W, EDGE_H, MAX_DX, MAX_DY);
  const fov = fovDeg !== null && fovDeg > 0 ? fovDeg : DEFAULT_FOV_DEG;
  // cur(x) ≈ ref(x + dx): the scene slid left, the camera turned right (clockwise): +.
  const shiftDeg = (m.dx * (FRAME_W / EDGE_W) * fov) / FRAME_W;
  metrics.match_at_zero = r3(m.atZero);
  metrics.match_best = r3(m.best);
  const shifted = Math.abs(shiftDeg) >= s.movedShiftDeg && m.best - m.atZero >= SHIFT_MARGIN && m.best >= s.movedSceneMin;
  const elsewhere = m.atZero < s.movedSceneMin && m.best < s.movedSceneMin + SHIFT_MARGIN;
  metrics.shift_deg = shifted ? Math.round(shiftDeg * 10) / 10 : null;
  if (shifted) metrics.shift_dy_px = m.dy * (FRAME_W / EDGE_W);
  return shifted ? 'shifted' : elsewhere ? 'elsewhere' : null;
}
