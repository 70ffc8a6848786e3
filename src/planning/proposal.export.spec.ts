import { proposalCsv, proposalGeoJson } from './proposal.export';
import type { ProposalDto } from './planning.dto';

const proposal: ProposalDto = {
  stations: [
    {
      rank: 1,
      lat: 10.5,
      lon: 106.4,
      commune_code: '27700',
      commune_code_2025: '=HYPERLINK("x")',
      route_ref: 'QL62',
      route_refs: ['QL62', 'QL N2'],
      chainage_m: 1200.5,
      reason: 'route_gap',
      cameras: [
        { heading_deg: 10, fov_deg: 90, range_m: 90 },
        { heading_deg: 190, fov_deg: 90, range_m: 90 },
      ],
      cost_vnd: 17_900_000,
      gain_m: 180,
    },
  ],
  total_cost_vnd: 17_900_000,
  cost_per_station_vnd: 17_900_000,
  cameras_per_station: 2,
  objective: 'route_metres',
  min_spacing_m: 500,
  commune_decay: 0.5,
  network_length_m: 1000,
  covered_before_m: 0,
  covered_after_m: 180,
  coverage_before_pct: 0,
  coverage_after_pct: 18,
  uncovered_communes_before: 0,
  uncovered_communes_reached: 0,
  routes: [],
};

describe('proposal export', () => {
  it('writes CSV with a BOM, a header, and formula prefixes neutralised', () => {
    const csv = proposalCsv(proposal);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const lines = csv.slice(1).split('\r\n');
    expect(lines[0]).toBe('rank,lat,lon,reason,route_ref,route_refs,chainage_m,commune_code,commune_code_2025,gain_m,cost_vnd,camera_headings_deg');
    expect(lines[1]).toBe(`1,10.5,106.4,route_gap,QL62,QL62 / QL N2,1200.5,27700,"'=HYPERLINK(""x"")",180,17900000,10 / 190`);
  });

  it('writes GeoJSON points numbered as the map numbers them', () => {
    const g = proposalGeoJson(proposal) as { type: string; features: { geometry: { coordinates: number[] }; properties: { rank: number; gain_m: number } }[] };
    expect(g.type).toBe('FeatureCollection');
    expect(g.features[0].geometry.coordinates).toEqual([106.4, 10.5]);
    expect(g.features[0].properties).toMatchObject({ rank: 1, gain_m: 180 });
  });
});
