import { distance as turfDistance } from '@turf/turf';
import {
  absAngleDiffDeg,
  destinationPoint,
  EARTH_RADIUS_M,
  haversineM,
  initialBearingDeg,
  LocalProjection,
  metresToDegLon,
  normalizeDeg,
  signedAngleDiffDeg,
} from './geo.math';

describe('geo.math', () => {
  it('measures one degree of latitude as R·π/180', () => {
    expect(haversineM(10, 106, 11, 106)).toBeCloseTo((EARTH_RADIUS_M * Math.PI) / 180, 6);
  });

  it('agrees with turf on a long diagonal', () => {
    const d = haversineM(10.5, 105.9, 10.98, 106.63);
    const t = turfDistance([105.9, 10.5], [106.63, 10.98], { units: 'meters' });
    expect(Math.abs(d - t)).toBeLessThan(1e-6);
  });

  it('gives cardinal bearings', () => {
    expect(initialBearingDeg(10, 106, 10.01, 106)).toBeCloseTo(0, 9);
    expect(initialBearingDeg(10, 106, 10, 106.01)).toBeCloseTo(90, 2);
    expect(initialBearingDeg(10, 106, 9.99, 106)).toBeCloseTo(180, 9);
    expect(initialBearingDeg(10, 106, 10, 105.99)).toBeCloseTo(270, 2);
    expect(initialBearingDeg(10, 106, 10.01, 105.99999)).toBeGreaterThan(359);
  });

  it('round-trips destination → distance and bearing', () => {
    for (const b of [0, 45, 123.4, 359.9]) {
      const p = destinationPoint(10.6, 106.4, b, 250);
      expect(haversineM(10.6, 106.4, p.lat, p.lon)).toBeCloseTo(250, 6);
      expect(absAngleDiffDeg(initialBearingDeg(10.6, 106.4, p.lat, p.lon), b)).toBeLessThan(1e-7);
    }
  });

  it('wraps angles', () => {
    expect(normalizeDeg(-10)).toBe(350);
    expect(normalizeDeg(720)).toBe(0);
    expect(normalizeDeg(-1e-15)).toBeLessThan(360);
    expect(signedAngleDiffDeg(350, 10)).toBeCloseTo(20, 12);
    expect(signedAngleDiffDeg(10, 350)).toBeCloseTo(-20, 12);
    expect(signedAngleDiffDeg(0, 180)).toBe(180);
    expect(absAngleDiffDeg(359, 1)).toBeCloseTo(2, 12);
    expect(absAngleDiffDeg(90, 270)).toBe(180);
  });

  it('projects locally within millimetres of the great circle at 300 m', () => {
    const proj = new LocalProjection(10.6, 106.4);
    for (const b of [0, 60, 135, 250]) {
      const p = destinationPoint(10.6, 106.4, b, 300);
      expect(Math.abs(Math.hypot(proj.x(p.lon), proj.y(p.lat)) - 300)).toBeLessThan(0.01);
      const back = proj.toLatLon(proj.x(p.lon), proj.y(p.lat));
      expect(back.lat).toBeCloseTo(p.lat, 12);
      expect(back.lon).toBeCloseTo(p.lon, 12);
    }
  });

  it('widens longitude spans towards the pole', () => {
    expect(metresToDegLon(1000, 60)).toBeGreaterThan(metresToDegLon(1000, 0) * 1.99);
  });
});
