/**
 * Builds the Long An inventory: the real administrative units (2019 and July 2025
 * layouts) and main routes, plus stations, cameras and road signs placed by a seeded
 * PRNG so that every figure of the 2022 report holds exactly (LONG_AN_FIGURES).
 * Pure and deterministic: the same options always give a deep-equal inventory.
 *
 * Old (2019) communes have no published boundaries, only approximate points, so a
 * point generated "in commune X" is drawn inside X's region: X's own district polygon
 * ∩ the union of X's July-2025 successor polygons ∩ the province outline (the method
 * data/SOURCES.md recommends). Its 2025 commune then follows by point-in-polygon.
 */
import { centroid } from '@turf/turf';
import { loadLongAnData, type LonLat, type RawCommune2019 } from './seed.data';
import { normalizeDeg, PolygonIndex } from '../geo';
import { lineLengthM, offset as offsetExact, sampleLine } from './seed.geometry';
import { businessName, personName, phoneNumber, PRIVATE_MODELS, VENDOR_MODELS, VENDOR_WEIGHTS } from './seed.names';
import { apportion, SeedRandom } from './seed.random';
import {
  LONG_AN_FIGURES,
  type SeedAdminUnit,
  type SeedCamera,
  type SeedInventory,
  type SeedOptions,
  type SeedRoadSign,
  type SeedRoute,
  type SeedStation,
} from './seed.types';

export const SEED_GENERATOR_VERSION = '1.0.0';
/** The seed of the published inventory (province code 80, report year 2022). */
export const DEFAULT_SEED = 802022;

/** The districts the province's programme started in and funds most (Bến Lức, Thủ Thừa, Đức Hòa, Cần Giuộc, Tân An). */
export const PRIORITY_DISTRICTS: readonly string[] = ['803', '804', '802', '807', '794'];

/** Stations carrying three cameras (the rest carry two): 356 × 3 + 314 × 2 = 1,696. */
const THREE_CAMERA_STATIONS = LONG_AN_FIGURES.stationCameras - 2 * LONG_AN_FIGURES.stations;
const ROUTE_SAMPLE_M = 50;
const PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
const PROVINCE = '80';

interface RouteSample {
  routeRef: string;
  point: LonLat;
  chainageM: number;
  bearingDeg: number;
  commune: Commune | null;
}

interface Commune {
  raw: RawCommune2019;
  code: string;
  name: string;
  districtCode: string;
  urban: boolean;
  priority: boolean;
  successors: string[];
  /** Where the commune's settlement is assumed to be (see spreadAnchors). */
  anchor: LonLat;
  samples: RouteSample[];
  routeKm: number;
  distToRouteKm: number;
}

interface Geo {
  outline: PolygonIndex;
  districts: PolygonIndex;
  communes2025: PolygonIndex;
}

/** Generates the whole inventory; well under a second on a laptop. */
export function generateSeedInventory(options: SeedOptions): SeedInventory {
  const seed = options.seed ?? DEFAULT_SEED;
  const base = options.simBaseUrl.replace(/\/+$/, '');
  const rng = new SeedRandom(seed);
  const data = loadLongAnData();
  const geo: Geo = {
    outline: new PolygonIndex([{ key: PROVINCE, geometry: data.outline.geometry }]),
    districts: new PolygonIndex(data.districts.map((d) => ({ key: d.code, geometry: d.geometry }))),
    communes2025: new PolygonIndex(data.communes2025.map((f) => ({ key: f.properties.code, geometry: f.geometry }))),
  };
  const inRegion = (c: Commune, p: LonLat): boolean =>
    geo.outline.contains(PROVINCE, p) && geo.districts.contains(c.districtCode, p) && c.successors.some((s) => geo.communes2025.contains(s, p));
  const code2025 = (c: Commune, p: LonLat): string => geo.communes2025.locate(p, c.successors);

  const communes: Commune[] = data.communes2019
    .map((raw) => ({
      raw,
      code: raw.code,
      name: raw.name,
      districtCode: raw.district_code,
      urban: raw.type !== 'Xã',
      priority: PRIORITY_DISTRICTS.includes(raw.district_code),
      successors: raw.successors_2025_07.map((s) => s.code),
      anchor: [raw.lon, raw.lat] as LonLat,
      samples: [],
      routeKm: 0,
      distToRouteKm: Infinity,
    }))
    .sort((a, b) => a.districtCode.localeCompare(b.districtCode) || a.code.localeCompare(b.code));
  spreadAnchors(communes, inRegion, rng.fork('anchors'));

  const routes: SeedRoute[] = data.routes.map((f) => ({
    ref: f.properties.ref,
    name: f.properties.name,
    kind: f.properties.kind,
    geometry: { type: 'LineString', coordinates: f.geometry.coordinates.map(([x, y]) => [x, y] as [number, number]) },
    lengthM: Math.round(lineLengthM(f.geometry.coordinates) * 10) / 10,
  }));
  const routeSamples = assignRouteSamples(routes, communes, geo);

  const chosen = chooseStationCommunes(communes);
  const stationRng = rng.fork('stations');
  const { stations, stationCameras, anchors } = placeStations(chosen, stationRng, inRegion, code2025, base);
  const cameras = [...stationCameras, ...placePrivateCameras(communes, rng.fork('private'), inRegion, code2025)];
  const roadSigns = placeRoadSigns(routeSamples, anchors, rng.fork('signs'), inRegion);

  return {
    adminUnits: adminUnits(data),
    routes,
    stations,
    cameras,
    roadSigns,
    seed,
    generatorVersion: SEED_GENERATOR_VERSION,
  };
}

function adminUnits(data: ReturnType<typeof loadLongAnData>): SeedAdminUnit[] {
  const units: SeedAdminUnit[] = [];
  const [olon, olat] = centroid(data.outline.geometry).geometry.coordinates;
  units.push({
    layout: '2019',
    code: PROVINCE,
    name: 'Tỉnh Long An',
    level: 'province',
    kind: 'Tỉnh',
    parentCode: null,
    lat: round5(olat),
    lon: round5(olon),
    boundary: data.outline.geometry,
    properties: { name_short: 'Long An' },
  });
  for (const d of data.districts) {
    const { code, name, type, lat, lon, geometry, ...rest } = d;
    units.push({ layout: '2019', code, name, level: 'district', kind: type, parentCode: PROVINCE, lat, lon, boundary: geometry, properties: rest });
  }
  for (const c of data.communes2019) {
    const { code, name, type, lat, lon, district_code, ...rest } = c;
    units.push({ layout: '2019', code, name, level: 'commune', kind: type, parentCode: district_code, lat, lon, boundary: null, properties: rest });
  }
  units.push({
    layout: '2025-07',
    code: PROVINCE,
    name: 'Tỉnh Tây Ninh',
    level: 'province',
    kind: 'Tỉnh',
    parentCode: null,
    lat: round5(olat),
    lon: round5(olon),
    boundary: null,
    properties: { name_short: 'Tây Ninh', note: 'Only the former Long An part (60 communes) is held; the new province also includes the former Tây Ninh.' },
  });
  for (const f of data.communes2025) {
    const { code, name, type, label_lat, label_lon, province_code: _p, province_name: _n, ...rest } = f.properties;
    units.push({
      layout: '2025-07',
      code,
      name,
      level: 'commune',
      kind: type,
      parentCode: PROVINCE,
      lat: label_lat,
      lon: label_lon,
      boundary: f.geometry,
      properties: rest,
    });
  }
  return units;
}

/**
 * Fully merged siblings share one published point (79 distinct points for 186 units).
 * Stacking their stations and cameras on one spot would be plainly wrong on a map, so
 * each sibling after the first gets its own centre inside its region, 0.5–2.5 km away.
 */
function spreadAnchors(communes: Commune[], inRegion: (c: Commune, p: LonLat) => boolean, rng: SeedRandom): void {
  const groups = new Map<string, Commune[]>();
  for (const c of communes) {
    const key = `${c.anchor[0]},${c.anchor[1]}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  for (const group of groups.values()) {
    const placed: LonLat[] = [group[0].anchor];
    for (const c of group.slice(1)) {
      let found: LonLat | null = null;
      for (let i = 0; i < 200 && !found; i++) {
        const p = offset(c.anchor, rng.range(500, 2500), rng.range(0, 360));
        const minGap = i < 100 ? 700 : 200;
        if (inRegion(c, p) && placed.every((q) => approxDistM(p, q) >= minGap)) found = p;
      }
      if (found) c.anchor = found;
      placed.push(c.anchor);
    }
  }
}

/**
 * Cuts the routes into 50 m samples and gives each sample inside the province to the
 * old commune whose region holds it and whose centre is nearest (a Voronoi split
 * inside the region, since old commune boundaries are not published).
 */
function assignRouteSamples(routes: SeedRoute[], communes: Commune[], geo: Geo): RouteSample[] {
  const byDistrict = new Map<string, Commune[]>();
  for (const c of communes) byDistrict.set(c.districtCode, [...(byDistrict.get(c.districtCode) ?? []), c]);
  const all: RouteSample[] = [];
  for (const r of routes) {
    for (const s of sampleLine(r.geometry.coordinates, ROUTE_SAMPLE_M)) {
      const sample: RouteSample = { routeRef: r.ref, point: roundP(s.point), chainageM: s.chainageM, bearingDeg: s.bearingDeg, commune: null };
      all.push(sample);
      if (!geo.outline.contains(PROVINCE, sample.point)) continue;
      const district = geo.districts.find(sample.point);
      if (!district) continue;
      const c2025 = geo.communes2025.find(sample.point);
      const candidates = (byDistrict.get(district) ?? []).filter((c) => c2025 !== null && c.successors.includes(c2025));
      if (candidates.length === 0) continue;
      let best = candidates[0];
      for (const c of candidates) if (approxDist2(c.anchor, sample.point) < approxDist2(best.anchor, sample.point)) best = c;
      sample.commune = best;
      best.samples.push(sample);
    }
  }
  const inside = all.filter((s) => s.commune);
  for (const c of communes) {
    c.routeKm = (c.samples.length * ROUTE_SAMPLE_M) / 1000;
    let best = Infinity;
    for (const s of inside) {
      const d2 = approxDist2(c.anchor, s.point);
      if (d2 < best) best = d2;
    }
    c.distToRouteKm = (Math.sqrt(best) * M_PER_DEG) / 1000;
  }
  return all;
}

/**
 * The 112 communes with stations: those the main routes cross and those of the
 * priority districts first, then the ones nearest a route.
 */
function chooseStationCommunes(communes: Commune[]): Commune[] {
  const score = (c: Commune) => Math.min(c.routeKm, 12) + (c.priority ? 6 : 0) + (c.urban ? 1 : 0) - 0.4 * Math.min(c.distToRouteKm, 20);
  return [...communes]
    .sort((a, b) => score(b) - score(a) || a.code.localeCompare(b.code))
    .slice(0, LONG_AN_FIGURES.communesWithStations)
    .sort((a, b) => a.districtCode.localeCompare(b.districtCode) || a.code.localeCompare(b.code));
}

function placeStations(
  chosen: Commune[],
  rng: SeedRandom,
  inRegion: (c: Commune, p: LonLat) => boolean,
  code2025: (c: Commune, p: LonLat) => string,
  base: string,
) {
  const weights = chosen.map((c) => 1 + 0.5 * Math.min(c.routeKm, 12) + (c.priority ? 2 : 0) + (c.urban ? 1 : 0));
  const perCommune = apportion(LONG_AN_FIGURES.stations, weights, 2);
  const threeCams = new Set(
    rng
      .fork('three')
      .shuffle([...Array(LONG_AN_FIGURES.stations).keys()])
      .slice(0, THREE_CAMERA_STATIONS),
  );
  const stations: SeedStation[] = [];
  const cameras: SeedCamera[] = [];
  /** Stations on each route, for the road signs. */
  const anchors: { routeRef: string; chainageM: number; commune: Commune }[] = [];

  chosen.forEach((c, ci) => {
    const n = perCommune[ci];
    const samples = [...c.samples].sort((a, b) => a.routeRef.localeCompare(b.routeRef) || a.chainageM - b.chainageM);
    const onRoute = samples.length === 0 ? 0 : Math.min(Math.round(n * 0.8), Math.max(1, Math.floor(samples.length / 3)));
    for (let k = 0; k < n; k++) {
      const index = stations.length;
      const code = `ST-${String(index + 1).padStart(4, '0')}`;
      let point: LonLat;
      let routeRef: string | null = null;
      let baseHeading: number;
      if (k < onRoute) {
        // Spread along the commune's stretch: one station per equal chunk of samples.
        const lo = Math.floor((k * samples.length) / onRoute);
        const hi = Math.max(lo, Math.floor(((k + 1) * samples.length) / onRoute) - 1);
        const s = samples[rng.int(lo, hi)];
        const side = rng.chance(0.5) ? 90 : -90;
        point = offset(s.point, rng.range(3, 20), s.bearingDeg + side);
        if (!inRegion(c, point)) point = s.point;
        routeRef = s.routeRef;
        baseHeading = s.bearingDeg;
        anchors.push({ routeRef: s.routeRef, chainageM: s.chainageM, commune: c });
      } else {
        point = c.anchor;
        for (let i = 0; i < 30; i++) {
          const p = offset(c.anchor, 700 * Math.sqrt(rng.next()), rng.range(0, 360));
          if (inRegion(c, p)) {
            point = p;
            break;
          }
        }
        baseHeading = rng.range(0, 360);
      }
      const c25 = code2025(c, point);
      const installedOn = dayFrom(Date.UTC(2019, 2, 1), rng.int(0, 1300));
      stations.push({
        code,
        name: `Trạm camera ${c.name} số ${k + 1}${routeRef ? ` (${routeRef})` : ''}`,
        communeCode: c.code,
        communeCode2025: c25,
        lat: round6(point[1]),
        lon: round6(point[0]),
        routeRef,
        installedOn,
        fundingVnd: rng.int(180, 250) * 100_000,
        fundingSource: rng.weighted([
          ['Xã hội hóa: doanh nghiệp', 4],
          ['Xã hội hóa: nhân dân đóng góp', 3],
          ['Xã hội hóa: doanh nghiệp và nhân dân', 3],
          ['Xã hội hóa: Ủy ban MTTQ vận động', 1],
        ] as const),
        uplink: rng.weighted([
          ['fiber', 6],
          ['4g', 4],
        ] as const),
      });
      const vendor = rng.weighted(VENDOR_WEIGHTS);
      const models = VENDOR_MODELS[vendor];
      const bullet = rng.pick(models.bullet);
      const firmware = rng.pick(models.firmware);
      const owner = `Công an ${c.name}`;
      const ownerPhone = phoneNumber(rng);
      const count = threeCams.has(index) ? 3 : 2;
      for (let j = 1; j <= count; j++) {
        const ptz = j === 3;
        // C1 looks along the road, C2 back the other way, the PTZ C3 across it.
        const heading = ptz ? baseHeading + (rng.chance(0.5) ? 90 : -90) : baseHeading + (j === 2 ? 180 : 0) + rng.range(-8, 8);
        const camCode = `${code}-C${j}`;
        cameras.push({
          code: camCode,
          stationCode: code,
          ownership: 'station',
          communeCode: c.code,
          communeCode2025: c25,
          lat: round6(point[1]),
          lon: round6(point[0]),
          headingDeg: heading1(heading),
          fovDeg: ptz ? rng.int(50, 65) : rng.int(80, 100),
          rangeM: ptz ? 10 * rng.int(15, 25) : 5 * rng.int(12, 24),
          ptz,
          onvifUrl: `${base}/onvif/${camCode}/device_service`,
          onvifUser: 'admin',
          onvifPassword: rng.string(16, PASSWORD_ALPHABET),
          vendor,
          model: ptz ? rng.pick(models.ptz) : bullet,
          firmware,
          serial: `${vendor.slice(0, 2).toUpperCase()}${rng.string(10, '0123456789')}`,
          ownerName: owner,
          ownerPhone,
          registeredOn: installedOn,
        });
      }
    }
  });
  return { stations, stationCameras: cameras, anchors };
}

const PRIVATE = [
  { ownership: 'citizen', prefix: 'CIT', total: LONG_AN_FIGURES.citizen, nearRoute: 0.45 },
  { ownership: 'business', prefix: 'BUS', total: LONG_AN_FIGURES.business, nearRoute: 0.6 },
  { ownership: 'household', prefix: 'HH', total: LONG_AN_FIGURES.household, nearRoute: 0.35 },
] as const;

/**
 * Private cameras by commune, more where people and shops are (wards, townships,
 * the priority districts, along the main roads), each either beside a main road
 * facing it or in the settlement around the commune's centre.
 */
function placePrivateCameras(
  communes: Commune[],
  rng: SeedRandom,
  inRegion: (c: Commune, p: LonLat) => boolean,
  code2025: (c: Commune, p: LonLat) => string,
): SeedCamera[] {
  const out: SeedCamera[] = [];
  for (const kind of PRIVATE) {
    const r = rng.fork(kind.ownership);
    const weights = communes.map((c) => {
      const urban = c.raw.type === 'Phường' ? 4 : c.raw.type === 'Thị trấn' ? 3 : 1;
      if (kind.ownership === 'household') return (c.urban ? 1 : 1.5) * (c.priority ? 1.5 : 1);
      const roads = 1 + (kind.ownership === 'business' ? 0.1 : 0.05) * Math.min(c.routeKm, 12);
      return (kind.ownership === 'business' ? urban * 1.5 : urban) * (c.priority ? 2 : 1) * roads;
    });
    const counts = apportion(kind.total, weights);
    let serial = 0;
    communes.forEach((c, ci) => {
      const radius = c.raw.type === 'Phường' ? 1200 : c.raw.type === 'Thị trấn' ? 1500 : 2500;
      for (let k = 0; k < counts[ci]; k++) {
        let point: LonLat | null = null;
        let heading = 0;
        for (let i = 0; i < 20 && !point; i++) {
          if (c.samples.length > 0 && r.chance(kind.nearRoute)) {
            const s = r.pick(c.samples);
            const side = r.chance(0.5) ? 90 : -90;
            const p = offset(s.point, r.range(8, 45), s.bearingDeg + side);
            // Facing the road (back towards it), turned somewhat along it.
            heading = s.bearingDeg - side + r.range(-35, 35);
            if (inRegion(c, p)) point = p;
          } else {
            const p = offset(c.anchor, radius * Math.sqrt(r.next()), r.range(0, 360));
            heading = r.range(0, 360);
            if (inRegion(c, p)) point = p;
          }
        }
        if (!point) point = c.anchor;
        const business = kind.ownership === 'business';
        const ptz = business && r.chance(0.02);
        const [vendor, model] = r.weighted(PRIVATE_MODELS.map(([v, m, w]) => [[v, m], w] as const));
        serial++;
        out.push({
          code: `${kind.prefix}-${String(serial).padStart(5, '0')}`,
          stationCode: null,
          ownership: kind.ownership,
          communeCode: c.code,
          communeCode2025: code2025(c, point),
          lat: round6(point[1]),
          lon: round6(point[0]),
          headingDeg: heading1(heading),
          fovDeg: ptz ? 60 : kind.ownership === 'household' ? r.int(90, 110) : r.int(80, 110),
          rangeM: ptz ? 10 * r.int(6, 10) : kind.ownership === 'household' ? r.int(12, 30) : business ? r.int(20, 50) : r.int(15, 35),
          ptz,
          onvifUrl: null,
          onvifUser: null,
          onvifPassword: null,
          vendor,
          model,
          ownerName: business ? businessName(r, c.name) : personName(r),
          ownerPhone: phoneNumber(r),
          registeredOn: dayFrom(Date.UTC(2020, 5, 1), r.int(0, 880)),
        });
      }
    });
  }
  return out;
}

/**
 * 115 signs "route watched by security cameras": one where a route enters a commune
 * that has stations on it, then more along the watched stretches, at least 1 km apart.
 */
function placeRoadSigns(
  samples: RouteSample[],
  anchors: { routeRef: string; chainageM: number; commune: Commune }[],
  rng: SeedRandom,
  inRegion: (c: Commune, p: LonLat) => boolean,
): SeedRoadSign[] {
  const watched = new Set(anchors.map((a) => `${a.routeRef}|${a.commune.code}`));
  const isWatched = (s: RouteSample) => s.commune !== null && watched.has(`${s.routeRef}|${s.commune.code}`);
  const entries: RouteSample[] = [];
  const stretch: RouteSample[] = [];
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i];
    if (!isWatched(s)) continue;
    stretch.push(s);
    const prev = samples[i - 1];
    if (!prev || prev.routeRef !== s.routeRef || prev.commune !== s.commune) entries.push(s);
  }
  let signs = rng.shuffle([...entries]).slice(0, LONG_AN_FIGURES.roadSigns);
  const farEnough = (s: RouteSample, gap: number) => signs.every((t) => t.routeRef !== s.routeRef || Math.abs(t.chainageM - s.chainageM) >= gap);
  const pool = rng.shuffle([...stretch]);
  for (const gap of [1000, 300, 0]) {
    for (const s of pool) {
      if (signs.length >= LONG_AN_FIGURES.roadSigns) break;
      if (!signs.includes(s) && farEnough(s, gap)) signs.push(s);
    }
  }
  signs = signs.sort((a, b) => a.routeRef.localeCompare(b.routeRef) || a.chainageM - b.chainageM);
  return signs.map((s) => {
    // On the verge, to the right of the direction of travel.
    let p = offset(s.point, 6, s.bearingDeg + 90);
    if (!inRegion(s.commune!, p)) p = s.point;
    return { routeRef: s.routeRef, communeCode: s.commune!.code, lat: round6(p[1]), lon: round6(p[0]) };
  });
}

/** Metres per degree of latitude, and per degree of longitude at the province's mid-latitude (10.7°N). */
const M_PER_DEG = 111_195;
const LON_FACTOR = 0.98261;

/**
 * Squared equirectangular distance in degrees²: plenty for ranking points a few
 * kilometres apart, and free of Math calls (global lookups are slow inside Jest's vm
 * context, and this runs millions of times).
 */
function approxDist2(a: LonLat, b: LonLat): number {
  const dx = (a[0] - b[0]) * LON_FACTOR;
  const dy = a[1] - b[1];
  return dx * dx + dy * dy;
}

function approxDistM(a: LonLat, b: LonLat): number {
  return Math.sqrt(approxDist2(a, b)) * M_PER_DEG;
}

function dayFrom(epochMs: number, days: number): string {
  return new Date(epochMs + days * 86_400_000).toISOString().slice(0, 10);
}

function heading1(d: number): number {
  const h = Math.round(normalizeDeg(d) * 10) / 10;
  return h >= 360 ? 0 : h;
}

const round5 = (x: number) => Math.round(x * 1e5) / 1e5;
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
const roundP = (p: LonLat): LonLat => [round6(p[0]), round6(p[1])];

/**
 * Offsets rounded to 6 decimals (≈ 0.1 m) before any containment test, so a point
 * tested inside its commune is exactly the point stored.
 */
function offset(p: LonLat, distanceM: number, bearingDeg: number): LonLat {
  return roundP(offsetExact(p, distanceM, bearingDeg));
}
