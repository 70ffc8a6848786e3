/**
 * A camera's field of view as DESIGN.md defines it: P is seen by C when the
 * great-circle distance C→P is at most range_m and the initial bearing C→P is
 * within fov_deg / 2 of C's heading. Also draws the sector for the map.
 */
import { absAngleDiffDeg, destinationPoint, haversineM, initialBearingDeg, LatLon, LonLat } from './geo.math';

export interface FieldOfView {
  lat: number;
  lon: number;
  /** Degrees clockwise from north. */
  headingDeg: number;
  /** Full opening angle; 360 or more sees all round. */
  fovDeg: number;
  rangeM: number;
}

/**
 * Rounding allowances so that a point built exactly on the edge (range, or
 * heading ± fov/2) counts as seen, as the "at most" in the definition says.
 */
const RANGE_EPS_M = 1e-6;
const ANGLE_EPS_DEG = 1e-9;

/** Whether `camera` sees `point`. The camera's own position counts as seen. */
export function seesPoint(camera: FieldOfView, point: LatLon): boolean {
  const d = haversineM(camera.lat, camera.lon, point.lat, point.lon);
  if (d > camera.rangeM + RANGE_EPS_M) return false;
  if (camera.fovDeg >= 360 || d === 0) return true;
  if (camera.fovDeg <= 0) return false;
  const b = initialBearingDeg(camera.lat, camera.lon, point.lat, point.lon);
  return absAngleDiffDeg(b, camera.headingDeg) <= camera.fovDeg / 2 + ANGLE_EPS_DEG;
}

export interface PolygonGeometry {
  type: 'Polygon';
  coordinates: LonLat[][];
}

/**
 * The sector as a closed GeoJSON Polygon ring ([lon, lat]): apex, `steps` arc
 * segments from heading − fov/2 to heading + fov/2, apex. A fov of 360° or more
 * gives a circle (no apex).
 */
export function sectorPolygon(camera: FieldOfView, steps = 24): PolygonGeometry {
  const n = Math.max(1, Math.floor(steps));
  const ring: LonLat[] = [];
  const arc = (bearing: number): LonLat => {
    const p = destinationPoint(camera.lat, camera.lon, bearing, camera.rangeM);
    return [p.lon, p.lat];
  };
  if (camera.fovDeg >= 360) {
    for (let i = 0; i < n; i++) ring.push(arc((360 * i) / n));
    ring.push(ring[0]);
    return { type: 'Polygon', coordinates: [ring] };
  }
  const fov = Math.max(0, camera.fovDeg);
  const start = camera.headingDeg - fov / 2;
  ring.push([camera.lon, camera.lat]);
  for (let i = 0; i <= n; i++) ring.push(arc(start + (fov * i) / n));
  ring.push([camera.lon, camera.lat]);
  return { type: 'Polygon', coordinates: [ring] };
}
