/**
 * A proposal as files a planner takes elsewhere: GeoJSON (one Point per station,
 * numbered as the map numbers them) and CSV for Excel (UTF-8 with a BOM so
 * Vietnamese names survive, and no cell that a spreadsheet would run as a formula).
 */
import { csvLine } from '../common/csv';
import type { ProposalDto } from './planning.dto';

/** Excel reads a UTF-8 file as the local code page unless it starts with this. */
const BOM = '\uFEFF';

export function proposalGeoJson(p: ProposalDto): object {
  return {
    type: 'FeatureCollection',
    properties: summary(p),
    features: p.stations.map((s) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [s.lon, s.lat] },
      properties: {
        rank: s.rank,
        reason: s.reason,
        route_ref: s.route_ref,
        route_refs: s.route_refs,
        chainage_m: s.chainage_m,
        commune_code: s.commune_code,
        commune_code_2025: s.commune_code_2025,
        gain_m: s.gain_m,
        cost_vnd: s.cost_vnd,
        cameras: s.cameras,
      },
    })),
  };
}

export const PROPOSAL_CSV_HEADER = [
  'rank',
  'lat',
  'lon',
  'reason',
  'route_ref',
  'route_refs',
  'chainage_m',
  'commune_code',
  'commune_code_2025',
  'gain_m',
  'cost_vnd',
  'camera_headings_deg',
] as const;

export function proposalCsv(p: ProposalDto): string {
  const rows = p.stations.map((s) => [
    s.rank,
    s.lat,
    s.lon,
    s.reason,
    s.route_ref,
    s.route_refs.join(' / '),
    s.chainage_m,
    s.commune_code,
    s.commune_code_2025,
    s.gain_m,
    s.cost_vnd,
    s.cameras.map((c) => c.heading_deg).join(' / '),
  ]);
  return BOM + [[...PROPOSAL_CSV_HEADER], ...rows].map(csvLine).join('');
}

function summary(p: ProposalDto) {
  return {
    objective: p.objective,
    total_cost_vnd: p.total_cost_vnd,
    cost_per_station_vnd: p.cost_per_station_vnd,
    cameras_per_station: p.cameras_per_station,
    network_length_m: p.network_length_m,
    coverage_before_pct: p.coverage_before_pct,
    coverage_after_pct: p.coverage_after_pct,
  };
}
