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
 *   moved    the scene matches the reference clearly better at a shift of ≥ movedShiftDeg
 *            (a turn, even towards a plainer view, is not a cover or a blur: neither slides the scene)
 *   blocked  ≥ blockedPartialShare of the reference's textured cells blank while the rest keeps its
 *            detail (BLOCKED_REST_SHARP; complete from blockedCompleteShare; without a reference only
 *            a complete, near-uniform frame counts)
 *   frozen   the last frozenFrames snapshots differ by less than frozenMad grey levels each (no reference needed)
 *   blurred  sharpness < blurRatio × the reference's, and the picture still shows the reference's
 *            layout (see BLUR_KEEPS_LAYOUT: a turned camera can show a plainer scene)
 *   moved    the edge maps match nowhere above movedSceneMin (another scene); the shift estimate of a
 *            turn above is reported
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
/**
 * …nor is a cell whose contrast (standard deviation) is at the level of sensor noise
 * and JPEG: a dusk sky's noise can give it gradients above TEXTURED_EDGE, and a cell
 * that only ever showed noise flips between "textured" and "blank" from frame to frame
 * (seen on a real dusk photo: a fifth of its cells did, on a clean frame).
 */
export const TEXTURED_STD = 4;
/**
 * A partial cover hides part of the scene and leaves the rest as it was; a blur, haze
 * or harder compression softens all of it. So the cells a partial block leaves visible
 * must keep their detail: the median, over them, of edge ratio ÷ contrast ratio (both
 * against the reference; the light's gain and haze scale both alike, so this stays near
 * 1 in any light, while a blur takes the edges down much more than the contrast: 0.2–0.4
 * on real photos). Under this, the blank cells are a softened picture, not a cover.
 */
export const BLOCKED_REST_SHARP = 0.6;
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
  blocked_rest_sharp?: number;
  match_at_zero?: number;
  match_best?: number;
  shift_deg?: number | null;
  shift_dy_px?: number;
  /** Vertical part of a shift, degrees on the horizontal scale (+ = the scene slid up: tilted down). */
  tilt_deg?: number;
}

export function lightSlot(f: ViewFeatures, s: Pick<AnalyserSettings, 'nightChroma' | 'nightMean'>): LightSlot {
  return f.chroma < s.nightChroma || f.mean < s.nightMean ? 'night' : 'day';
}

const r3 = (v: number): number => Math.round(v * 1000) / 1000;

export interface BlockedCells {
  /** Share of the reference's textured cells that are blank now. */
  share: number;
  /** Median edge-to-contrast ratio of the textured cells still visible (see BLOCKED_REST_SHARP); null when none is. */
  restSharp: number | null;
}

/** Which of the reference's textured cells are blank now; null when the reference has too few. */
export function blockedCells(cur: ViewFeatures, ref: ViewFeatures, s: Pick<AnalyserSettings, 'blockedEdgeRatio' | 'blockedUniformStd'>): BlockedCells | null {
  // Edges scale with the light (a dusk frame has weaker edges everywhere, a cover only
  // where it lies) and so does each cell's contrast. The light's share is read from the
  // contrast of the cells that kept the most of it (the upper quartile of cur ÷ ref
  // standard deviation): haze (an offset, not a gain) counts as the contrast it takes,
  // and a dark or bright cover over up to three quarters of the frame does not drag the
  // estimate with it, as the frame's mean would. Never above 1: a higher bar would call
  // cells blank that merely kept their detail.
  const ratios: number[] = [];
  for (let c = 0; c < GRID_COLS * GRID_ROWS; c++) {
    if (ref.cellEdge[c] >= TEXTURED_EDGE && ref.cellStd[c] >= TEXTURED_STD) ratios.push(cur.cellStd[c] / ref.cellStd[c]);
  }
  ratios.sort((a, b) => a - b);
  const gain = ratios.length === 0 ? 1 : Math.min(1, Math.max(0.25, ratios[Math.floor(ratios.length * 0.75)]));
  // A flat cell is blank by its own standard deviation, on a bar lowered only by the
  // frame's light (its mean): a cover over the whole lens leaves no cell to read a
  // contrast from, and a dusk frame's shadows are flatter without being covered.
  const light = Math.min(1, Math.max(0.25, (cur.mean + 8) / (ref.mean + 8)));
  let textured = 0;
  let blank = 0;
  const rest: number[] = [];
  for (let c = 0; c < GRID_COLS * GRID_ROWS; c++) {
    if (ref.cellEdge[c] < TEXTURED_EDGE || ref.cellStd[c] < TEXTURED_STD) continue;
    textured++;
    if (cur.cellEdge[c] < s.blockedEdgeRatio * gain * ref.cellEdge[c] || cur.cellStd[c] < s.blockedUniformStd * light) blank++;
    else rest.push(cur.cellEdge[c] / ref.cellEdge[c] / Math.max(1e-6, cur.cellStd[c] / ref.cellStd[c]));
  }
  // Under a sixth of the frame textured (a view of open sky): nothing to judge a cover by.
  if (textured < (GRID_COLS * GRID_ROWS) / 6) return null;
  rest.sort((a, b) => a - b);
  return { share: blank / textured, restSharp: rest.length === 0 ? null : rest[Math.floor(rest.length / 2)] };
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
  // A picture that matches its reference clearly better at a shift shows the same scene
  // slid: the camera turned. Neither a cover nor a blur makes a slid copy of the scene,
  // so this goes first (a turn towards sky or a plain wall also loses textured cells).
  const move = ref === null ? null : moveOf(f, ref, input.fovDeg, s, metrics);
  if (move === 'shifted') return done('moved');
  if (ref !== null) {
    const cells = blockedCells(f, ref, s);
    if (cells !== null) {
      metrics.blocked_share = r3(cells.share);
      if (cells.restSharp !== null) metrics.blocked_rest_sharp = r3(cells.restSharp);
      const complete = cells.share >= s.blockedCompleteShare;
      // A partial block leaves the rest of the picture as sharp as it was (BLOCKED_REST_SHARP).
      if (complete || (cells.share >= s.blockedPartialShare && (cells.restSharp === null || cells.restSharp >= BLOCKED_REST_SHARP))) {
        metrics.blocked_kind = complete ? 'complete' : 'partial';
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
  if (ratio < s.blurRatio) {
    const layoutLost = move === 'elsewhere' && ratio >= s.blurRatio * BLUR_KEEPS_LAYOUT;
    return done(layoutLost ? 'moved' : 'blurred');
  }
  return done(move === null ? 'ok' : 'moved');
}

/**
 * Compares the edge maps; writes the match and shift metrics. Answers 'shifted' (the
 * scene matches clearly better at a shift), 'elsewhere' (it matches nowhere) or null.
 */
function moveOf(
  f: ViewFeatures,
  ref: ViewFeatures,
  fovDeg: number | null,
  s: Pick<AnalyserSettings, 'movedSceneMin' | 'movedShiftDeg'>,
  metrics: ViewMetrics,
): 'shifted' | 'elsewhere' | null {
  const m = estimateShift(f.edges, ref.edges, EDGE_W, EDGE_H, MAX_DX, MAX_DY);
  const fov = fovDeg !== null && fovDeg > 0 ? fovDeg : DEFAULT_FOV_DEG;
  // cur(x) ≈ ref(x + dx): the scene slid left, the camera turned right (clockwise): +.
  const shiftDeg = (m.dx * (FRAME_W / EDGE_W) * fov) / FRAME_W;
  metrics.match_at_zero = r3(m.atZero);
  metrics.match_best = r3(m.best);
  // A tilt moves the view as much as a pan: the shift's length counts, on the same scale.
  const tiltDeg = (m.dy * (FRAME_W / EDGE_W) * fov) / FRAME_W;
  const shifted = Math.hypot(shiftDeg, tiltDeg) >= s.movedShiftDeg && m.best - m.atZero >= SHIFT_MARGIN && m.best >= s.movedSceneMin;
  const elsewhere = m.atZero < s.movedSceneMin && m.best < s.movedSceneMin + SHIFT_MARGIN;
  metrics.shift_deg = shifted ? Math.round(shiftDeg * 10) / 10 : null;
  if (shifted) {
    metrics.shift_dy_px = m.dy * (FRAME_W / EDGE_W);
    metrics.tilt_deg = Math.round(tiltDeg * 10) / 10;
  }
  return shifted ? 'shifted' : elsewhere ? 'elsewhere' : null;
}
