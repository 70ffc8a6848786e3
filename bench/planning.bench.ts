/**
 * `npm run bench:planning`: how good is the greedy planner? Over the Long An
 * seed (routes as one road network, every camera's installed coverage), for
 * budgets of 0.5, 1, 2 and 5 billion VND: the greedy planner's new covered
 * metres against the exact optimum from HiGHS (MILP, WebAssembly) on the same
 * candidate sites, the gap in percent, and the time of each; plus the planner
 * with the API's 500 m spacing between stations, for what that rule costs
 * in metres. The last line printed is JSON.
 */
import loadHighs from 'highs';
import { candidateSites, Interval, mergeIntervals, planStations, RoadNetwork, RouteCoverageIndex } from '../src/geo';
import { solveExactCoverage } from '../src/geo/planning.exact';
import { DEFAULT_PROPOSAL } from '../src/planning/planning.service';
import { generateSeedInventory } from '../src/seed/seed.generator';
import { envNumber, machineNote, progress, round, runMain } from './bench.support';

const BUDGETS_VND = [0.5e9, 1e9, 2e9, 5e9];

async function runPlanningBench(): Promise<Record<string, unknown>> {
  const timeLimitS = envNumber('BENCH_EXACT_TIME_LIMIT_S', 120);
  const machine = machineNote();
  progress(`machine: ${JSON.stringify(machine)}`);
  const inv = generateSeedInventory({ simBaseUrl: 'http://127.0.0.1:1' });
  const road = new RoadNetwork(inv.routes.map((r) => ({ ref: r.ref, name: r.name, coordinates: r.geometry.coordinates })));
  const index = new RouteCoverageIndex<number>(road.routes);
  index.setCameras(inv.cameras.map((c, id) => ({ id, lat: c.lat, lon: c.lon, headingDeg: c.headingDeg, fovDeg: c.fovDeg, rangeM: c.rangeM })));
  const existing = new Map(index.union().map((u) => [u.ref, u.intervals]));
  const covered = road.canonicalize(index.union().map((u) => u.intervals));
  const costPerStation = Math.round(inv.stations.reduce((s, x) => s + x.fundingVnd, 0) / inv.stations.length);
  const camerasPerStation = Math.round(inv.cameras.filter((c) => c.stationCode !== null).length / inv.stations.length);
  const siteOptions = { camerasPerStation, fovDeg: DEFAULT_PROPOSAL.fovDeg, rangeM: DEFAULT_PROPOSAL.rangeM, siteSpacingM: DEFAULT_PROPOSAL.siteSpacingM };
  const base = { routes: road, existing, costPerStationVnd: costPerStation, ...siteOptions };
  progress(
    `network ${round(road.lengthM / 1000, 1)} km (routes ${round(road.routes.totalLength / 1000, 1)} km; shared ${road.shared.length} stretch(es)), ` +
      `covered ${round(road.coveredM(covered) / 1000, 1)} km; station ${costPerStation} VND, ${camerasPerStation} cameras`,
  );
  let t = performance.now();
  const sites = candidateSites(road, siteOptions);
  const sitesMs = performance.now() - t;
  progress(`${sites.length} candidate sites in ${round(sitesMs, 0)} ms`);
  const highs = await loadHighs();

  const rows: Record<string, unknown>[] = [];
  for (const budget of BUDGETS_VND) {
    const k = Math.floor(budget / costPerStation);
    t = performance.now();
    const greedy = planStations({ ...base, budgetVnd: budget });
    const greedyMs = performance.now() - t;
    const greedyM = greedy.covered_after_m - greedy.covered_before_m;
    t = performance.now();
    const spread = planStations({ ...base, budgetVnd: budget, minSpacingM: DEFAULT_PROPOSAL.minSpacingM });
    const spreadMs = performance.now() - t;
    t = performance.now();
    const exact = solveExactCoverage(
      highs,
      sites.map((s) => s.share),
      covered,
      k,
      timeLimitS,
    );
    const exactMs = performance.now() - t;
    // The optimum's metres recomputed from its sites, not taken from the solver's objective.
    const all = covered.map((list, q) => [
      ...list,
      ...exact.sites.flatMap((s) => sites[s].share.filter((i) => i.routeIndex === q).map((i) => [i.from_m, i.to_m] as Interval)),
    ]);
    const exactM = road.coveredM(all.map((l) => mergeIntervals(l))) - road.coveredM(covered);
    const row = {
      budget_vnd: budget,
      stations: k,
      greedy_m: round(greedyM, 0),
      exact_m: round(exactM, 0),
      gap_pct: exactM > 0 ? round(((exactM - greedyM) / exactM) * 100, 2) : 0,
      exact_status: exact.status,
      greedy_ms: round(greedyMs + sitesMs, 0),
      exact_ms: round(exactMs + sitesMs, 0),
      elements: exact.elements,
      spread_m: round(spread.covered_after_m - spread.covered_before_m, 0),
      spread_ms: round(spreadMs, 0),
    };
    progress(JSON.stringify(row));
    rows.push(row);
  }
  return {
    machine,
    network_km: round(road.lengthM / 1000, 1),
    sites: sites.length,
    cost_per_station_vnd: costPerStation,
    cameras_per_station: camerasPerStation,
    rows,
  };
}

runMain(runPlanningBench);
