import { destinationPoint, haversineM, LonLat } from './geo.math';
import { coveredLength } from './interval.math';
import { RoadNetwork } from './road-network';
import { RouteChainage } from './route-chainage';

const O = { lat: 10.6, lon: 106.3 };
const at = (east: number, north: number): LonLat => {
  const e = destinationPoint(O.lat, O.lon, 90, east);
  const p = destinationPoint(e.lat, e.lon, 0, north);
  return [p.lon, p.lat];
};

// A: 3 km due east. B: from 1 km south of A's 500 m mark, north to 3 m beside A,
// along A (3 m off) for 1.5 km, then north again. C crosses A at right angles.
const A = [at(0, 0), at(3000, 0)];
const B = [at(500, -1000), at(500, 3), at(2000, 3), at(2000, 1000)];
const C = [at(2500, -500), at(2500, 500)];
const lengthOf = (c: LonLat[]) => new RouteChainage(c).length;

describe('RoadNetwork', () => {
  const net = new RoadNetwork([
    { ref: 'A', coordinates: A },
    { ref: 'B', coordinates: B },
    { ref: 'C', coordinates: C },
  ]);

  it('finds the stretch B shares with A, and not the crossing of C', () => {
    expect(net.shared).toHaveLength(1);
    const [s] = net.shared;
    expect(s.routeIndex).toBe(1);
    expect(s.canonRoute).toBe(0);
    expect(s.toM - s.fromM).toBeGreaterThan(1480);
    // The ends reach out by the tolerance where B comes in and leaves at right angles.
    expect(s.toM - s.fromM).toBeLessThanOrEqual(1540);
    expect(s.canonLoM).toBeCloseTo(500, -1);
    expect(s.canonHiM).toBeCloseTo(2000, -1);
    expect(net.owned[2]).toEqual([[0, lengthOf(C)]]);
    const total = lengthOf(A) + lengthOf(B) + lengthOf(C);
    expect(Math.abs(net.lengthM - (total - 1500))).toBeLessThan(25);
  });

  it('maps coverage of the shared stretch to every route that carries it, and counts it once', () => {
    // Cameras on A see 600–900 m; on B, its own first 200 m.
    const canonical = net.canonicalize([[[600, 900]], [[0, 200]], []]);
    expect(net.coveredM(canonical)).toBeCloseTo(500, 0);
    const back = net.perRoute(canonical);
    expect(coveredLength(back[0])).toBeCloseTo(300, 0);
    // B reaches A's 600 m mark 100 m after joining it at its own 1000 m.
    expect(coveredLength(back[1])).toBeCloseTo(500, 0);
    const [, [from, to]] = back[1];
    const joinB = haversineM(B[0][1], B[0][0], B[1][1], B[1][0]);
    expect(from).toBeCloseTo(joinB + 100, -1);
    expect(to).toBeCloseTo(joinB + 400, -1);
  });

  it('maps a stretch seen on either geometry to the same network place', () => {
    const joinB = haversineM(B[0][1], B[0][0], B[1][1], B[1][0]);
    const onB = net.canonicalize([[], [[joinB + 100, joinB + 400]], []]);
    const onA = net.canonicalize([[[600, 900]], [], []]);
    expect(onB[0][0][0]).toBeCloseTo(onA[0][0][0], -1);
    expect(onB[0][0][1]).toBeCloseTo(onA[0][0][1], -1);
    expect(net.coveredM(net.canonicalize([[[600, 900]], [[joinB + 100, joinB + 400]], []]))).toBeLessThan(310);
    expect(net.routesAt(0, 1000).sort()).toEqual([0, 1]);
    expect(net.routesAt(0, 2600)).toEqual([0]);
    expect(net.routesAlong(0, 1900, 2600).sort()).toEqual([0, 1]);
    expect(net.routesAlong(0, 2100, 2600)).toEqual([0]);
  });
});
