import { mulberry32 as prng } from './prng';
/**
 * Speed of the whole-province computations on the real routes (src/seed/data)
 * with 24,609 cameras placed along them: coverage must stay far below a request's
 * budget so the coverage service can recompute on every status change.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoverageCamera, RouteCoverageIndex } from './coverage.intervals';
import { destinationPoint, LonLat } from './geo.math';
import { planStations } from './planning.greedy';
import { RouteChainage } from './route-chainage';
import { PointIndex } from './spatial.index';

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

describe('province-scale timings', () => {
  const geojson = JSON.parse(readFileSync(join(__dirname, '../seed/data/routes.geojson'), 'utf8')) as {
    features: { properties: { ref: string; name: string }; geometry: { coordinates: LonLat[] } }[];
  };
  const routes = geojson.features.map((f) => ({ ref: f.properties.ref, name: f.properties.name, coordinates: f.geometry.coordinates }));
  const chain = routes.map((r) => new RouteChainage(r.coordinates));
  const total = chain.reduce((s, c) => s + c.length, 0);
  const rnd = prng(1);
  const cameras: CoverageCamera<number>[] = [];
  for (let id = 1; id <= 24609; id++) {
    let pick = rnd() * total;
    let k = 0;
    while (pick > chain[k].length) pick -= chain[k++].length;
    const foot = chain[k].pointAt(pick);
    const p = destinationPoint(foot.lat, foot.lon, rnd() * 360, rnd() * 80);
    cameras.push({ id, lat: p.lat, lon: p.lon, headingDeg: rnd() * 360, fovDeg: 60 + rnd() * 300, rangeM: 30 + rnd() * 170 });
  }

  it('covers all routes against 24,609 cameras well under a second, and re-merges a subset fast', () => {
    expect(routes.length).toBeGreaterThanOrEqual(8);
    const warm = new RouteCoverageIndex<number>(routes);
    warm.setCameras(cameras.slice(0, 2000));

    const t0 = process.hrtime.bigint();
    const index = new RouteCoverageIndex<number>(routes);
    index.setCameras(cameras);
    const installed = index.union();
    const full = ms(t0);

    const t1 = process.hrtime.bigint();
    const effective = index.union((id) => id % 10 !== 0);
    const subset = ms(t1);

    const t2 = process.hrtime.bigint();
    index.upsertCamera({ ...cameras[5], headingDeg: cameras[5].headingDeg + 90 });
    const one = ms(t2);

    const coveredAll = installed.reduce((s, r) => s + r.covered_m, 0);
    const coveredSome = effective.reduce((s, r) => s + r.covered_m, 0);
    expect(coveredAll).toBeGreaterThan(0.5 * total);
    expect(coveredSome).toBeLessThanOrEqual(coveredAll);
    expect(full).toBeLessThan(1000);
    expect(subset).toBeLessThan(200);
    expect(one).toBeLessThan(5);
    process.stdout.write(
      `geo timings: ${routes.length} routes, ${(total / 1000).toFixed(1)} km, ${cameras.length} cameras: ` +
        `full coverage ${full.toFixed(1)} ms, subset re-merge ${subset.toFixed(1)} ms, one camera ${one.toFixed(3)} ms, ` +
        `installed ${((coveredAll / total) * 100).toFixed(1)} %\n`,
    );
  });

  it('searches near a point in well under a millisecond', () => {
    const index = new PointIndex(cameras);
    const q = cameras.slice(0, 2000);
    const t0 = process.hrtime.bigint();
    let found = 0;
    for (const c of q) found += index.near(c.lat, c.lon, 300).length;
    const per = ms(t0) / q.length;
    expect(found).toBeGreaterThanOrEqual(q.length);
    expect(per).toBeLessThan(0.5);
    process.stdout.write(`geo timings: near(300 m) ${(per * 1000).toFixed(1)} µs per query, ${(found / q.length).toFixed(1)} hits\n`);
  });

  it('plans stations for a budget on all routes in reasonable time', () => {
    const index = new RouteCoverageIndex<number>(routes);
    index.setCameras(cameras.filter((c) => c.id % 4 === 0));
    const existing = Object.fromEntries(index.union().map((r) => [r.ref, r.intervals]));
    const t0 = process.hrtime.bigint();
    const plan = planStations({
      routes: index.network,
      existing,
      budgetVnd: 20_000_000_000,
      costPerStationVnd: 150_000_000,
      camerasPerStation: 3,
      fovDeg: 90,
      rangeM: 150,
    });
    const took = ms(t0);
    expect(plan.stations).toHaveLength(133);
    expect(plan.coverage_after_pct).toBeGreaterThan(plan.coverage_before_pct);
    expect(took).toBeLessThan(3000);
    process.stdout.write(
      `geo timings: plan 133 stations over ${plan.stations.length ? 'all' : 'no'} routes ${took.toFixed(0)} ms, ` +
        `coverage ${plan.coverage_before_pct.toFixed(1)} % → ${plan.coverage_after_pct.toFixed(1)} %\n`,
    );
  });
});
