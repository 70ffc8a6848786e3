/**
 * The exact optimum of "which k candidate sites cover the most new network
 * metres", as a mixed-integer programme for HiGHS: the network not yet covered
 * is cut into elements at every end of a site's share; y_e (0..1) is element e
 * covered, x_s (binary) is site s built. Maximise Σ len_e·y_e subject to
 * y_e ≤ Σ_{s sees e} x_s and Σ x_s ≤ k. It measures how far the greedy planner
 * is from the best possible (bench:planning); no spacing or commune rule applies.
 */
import { Interval, uncoveredLengthWithin } from './interval.math';
import type { RouteInterval } from './route-network';

/** The slice of the `highs` package's solver this needs (so geo keeps no dependency on it). */
export interface LpSolver {
  solve(
    problem: string,
    options?: { output_flag?: boolean; time_limit?: number; mip_rel_gap?: number },
  ): {
    Status: string;
    ObjectiveValue: number;
    Columns: Record<string, object>;
  };
}

export interface ExactResult {
  /** Indexes of the chosen sites. */
  sites: number[];
  /** New network metres they cover together. */
  coveredM: number;
  /** HiGHS's status: 'Optimal', or 'Time limit reached' with the best found. */
  status: string;
  elements: number;
}

/** Elements shorter than this are float residue between two nearly equal ends. */
const MIN_ELEMENT_M = 1e-6;

export function solveExactCoverage(
  solver: LpSolver,
  shares: readonly (readonly RouteInterval[])[],
  covered: readonly (readonly Interval[])[],
  maxSites: number,
  timeLimitS = 60,
): ExactResult {
  // Per canonical route, every end of every share, and which sites see each element.
  const byRoute = new Map<number, { from: number; to: number; site: number }[]>();
  shares.forEach((share, site) => {
    for (const s of share) {
      let list = byRoute.get(s.routeIndex);
      if (!list) byRoute.set(s.routeIndex, (list = []));
      list.push({ from: s.from_m, to: s.to_m, site });
    }
  });
  const rows: string[] = [];
  const objective: string[] = [];
  let elements = 0;
  for (const [route, list] of byRoute) {
    const cuts = [...new Set(list.flatMap((s) => [s.from, s.to]))].sort((a, b) => a - b);
    for (let k = 0; k + 1 < cuts.length; k++) {
      const a = cuts[k];
      const b = cuts[k + 1];
      const free = uncoveredLengthWithin(covered[route] ?? [], a, b);
      if (free < MIN_ELEMENT_M) continue;
      const mid = (a + b) / 2;
      const seeing = list.filter((s) => s.from <= mid && s.to >= mid).map((s) => s.site);
      if (seeing.length === 0) continue;
      const y = `y${elements++}`;
      objective.push(`${free} ${y}`);
      rows.push(` c${elements}: ${y} ${seeing.map((s) => `- x${s}`).join(' ')} <= 0`);
    }
  }
  if (elements === 0 || maxSites <= 0) return { sites: [], coveredM: 0, status: 'Optimal', elements };
  const siteVars = shares.map((_, s) => `x${s}`);
  const lp = [
    'Maximize',
    ` obj: ${objective.join(' + ')}`,
    'Subject To',
    ...rows,
    ` budget: ${siteVars.join(' + ')} <= ${maxSites}`,
    'Bounds',
    ...Array.from({ length: elements }, (_, e) => ` 0 <= y${e} <= 1`),
    ...siteVars.map((x) => ` 0 <= ${x} <= 1`),
    'Binaries',
    ` ${siteVars.join(' ')}`,
    'End',
  ].join('\n');
  const result = solver.solve(lp, { output_flag: false, time_limit: timeLimitS, mip_rel_gap: 1e-6 });
  const primal = (x: string) => (result.Columns[x] as { Primal?: number } | undefined)?.Primal ?? 0;
  const sites = siteVars.flatMap((x, s) => (primal(x) > 0.5 ? [s] : []));
  return { sites, coveredM: result.ObjectiveValue, status: result.Status, elements };
}
