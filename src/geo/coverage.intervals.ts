/**
 * Route coverage as exact chainage intervals: the union, over cameras, of the
 * stretches each camera's sector cuts from the route (no sampling), and the gaps
 * left between them. RouteCoverageIndex keeps every camera's share cached so a
 * different subset of cameras (effective coverage, an ownership filter) costs
 * only a re-merge.
 */
import { FieldOfView } from './field-of-view';
import { LonLat } from './geo.math';
import { coveredLength, Interval, mergeIntervals } from './interval.math';
import { RouteChainage } from './route-chainage';
import { RouteInput, RouteInterval, RouteNetwork } from './route-network';

export { coveredLength, gaps, mergeIntervals } from './interval.math';
export type { Gap, Interval } from './interval.math';

/** Sorted, merged chainage intervals of one route seen by at least one camera. */
export function coveredIntervals(route: readonly LonLat[] | RouteChainage, cameras: Iterable<FieldOfView>): Interval[] {
  const coordinates = route instanceof RouteChainage ? route.coordinates : route;
  const network = new RouteNetwork([{ ref: '', coordinates }]);
  const all: Interval[] = [];
  for (const camera of cameras) {
    for (const i of network.cameraIntervals(camera)) all.push([i.from_m, i.to_m]);
  }
  return mergeIntervals(all);
}

export interface CoverageCamera<Id> extends FieldOfView {
  id: Id;
}

export interface RouteCoverage {
  routeIndex: number;
  ref: string;
  name?: string;
  length_m: number;
  covered_m: number;
  /** covered_m / length_m × 100. */
  pct: number;
  /** Merged, sorted covered intervals. */
  intervals: Interval[];
}

/** Which cameras a union takes: a predicate on ids, or the ids themselves. */
export type CameraSelection<Id> = ((id: Id) => boolean) | Iterable<Id>;

export class RouteCoverageIndex<Id extends string | number = number> {
  readonly network: RouteNetwork;
  private readonly contributions = new Map<Id, RouteInterval[]>();

  constructor(routes: readonly RouteInput[] | RouteNetwork) {
    this.network = routes instanceof RouteNetwork ? routes : new RouteNetwork(routes);
  }

  get cameraCount(): number {
    return this.contributions.size;
  }

  /** Forget every camera and compute the shares of `cameras`. */
  setCameras(cameras: Iterable<CoverageCamera<Id>>): void {
    this.contributions.clear();
    for (const c of cameras) this.upsertCamera(c);
  }

  /** Add a camera, or recompute it after it moved or turned; returns its share. */
  upsertCamera(camera: CoverageCamera<Id>): readonly RouteInterval[] {
    const share = this.network.cameraIntervals(camera);
    this.contributions.set(camera.id, share);
    return share;
  }

  removeCamera(id: Id): boolean {
    return this.contributions.delete(id);
  }

  has(id: Id): boolean {
    return this.contributions.has(id);
  }

  /** The cached stretches camera `id` sees (empty when unknown or seeing no route). */
  intervalsForCamera(id: Id): readonly RouteInterval[] {
    return this.contributions.get(id) ?? [];
  }

  /** Coverage of every route by the selected cameras (all cameras by default). */
  union(selection?: CameraSelection<Id>): RouteCoverage[] {
    const perRoute: Interval[][] = this.network.routes.map(() => []);
    const take = (share: readonly RouteInterval[] | undefined) => {
      if (share) for (const s of share) perRoute[s.routeIndex].push([s.from_m, s.to_m]);
    };
    if (selection === undefined) {
      for (const share of this.contributions.values()) take(share);
    } else if (typeof selection === 'function') {
      for (const [id, share] of this.contributions) if (selection(id)) take(share);
    } else {
      for (const id of new Set(selection)) take(this.contributions.get(id));
    }
    return this.network.routes.map((r, routeIndex) => {
      const intervals = mergeIntervals(perRoute[routeIndex]);
      const covered = coveredLength(intervals);
      const length = r.chainage.length;
      return {
        routeIndex,
        ref: r.ref,
        name: r.name,
        length_m: length,
        covered_m: covered,
        pct: length > 0 ? (covered / length) * 100 : 0,
        intervals,
      };
    });
  }
}
