/**
 * Spherical basics every other geo file builds on: great-circle distance, initial
 * bearing, destination point, angle arithmetic with wrap-around, and a local
 * equirectangular projection for fast planar work within a few kilometres.
 * Positions are plain numbers (lat, lon in degrees) so hot loops allocate nothing.
 */

/** Mean Earth radius in metres (the value turf uses, so both agree to the millimetre). */
export const EARTH_RADIUS_M = 6371008.8;

const RAD = Math.PI / 180;
const DEG = 180 / Math.PI;

/** A position as GeoJSON writes it: [lon, lat]. */
export type LonLat = [number, number];

export interface LatLon {
  lat: number;
  lon: number;
}

/** Great-circle (haversine) distance in metres. */
export function haversineM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const s1 = Math.sin(dLat / 2);
  const s2 = Math.sin(dLon / 2);
  const h = s1 * s1 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * s2 * s2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Great-circle distance in metres between two positions. */
export function distanceM(a: LatLon, b: LatLon): number {
  return haversineM(a.lat, a.lon, b.lat, b.lon);
}

/** Initial great-circle bearing from 1 to 2, degrees clockwise from north in [0, 360). */
export function initialBearingDeg(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const p1 = lat1 * RAD;
  const p2 = lat2 * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const y = Math.sin(dLon) * Math.cos(p2);
  const x = Math.cos(p1) * Math.sin(p2) - Math.sin(p1) * Math.cos(p2) * Math.cos(dLon);
  return normalizeDeg(Math.atan2(y, x) * DEG);
}

/** The point reached from (lat, lon) after `distM` metres along a great circle at `bearingDeg`. */
export function destinationPoint(lat: number, lon: number, bearingDeg: number, distM: number): LatLon {
  const d = distM / EARTH_RADIUS_M;
  const b = bearingDeg * RAD;
  const p1 = lat * RAD;
  const l1 = lon * RAD;
  const sinP2 = Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(b);
  const p2 = Math.asin(Math.max(-1, Math.min(1, sinP2)));
  const l2 = l1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(p1), Math.cos(d) - Math.sin(p1) * sinP2);
  return { lat: p2 * DEG, lon: ((((l2 * DEG + 540) % 360) + 360) % 360) - 180 };
}

/** An angle in degrees brought into [0, 360). */
export function normalizeDeg(deg: number): number {
  const r = deg % 360;
  const n = r < 0 ? r + 360 : r;
  // -1e-15 % 360 + 360 rounds to 360 itself
  return n >= 360 ? 0 : n;
}

/** Signed turn from `fromDeg` to `toDeg`, in (-180, 180]; positive is clockwise. */
export function signedAngleDiffDeg(fromDeg: number, toDeg: number): number {
  let d = normalizeDeg(toDeg - fromDeg);
  if (d > 180) d -= 360;
  return d;
}

/** Unsigned smallest angle between two directions, in [0, 180]. */
export function absAngleDiffDeg(aDeg: number, bDeg: number): number {
  return Math.abs(signedAngleDiffDeg(aDeg, bDeg));
}

/** Degrees of latitude spanned by `m` metres. */
export function metresToDegLat(m: number): number {
  return (m / EARTH_RADIUS_M) * DEG;
}

/**
 * Degrees of longitude spanned by `m` metres at latitude `lat`, taken at the
 * pole-side edge of a box of that half-size so a box query never falls short.
 */
export function metresToDegLon(m: number, lat: number): number {
  const edge = Math.min(89.9, Math.abs(lat) + metresToDegLat(m));
  return metresToDegLat(m) / Math.cos(edge * RAD);
}

/**
 * Equirectangular projection centred on (lat0, lon0): x east, y north, metres.
 * Straight lines in lon/lat stay straight here, and at a few hundred metres from
 * the centre distances and bearings differ from the great-circle ones by ~1e-5
 * relative — far below the precision of any camera's registered range.
 */
export class LocalProjection {
  readonly kx: number;
  readonly ky: number;

  constructor(
    readonly lat0: number,
    readonly lon0: number,
  ) {
    this.ky = EARTH_RADIUS_M * RAD;
    this.kx = this.ky * Math.cos(lat0 * RAD);
  }

  x(lon: number): number {
    return (lon - this.lon0) * this.kx;
  }

  y(lat: number): number {
    return (lat - this.lat0) * this.ky;
  }

  toLatLon(x: number, y: number): LatLon {
    return { lat: this.lat0 + y / this.ky, lon: this.lon0 + x / this.kx };
  }
}

/** Planar bearing of vector (x east, y north) in [0, 360). */
export function planarBearingDeg(x: number, y: number): number {
  return normalizeDeg(Math.atan2(x, y) * DEG);
}
