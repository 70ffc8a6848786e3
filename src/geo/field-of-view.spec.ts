import { destinationPoint, haversineM } from './geo.math';
import { FieldOfView, sectorPolygon, seesPoint } from './field-of-view';

const at = (cam: FieldOfView, bearing: number, dist: number) => destinationPoint(cam.lat, cam.lon, bearing, dist);

describe('seesPoint', () => {
  const base: FieldOfView = { lat: 10.6, lon: 106.4, headingDeg: 350, fovDeg: 40, rangeM: 100 };

  it('wraps around north: heading 350, fov 40 sees 5° but not 15°', () => {
    expect(seesPoint(base, at(base, 5, 50))).toBe(true);
    expect(seesPoint(base, at(base, 335, 50))).toBe(true);
    expect(seesPoint(base, at(base, 15, 50))).toBe(false);
    expect(seesPoint(base, at(base, 325, 50))).toBe(false);
  });

  it('wraps the other way: heading 10 sees 355°', () => {
    const cam = { ...base, headingDeg: 10 };
    expect(seesPoint(cam, at(cam, 355, 50))).toBe(true);
    expect(seesPoint(cam, at(cam, 345, 50))).toBe(false);
  });

  it('includes the exact edges and excludes just past them', () => {
    const cam = { ...base, headingDeg: 90, fovDeg: 60 };
    expect(seesPoint(cam, at(cam, 60, 100))).toBe(true);
    expect(seesPoint(cam, at(cam, 120, 100))).toBe(true);
    expect(seesPoint(cam, at(cam, 90, 100.01))).toBe(false);
    expect(seesPoint(cam, at(cam, 59.99, 50))).toBe(false);
    expect(seesPoint(cam, at(cam, 120.01, 50))).toBe(false);
  });

  it('sees all round with fov 360 (and more), within range only', () => {
    for (const fov of [360, 400]) {
      const cam = { ...base, fovDeg: fov };
      for (const b of [0, 90, 170, 180, 270, 359]) expect(seesPoint(cam, at(cam, b, 99))).toBe(true);
      expect(seesPoint(cam, at(cam, 180, 101))).toBe(false);
    }
  });

  it('with fov over 180 sees behind the sides but not straight back', () => {
    const cam = { ...base, headingDeg: 0, fovDeg: 300 };
    expect(seesPoint(cam, at(cam, 140, 50))).toBe(true);
    expect(seesPoint(cam, at(cam, 220, 50))).toBe(true);
    expect(seesPoint(cam, at(cam, 180, 50))).toBe(false);
    expect(seesPoint(cam, at(cam, 205, 50))).toBe(false);
  });

  it('sees nothing with fov 0 except its own spot', () => {
    const cam = { ...base, fovDeg: 0 };
    expect(seesPoint(cam, at(cam, 350, 10))).toBe(false);
    expect(seesPoint(cam, { lat: cam.lat, lon: cam.lon })).toBe(true);
  });
});

describe('sectorPolygon', () => {
  it('is a closed ring from the apex along the arc', () => {
    const cam: FieldOfView = { lat: 10.6, lon: 106.4, headingDeg: 0, fovDeg: 90, rangeM: 200 };
    const ring = sectorPolygon(cam, 8).coordinates[0];
    expect(ring).toHaveLength(11);
    expect(ring[0]).toEqual([cam.lon, cam.lat]);
    expect(ring[ring.length - 1]).toEqual(ring[0]);
    for (const [lon, lat] of ring.slice(1, -1)) {
      expect(haversineM(cam.lat, cam.lon, lat, lon)).toBeCloseTo(200, 6);
      expect(seesPoint(cam, { lat, lon })).toBe(true);
    }
    expect(ring[1][0]).toBeLessThan(cam.lon);
    expect(ring[9][0]).toBeGreaterThan(cam.lon);
  });

  it('is a circle for fov 360', () => {
    const ring = sectorPolygon({ lat: 10.6, lon: 106.4, headingDeg: 0, fovDeg: 360, rangeM: 50 }, 16).coordinates[0];
    expect(ring).toHaveLength(17);
    expect(ring[16]).toEqual(ring[0]);
    for (const [lon, lat] of ring) expect(haversineM(10.6, 106.4, lat, lon)).toBeCloseTo(50, 6);
  });
});
