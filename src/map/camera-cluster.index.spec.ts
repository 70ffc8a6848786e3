import { CameraClusterIndex, CameraFilter, CLUSTER_MAX_ZOOM, filterKey, MapCamera, MAP_STATUSES, PRIVATE_OWNERSHIPS } from './camera-cluster.index';
import { mulberry32 } from '../geo/prng';

const ALL: CameraFilter = { ownerships: PRIVATE_OWNERSHIPS, statuses: MAP_STATUSES, district: null, commune: null };

/** A deterministic scatter of cameras over a 0.2° square, in two communes of two districts. */
function scatter(n: number): MapCamera[] {
  const rnd = mulberry32(7);
  return Array.from({ length: n }, (_, i) => ({
    code: `CAM-${i}`,
    ownership: PRIVATE_OWNERSHIPS[i % 3],
    commune_code: i % 2 ? '27685' : '27700',
    district_code: i % 2 ? '794' : '795',
    lat: 10.5 + rnd() * 0.2,
    lon: 106.3 + rnd() * 0.2,
    heading_deg: 0,
    fov_deg: 90,
    range_m: 30,
    status: MAP_STATUSES[i % 5],
  }));
}

describe('CameraClusterIndex', () => {
  const cams = scatter(3000);
  const index = new CameraClusterIndex(cams, ALL);
  const world: [number, number, number, number] = [-180, -85, 180, 85];

  it.each([6, 9, 12, 14])('at zoom %i the clusters and single cameras account for every camera once', (zoom) => {
    const v = index.view(world, zoom);
    const inClusters = v.clusters.reduce((n, c) => n + c.count, 0);
    expect(inClusters + v.cameras.rows.length).toBe(3000);
    for (const c of v.clusters) {
      expect(Object.values(c.by_ownership).reduce((a, b) => a + b, 0)).toBe(c.count);
      expect(Object.values(c.by_status).reduce((a, b) => a + b, 0)).toBe(c.count);
      expect(c.expansion_zoom).toBeGreaterThan(zoom);
    }
  });

  it('counts per ownership and status add up to a brute-force count', () => {
    const v = index.view(world, 8);
    const online = v.clusters.reduce((n, c) => n + c.by_status.online, 0) + v.cameras.rows.filter((r) => r[8] === 'online').length;
    expect(online).toBe(cams.filter((c) => c.status === 'online').length);
  });

  it(`from zoom ${CLUSTER_MAX_ZOOM + 1} gives exactly the cameras inside the box`, () => {
    const box: [number, number, number, number] = [106.35, 10.55, 106.37, 10.57];
    const v = index.view(box, CLUSTER_MAX_ZOOM + 1);
    expect(v.clusters).toEqual([]);
    const expected = cams
      .filter((c) => c.lon >= box[0] && c.lon <= box[2] && c.lat >= box[1] && c.lat <= box[3])
      .map((c) => c.code)
      .sort();
    expect(v.cameras.rows.map((r) => r[0]).sort()).toEqual(expected);
  });

  it('a filter keeps only its cameras, and a single camera shows its status at query time', () => {
    const f: CameraFilter = { ...ALL, ownerships: ['citizen'], district: '794' };
    const filtered = new CameraClusterIndex(cams, f);
    expect(filtered.matching).toBe(cams.filter((c) => c.ownership === 'citizen' && c.district_code === '794').length);
    const alone = filtered.view(world, CLUSTER_MAX_ZOOM + 1).cameras.rows[0];
    const cam = cams.find((c) => c.code === alone[0])!;
    cam.status = 'offline';
    const again = filtered.view(world, CLUSTER_MAX_ZOOM + 1).cameras.rows.find((r) => r[0] === cam.code)!;
    expect(again[8]).toBe('offline');
  });

  it('status changes move the cluster counts to what a new build counts, at every zoom, without building the tree again', () => {
    const moving = scatter(3000);
    const kept = new CameraClusterIndex(moving, ALL);
    const districtOnly = new CameraClusterIndex(moving, { ...ALL, district: '794' });
    const rnd = mulberry32(11);
    for (let n = 0; n < 400; n++) {
      const i = Math.floor(rnd() * moving.length);
      const from = moving[i].status;
      moving[i].status = MAP_STATUSES[Math.floor(rnd() * MAP_STATUSES.length)];
      expect(kept.moveStatus(i, from, moving[i].status)).toBe(true);
      expect(districtOnly.moveStatus(i, from, moving[i].status)).toBe(true);
    }
    const fresh = new CameraClusterIndex(moving, ALL);
    const freshDistrict = new CameraClusterIndex(moving, { ...ALL, district: '794' });
    for (let zoom = 0; zoom <= CLUSTER_MAX_ZOOM + 1; zoom++) {
      expect(kept.view(world, zoom)).toEqual(fresh.view(world, zoom));
      expect(districtOnly.view(world, zoom)).toEqual(freshDistrict.view(world, zoom));
    }
    // The moves really changed counts: the build's counts no longer hold.
    expect(new CameraClusterIndex(scatter(3000), ALL).view(world, 8)).not.toEqual(kept.view(world, 8));
  });

  it('a status change that takes a camera into or out of a status filter asks for a new tree', () => {
    const moving = scatter(30);
    const offlineOnly = new CameraClusterIndex(moving, { ...ALL, statuses: ['offline'] });
    const i = moving.findIndex((c) => c.status === 'online');
    moving[i].status = 'offline';
    expect(offlineOnly.moveStatus(i, 'online', 'offline')).toBe(false);
    const j = moving.findIndex((c) => c.status === 'degraded');
    moving[j].status = 'unknown';
    expect(offlineOnly.moveStatus(j, 'degraded', 'unknown')).toBe(true);
  });

  it('one filter in any order is one key', () => {
    expect(filterKey({ ...ALL, ownerships: ['household', 'citizen'] })).toBe(filterKey({ ...ALL, ownerships: ['citizen', 'household'] }));
    expect(filterKey({ ...ALL, commune: '27685' })).not.toBe(filterKey(ALL));
  });
});
