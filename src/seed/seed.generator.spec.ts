import { booleanPointInPolygon, pointToLineDistance } from '@turf/turf';
import { loadLongAnData } from './seed.data';
import { DEFAULT_SEED, generateSeedInventory, PRIORITY_DISTRICTS, SEED_GENERATOR_VERSION } from './seed.generator';
import { apportion, SeedRandom } from './seed.random';
import { LONG_AN_FIGURES, SIM_VENDORS, type SeedInventory } from './seed.types';

const BASE = 'http://127.0.0.1:8899';

describe('generateSeedInventory', () => {
  let inv: SeedInventory;
  const data = loadLongAnData();
  const district = new Map(data.communes2019.map((c) => [c.code, c.district_code]));
  const districtGeometry = new Map(data.districts.map((d) => [d.code, d.geometry]));

  // Generation time is measured by the benchmark (npm run bench:geo), not asserted here.
  beforeAll(() => {
    inv = generateSeedInventory({ simBaseUrl: BASE });
  });

  it('holds every figure of the report exactly', () => {
    const byOwnership = (o: string) => inv.cameras.filter((c) => c.ownership === o).length;
    expect(inv.stations).toHaveLength(670);
    expect(byOwnership('station')).toBe(1696);
    expect(byOwnership('citizen')).toBe(5572);
    expect(byOwnership('business')).toBe(17110);
    expect(byOwnership('household')).toBe(231);
    expect(inv.cameras).toHaveLength(24609);
    expect(inv.roadSigns).toHaveLength(115);
    expect(new Set(inv.stations.map((s) => s.communeCode)).size).toBe(112);
    const funding = inv.stations.reduce((s, x) => s + x.fundingVnd, 0);
    expect(funding).toBeGreaterThanOrEqual(12_000_000_000);
    expect(inv.seed).toBe(DEFAULT_SEED);
    expect(inv.generatorVersion).toBe(SEED_GENERATOR_VERSION);
  });

  it('holds both administrative layouts', () => {
    const units = (layout: string, level: string) => inv.adminUnits.filter((u) => u.layout === layout && u.level === level);
    expect(units('2019', 'province').map((u) => [u.code, u.name])).toEqual([['80', 'Tỉnh Long An']]);
    expect(units('2019', 'district')).toHaveLength(15);
    expect(units('2019', 'district').every((d) => d.parentCode === '80' && d.boundary !== null)).toBe(true);
    const communes = units('2019', 'commune');
    expect(communes).toHaveLength(LONG_AN_FIGURES.communes);
    expect(communes.filter((c) => c.kind === 'Xã')).toHaveLength(166);
    expect(communes.filter((c) => c.kind === 'Phường')).toHaveLength(12);
    expect(communes.filter((c) => c.kind === 'Thị trấn')).toHaveLength(14);
    for (const c of communes) {
      expect(c.parentCode).toBe(district.get(c.code));
      expect(typeof c.lat).toBe('number');
      expect(c.properties.name_short).toEqual(expect.any(String));
      expect(c.properties.successors_2025_07).toEqual(expect.any(Array));
    }
    expect(units('2025-07', 'province').map((u) => [u.code, u.name])).toEqual([['80', 'Tỉnh Tây Ninh']]);
    const new2025 = units('2025-07', 'commune');
    expect(new2025).toHaveLength(60);
    for (const c of new2025) {
      expect(c.parentCode).toBe('80');
      expect((c.boundary as { type: string }).type).toBe('Polygon');
      expect(c.properties).toHaveProperty('bando_population');
      expect(c.properties).toHaveProperty('bando_area_km2');
    }
    expect(inv.adminUnits).toHaveLength(1 + 15 + 192 + 1 + 60);
  });

  it('measures the eight routes geodesically', () => {
    expect(inv.routes.map((r) => r.ref).sort()).toEqual(['CT.01', 'QL N1', 'QL N2', 'QL1', 'QL50', 'QL62', 'ĐT827A', 'ĐT830'].sort());
    const ql1 = inv.routes.find((r) => r.ref === 'QL1')!;
    // The data's own figure is 30.6 km.
    expect(ql1.lengthM).toBeGreaterThan(30_500);
    expect(ql1.lengthM).toBeLessThan(30_700);
  });

  it('is deterministic, and a different seed gives a different inventory', () => {
    expect(generateSeedInventory({ simBaseUrl: BASE })).toEqual(inv);
    const other = generateSeedInventory({ simBaseUrl: BASE, seed: 7 });
    expect(other.stations).toHaveLength(670);
    expect(other.cameras).toHaveLength(24609);
    expect(other.stations.map((s) => [s.lat, s.lon])).not.toEqual(inv.stations.map((s) => [s.lat, s.lon]));
    expect(other.cameras[0].onvifPassword).not.toBe(inv.cameras[0].onvifPassword);
  });

  it('gives valid, unique codes', () => {
    const codes = [...inv.stations.map((s) => s.code), ...inv.cameras.map((c) => c.code)];
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.filter((code) => !/^[A-Z0-9-]+$/.test(code))).toEqual([]);
    expect(inv.stations[0].code).toBe('ST-0001');
    expect(inv.stations[669].code).toBe('ST-0670');
    for (const c of inv.cameras) {
      if (c.ownership === 'station') expect(c.code).toMatch(new RegExp(`^${c.stationCode}-C[1-3]$`));
    }
    for (const [o, p] of [
      ['citizen', 'CIT'],
      ['business', 'BUS'],
      ['household', 'HH'],
    ]) {
      const own = inv.cameras.filter((c) => c.ownership === o);
      expect(own[0].code).toBe(`${p}-00001`);
      expect(own.every((c) => new RegExp(`^${p}-\\d{5}$`).test(c.code))).toBe(true);
    }
  });

  it('gives each station 2 or 3 cameras with ONVIF credentials, and no private camera any', () => {
    const perStation = new Map<string, number>();
    for (const c of inv.cameras.filter((x) => x.ownership === 'station')) {
      perStation.set(c.stationCode!, (perStation.get(c.stationCode!) ?? 0) + 1);
      expect(c.onvifUrl).toBe(`${BASE}/onvif/${c.code}/device_service`);
      expect(c.onvifUser).toBe('admin');
      expect(c.onvifPassword!.length).toBeGreaterThanOrEqual(12);
      expect(SIM_VENDORS).toContain(c.vendor);
      expect(c.model).toEqual(expect.any(String));
      if (c.ptz) {
        expect(c.fovDeg).toBeLessThanOrEqual(70);
        expect(c.rangeM).toBeGreaterThanOrEqual(150);
      } else {
        expect(c.fovDeg).toBeGreaterThanOrEqual(80);
        expect(c.rangeM).toBeGreaterThanOrEqual(60);
        expect(c.rangeM).toBeLessThanOrEqual(120);
      }
    }
    const counts = [...perStation.values()];
    expect(counts).toHaveLength(670);
    expect(counts.filter((n) => n === 3)).toHaveLength(356);
    expect(counts.filter((n) => n === 2)).toHaveLength(314);
    expect(new Set(inv.cameras.filter((c) => c.ownership === 'station').map((c) => c.onvifPassword)).size).toBe(1696);
    const badPrivate = inv.cameras.filter(
      (c) =>
        c.ownership !== 'station' &&
        (c.onvifUrl !== null ||
          c.onvifPassword !== null ||
          c.stationCode !== null ||
          !c.ownerName ||
          !/^09\d{8}$/.test(c.ownerPhone ?? '') ||
          !/^\d{4}-\d{2}-\d{2}$/.test(c.registeredOn ?? '')),
    );
    expect(badPrivate).toEqual([]);
  });

  it('keeps headings, fields of view and ranges within the database checks', () => {
    const bad = inv.cameras.filter((c) => !(c.headingDeg >= 0 && c.headingDeg < 360 && c.fovDeg > 0 && c.fovDeg <= 360 && c.rangeM > 0));
    expect(bad).toEqual([]);
  });

  it('puts every point inside the province and inside its commune district', () => {
    const outline = data.outline.geometry;
    const points = [...inv.stations, ...inv.cameras, ...inv.roadSigns];
    const outside = points.filter((p) => !booleanPointInPolygon([p.lon, p.lat], outline));
    expect(outside).toEqual([]);
    const wrongDistrict = points.filter((p) => !booleanPointInPolygon([p.lon, p.lat], districtGeometry.get(district.get(p.communeCode)!)!));
    expect(wrongDistrict).toEqual([]);
  });

  it('gives every station and camera a 2025 commune that is a successor of its 2019 commune', () => {
    const successors = new Map(data.communes2019.map((c) => [c.code, c.successors_2025_07.map((s) => s.code)]));
    const codes2025 = new Set(data.communes2025.map((f) => f.properties.code));
    const all = [...inv.stations, ...inv.cameras];
    expect(all.filter((x) => !codes2025.has(x.communeCode2025!))).toEqual([]);
    expect(all.filter((x) => !successors.get(x.communeCode)!.includes(x.communeCode2025!))).toEqual([]);
  });

  it('places route stations within 30 m of their route, favouring the priority districts', () => {
    const routes = new Map(inv.routes.map((r) => [r.ref, r.geometry]));
    const onRoute = inv.stations.filter((s) => s.routeRef !== null);
    expect(onRoute.length).toBeGreaterThan(300);
    for (const s of onRoute) {
      expect(pointToLineDistance([s.lon, s.lat], routes.get(s.routeRef!)!, { units: 'meters' })).toBeLessThanOrEqual(30);
    }
    for (const sign of inv.roadSigns) {
      expect(pointToLineDistance([sign.lon, sign.lat], routes.get(sign.routeRef)!, { units: 'meters' })).toBeLessThanOrEqual(30);
      expect(onRoute.some((s) => s.routeRef === sign.routeRef && s.communeCode === sign.communeCode)).toBe(true);
    }
    const inPriority = inv.stations.filter((s) => PRIORITY_DISTRICTS.includes(district.get(s.communeCode)!)).length;
    expect(inPriority / inv.stations.length).toBeGreaterThan(0.6);
  });

  it('funds each station between 18 and 25 million VND', () => {
    for (const s of inv.stations) {
      expect(s.fundingVnd).toBeGreaterThanOrEqual(18_000_000);
      expect(s.fundingVnd).toBeLessThanOrEqual(25_000_000);
    }
  });

  it('strips a trailing slash from the simulator base URL', () => {
    const c = generateSeedInventory({ simBaseUrl: `${BASE}/` }).cameras[0];
    expect(c.onvifUrl).toBe(`${BASE}/onvif/${c.code}/device_service`);
  });
});

describe('apportion', () => {
  it('sums exactly and respects the minimum', () => {
    const shares = apportion(670, [1, 2.5, 3, 0.1, 7], 2);
    expect(shares.reduce((a, b) => a + b, 0)).toBe(670);
    expect(Math.min(...shares)).toBeGreaterThanOrEqual(2);
    expect(shares[4]).toBeGreaterThan(shares[0]);
  });
});

describe('SeedRandom', () => {
  it('repeats for one seed and differs between seeds and forks', () => {
    const a = new SeedRandom(1);
    const b = new SeedRandom(1);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(new SeedRandom(2).next()).not.toBe(xs[0]);
    expect(new SeedRandom(1).fork('x').next()).not.toBe(new SeedRandom(1).fork('y').next());
  });
});
