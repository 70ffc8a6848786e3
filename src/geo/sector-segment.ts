/**
 * Exact intersection of one straight route segment with one camera's sector
 * (disc of radius range ∩ angular wedge), in a planar projection centred on the
 * camera. The disc gives one parameter interval by a quadratic; the wedge can only
 * change along the segment where it crosses one of the two boundary lines (or
 * passes the apex), so the disc interval is split at those crossings and each
 * piece is tested once at its midpoint. This covers fov < 180 (wedge = two
 * half-planes), fov > 180 (complement of a wedge) and fov = 180 alike, with no
 * sampling: at most two intervals come out.
 */
import { absAngleDiffDeg, LocalProjection, planarBearingDeg } from './geo.math';
import { FieldOfView } from './field-of-view';

const RAD = Math.PI / 180;
/** Same allowance as seesPoint: a piece lying exactly on a boundary ray is seen. */
const ANGLE_EPS_DEG = 1e-9;

/**
 * Parameter intervals [t0, t1] ⊂ [0, 1] of the segment A→B (positions linear in
 * lon/lat) that `camera` sees, sorted and disjoint. Pieces of zero length are
 * dropped: they have no chainage.
 */
export function segmentSectorParams(
  camera: FieldOfView,
  aLon: number,
  aLat: number,
  bLon: number,
  bLat: number,
  proj: LocalProjection = new LocalProjection(camera.lat, camera.lon),
): [number, number][] {
  const r = camera.rangeM;
  if (!(r > 0) || !(camera.fovDeg > 0)) return [];
  const ax = proj.x(aLon);
  const ay = proj.y(aLat);
  const dx = proj.x(bLon) - ax;
  const dy = proj.y(bLat) - ay;

  // Disc: |A + tD|² ≤ r²  →  qa t² + qb t + qc ≤ 0.
  const qa = dx * dx + dy * dy;
  if (qa === 0) return [];
  const qb = 2 * (ax * dx + ay * dy);
  const qc = ax * ax + ay * ay - r * r;
  const disc = qb * qb - 4 * qa * qc;
  if (disc <= 0) return [];
  const sq = Math.sqrt(disc);
  // The numerically stable pair of roots (no cancellation between qb and sq).
  const q = -0.5 * (qb + (qb >= 0 ? sq : -sq));
  let r1 = q / qa;
  let r2 = q !== 0 ? qc / q : -r1;
  if (r1 > r2) [r1, r2] = [r2, r1];
  const lo = Math.max(0, r1);
  const hi = Math.min(1, r2);
  if (!(hi > lo)) return [];
  if (camera.fovDeg >= 360) return [[lo, hi]];

  // Where the bearing test can flip: crossings of the two boundary lines, and the
  // point of closest approach (the apex itself when the segment runs through it).
  const half = camera.fovDeg / 2;
  const cuts = [lo, hi];
  for (const beta of [camera.headingDeg - half, camera.headingDeg + half]) {
    const ux = Math.sin(beta * RAD);
    const uy = Math.cos(beta * RAD);
    const den = ux * dy - uy * dx;
    if (den !== 0) {
      const t = -(ux * ay - uy * ax) / den;
      if (t > lo && t < hi) cuts.push(t);
    }
  }
  const tClosest = -(ax * dx + ay * dy) / qa;
  if (tClosest > lo && tClosest < hi) cuts.push(tClosest);
  cuts.sort((x, y) => x - y);

  const out: [number, number][] = [];
  for (let k = 0; k + 1 < cuts.length; k++) {
    const t0 = cuts[k];
    const t1 = cuts[k + 1];
    if (!(t1 > t0)) continue;
    const tm = (t0 + t1) / 2;
    const bearing = planarBearingDeg(ax + dx * tm, ay + dy * tm);
    if (absAngleDiffDeg(bearing, camera.headingDeg) > half + ANGLE_EPS_DEG) continue;
    const last = out[out.length - 1];
    if (last && last[1] >= t0) last[1] = t1;
    else out.push([t0, t1]);
  }
  return out;
}
