import { mulberry32 as prng } from './prng';
import { destinationPoint, haversineM } from './geo.math';
import { PointIndex } from './spatial.index';

describe('PointIndex', () => {
  const rnd = prng(42);
  const points = Array.from({ length: 24609 }, (_, i) => ({
    id: i + 1,
    lat: 10.4 + rnd() * 0.6,
    lon: 105.6 + rnd() * 1.1,
  }));
  const index = new PointIndex(points);

  it('finds exactly the points a brute-force haversine scan finds, nearest first', () => {
    for (let q = 0; q < 100; q++) {
      const lat = 10.4 + rnd() * 0.6;
      const lon = 105.6 + rnd() * 1.1;
      const radius = [50, 300, 1000, 2500][q % 4];
      const hits = index.near(lat, lon, radius);
      const brute: { id: number; distance_m: number }[] = [];
      for (const p of points) {
        const d = haversineM(lat, lon, p.lat, p.lon);
        if (d <= radius) brute.push({ id: p.id, distance_m: d });
      }
      brute.sort((a, b) => a.distance_m - b.distance_m);
      expect(hits.map((h) => h.id)).toEqual(brute.map((h) => h.id));
      hits.forEach((h, k) => expect(h.distance_m).toBeCloseTo(brute[k].distance_m, 9));
    }
  });

  it('includes a point exactly at the radius along the diagonal of the box', () => {
    const c = { lat: 10.7, lon: 106.1 };
    const edge = destinationPoint(c.lat, c.lon, 45, 500);
    const small = new PointIndex([
      { id: 'edge', ...edge },
      { id: 'out', ...destinationPoint(c.lat, c.lon, 0, 500.5) },
      { id: 'in', ...destinationPoint(c.lat, c.lon, 270, 10) },
    ]);
    expect(small.near(c.lat, c.lon, 500.000001).map((h) => h.id)).toEqual(['in', 'edge']);
  });

  it('answers an empty index and a negative radius with nothing', () => {
    expect(new PointIndex([]).near(10, 106, 1000)).toEqual([]);
    expect(index.near(10.7, 106.1, -1)).toEqual([]);
  });

  it('answers a 300 m query in well under a millisecond over 24,609 cameras', () => {
    const queries = Array.from({ length: 2000 }, () => [10.4 + rnd() * 0.6, 105.6 + rnd() * 1.1]);
    for (const [lat, lon] of queries.slice(0, 200)) index.near(lat, lon, 300); // warm-up
    const t0 = process.hrtime.bigint();
    for (const [lat, lon] of queries) index.near(lat, lon, 300);
    const perQueryMs = Number(process.hrtime.bigint() - t0) / 1e6 / queries.length;
    expect(perQueryMs).toBeLessThan(0.2);
  });
});
