/**
 * camnet's pure geometry: distances and bearings, camera fields of view, route
 * chainage, exact route coverage intervals and gaps, a camera point index, an
 * administrative polygon index, and the greedy station planner. Imports nothing
 * from Nest, TypeORM or the rest of the service.
 */
export {
  EARTH_RADIUS_M,
  LocalProjection,
  absAngleDiffDeg,
  destinationPoint,
  distanceM,
  haversineM,
  initialBearingDeg,
  metresToDegLat,
  metresToDegLon,
  normalizeDeg,
  planarBearingDeg,
  signedAngleDiffDeg,
} from './geo.math';
export type { LatLon, LonLat } from './geo.math';
export { sectorPolygon, seesPoint } from './field-of-view';
export type { FieldOfView, PolygonGeometry } from './field-of-view';
export { RouteChainage } from './route-chainage';
export type { ChainagePoint, LineStringGeometry } from './route-chainage';
export { segmentSectorParams } from './sector-segment';
export { addInterval, coveredLength, gaps, intersectIntervals, mergeIntervals, uncoveredLengthWithin } from './interval.math';
export type { Gap, Interval } from './interval.math';
export { RouteNetwork } from './route-network';
export type { NetworkRoute, RouteInput, RouteInterval } from './route-network';
export { MIN_SHARED_M, RoadNetwork, SHARED_TOLERANCE_M } from './road-network';
export type { RoadPiece, SharedStretch } from './road-network';
export { RouteCoverageIndex, coveredIntervals } from './coverage.intervals';
export type { CameraSelection, CoverageCamera, RouteCoverage } from './coverage.intervals';
export { PolygonIndex } from './polygon.index';
export type { AreaGeometry } from './polygon.index';
export { PointIndex } from './spatial.index';
export type { IndexedPoint, NearHit } from './spatial.index';
export { candidateSites, PLANNING_OBJECTIVES, planStations, roadNetworkOf, stationHeadings, stationShare } from './planning.greedy';
export type {
  PlanningCommune,
  PlanningInput,
  PlanningObjective,
  PlanningResult,
  ProposalReason,
  ProposedCamera,
  ProposedStation,
  RoutePlanSummary,
  Site,
  SiteOptions,
} from './planning.greedy';
