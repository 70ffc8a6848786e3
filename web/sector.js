// @ts-check
// Field-of-view wedges drawn on the map. The service decides what a camera sees
// (DESIGN.md, Field of view); this only draws the same sector: apex at the camera,
// an arc of radius range_m from heading − fov/2 to heading + fov/2.

const EARTH_RADIUS_M = 6371008.8;
const RAD = Math.PI / 180;

/**
 * The point distM metres from (lat, lon) along an initial bearing (great circle).
 * @param {number} lat
 * @param {number} lon
 * @param {number} bearingDeg
 * @param {number} distM
 * @returns {[number, number]} [lat, lon]
 */
export function destination(lat, lon, bearingDeg, distM) {
  const d = distM / EARTH_RADIUS_M;
  const b = bearingDeg * RAD;
  const p1 = lat * RAD;
  const l1 = lon * RAD;
  const p2 = Math.asin(Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(b));
  const l2 = l1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(p1), Math.cos(d) - Math.sin(p1) * Math.sin(p2));
  return [p2 / RAD, ((l2 / RAD + 540) % 360) - 180];
}

/**
 * The wedge as Leaflet [lat, lon] pairs: the apex, then the arc. A field of view
 * of 360° gives a closed circle without the apex. About one arc point per 10°
 * keeps 1,696 wedges cheap to draw while still looking round at street zoom.
 * @param {number} lat
 * @param {number} lon
 * @param {number} headingDeg
 * @param {number} fovDeg
 * @param {number} rangeM
 * @returns {[number, number][]}
 */
export function sector(lat, lon, headingDeg, fovDeg, rangeM) {
  const full = fovDeg >= 360;
  const fov = full ? 360 : Math.max(fovDeg, 1);
  const steps = Math.max(2, Math.ceil(fov / 10));
  const start = headingDeg - fov / 2;
  /** @type {[number, number][]} */
  const points = full ? [] : [[lat, lon]];
  for (let i = 0; i <= steps; i++) {
    if (full && i === steps) break;
    points.push(destination(lat, lon, start + (fov * i) / steps, rangeM));
  }
  return points;
}
