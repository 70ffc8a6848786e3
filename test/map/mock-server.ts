/**
 * A stand-in for camnet's HTTP API, built from the seed generator, for working on
 * the map without a database: `node -r <a TypeScript require hook> test/map/mock-server.ts`.
 * It answers in DESIGN.md's shapes with made-up statuses and coverage; the browser
 * test itself always runs against the real service.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { generateSeedInventory } from '../../src/seed/seed.generator';

const STATUSES = ['online', 'online', 'online', 'online', 'degraded', 'offline', 'maintenance', 'unknown'];
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png' };

export function startMockServer(port = 0): Promise<{ url: string; server: http.Server; emit: (event: string, data: unknown) => void }> {
  const root = path.resolve(__dirname, '../..');
  const inv = generateSeedInventory({ simBaseUrl: 'http://127.0.0.1:8899' });
  const status = new Map(inv.cameras.map((c, i) => [c.code, c.ownership === 'station' ? STATUSES[i % STATUSES.length] : 'unknown']));
  const withStations = new Set(inv.stations.map((s) => s.communeCode));
  const clients = new Set<http.ServerResponse>();
  const emit = (event: string, data: unknown) => {
    for (const c of clients) c.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const cameraItem = (c: (typeof inv.cameras)[number]) => ({
    code: c.code, ownership: c.ownership, station_code: c.stationCode, commune_code: c.communeCode, lat: c.lat, lon: c.lon,
    heading_deg: c.headingDeg, fov_deg: c.fovDeg, range_m: c.rangeM, ptz: c.ptz, status: status.get(c.code), vendor: c.vendor, model: c.model,
  });
  const page = <T>(items: T[], q: URLSearchParams) => {
    const limit = Number(q.get('limit') ?? 1000);
    const start = Number(q.get('cursor') || 0);
    const next = start + limit < items.length ? String(start + limit) : null;
    return { items: items.slice(start, start + limit), next_cursor: next };
  };

  const api = (p: string, q: URLSearchParams, body: any): unknown => {
    if (p === '/api/whoami') return { name: 'mock', role: 'admin' };
    if (p === '/api/map-config') return { tile_url: null };
    if (p === '/api/summary') {
      const counts: Record<string, number> = { online: 0, offline: 0, degraded: 0, maintenance: 0, unknown: 0 };
      for (const c of inv.cameras) if (c.ownership === 'station') counts[status.get(c.code)!]++;
      const n = (o: string) => inv.cameras.filter((c) => c.ownership === o).length;
      return {
        communes: { total: 192, with_stations: withStations.size }, stations: inv.stations.length,
        cameras: { station: n('station'), citizen: n('citizen'), business: n('business'), household: n('household'), total: inv.cameras.length },
        road_signs: inv.roadSigns.length, funding_vnd: inv.stations.reduce((s, x) => s + x.fundingVnd, 0), status: counts, data_source: {},
      };
    }
    if (p === '/api/admin-units') {
      return inv.adminUnits
        .filter((a) => a.layout === (q.get('layout') ?? '2019') && (!q.get('level') || a.level === q.get('level')))
        .map((a) => ({ code: a.code, name: a.name, level: a.level, kind: a.kind, parent_code: a.parentCode, lat: a.lat, lon: a.lon, boundary: a.boundary, properties: a.properties, ...(a.layout === '2019' && a.level === 'commune' ? { has_stations: withStations.has(a.code) } : {}) }));
    }
    if (p === '/api/routes') return inv.routes.map((r) => ({ ref: r.ref, name: r.name, kind: r.kind, length_m: r.lengthM, geometry: r.geometry }));
    if (p === '/api/road-signs') return inv.roadSigns.map((s, i) => ({ id: i + 1, route_ref: s.routeRef, commune_code: s.communeCode, lat: s.lat, lon: s.lon }));
    if (p === '/api/stations') return page(inv.stations.map((s) => ({ code: s.code, name: s.name, commune_code: s.communeCode, commune_code_2025: s.communeCode2025, lat: s.lat, lon: s.lon, route_ref: s.routeRef, status: 'online' })), q);
    if (p === '/api/cameras') {
      const own = (q.get('ownership') ?? '').split(',').filter(Boolean);
      return page(inv.cameras.filter((c) => !own.length || own.includes(c.ownership)).map(cameraItem), q);
    }
    const st = p.match(/^\/api\/cameras\/([A-Z0-9-]+)\/status$/);
    if (st) {
      const c = inv.cameras.find((x) => x.code === st[1]);
      if (!c) throw Object.assign(new Error('no such camera'), { status: 404 });
      return { code: c.code, status: status.get(c.code), since: '2025-01-01T00:00:00Z', last_check_at: new Date().toISOString(), last_ok_at: null, last_error: status.get(c.code) === 'offline' ? { kind: 'timeout', message: 'no answer in 5000 ms' } : null, clock_offset_s: 1.2, heading_deg: c.headingDeg, ptz: null, device: { manufacturer: c.vendor, model: c.model, firmware: c.firmware, serial: c.serial, hardware_id: null } };
    }
    if (p === '/api/uptime') return { uptime_pct: 97.5 };
    if (p === '/api/coverage/routes') {
      return inv.routes.map((r) => {
        const coords = r.geometry.coordinates;
        const mid = Math.floor(coords.length / 2);
        const gapLen = r.lengthM / 4;
        return { ref: r.ref, name: r.name, length_m: r.lengthM, installed: { covered_m: r.lengthM * 0.6, pct: 60 }, effective: { covered_m: r.lengthM * 0.5, pct: 50 }, gaps: [{ from_m: r.lengthM / 2, to_m: r.lengthM / 2 + gapLen, length_m: gapLen, geometry: { type: 'LineString', coordinates: coords.slice(mid, mid + 3) } }] };
      });
    }
    if (p === '/api/search/near') {
      const lat = Number(q.get('lat')), lon = Number(q.get('lon')), radius = Number(q.get('radius_m') ?? 300);
      const R = 6371008.8, rad = Math.PI / 180;
      const cams = inv.cameras
        .map((c) => {
          const dy = (lat - c.lat) * rad * R, dx = (lon - c.lon) * rad * R * Math.cos(c.lat * rad);
          const d = Math.hypot(dx, dy);
          const brg = (Math.atan2(dx, dy) / rad + 360) % 360;
          const diff = Math.abs(((brg - c.headingDeg + 540) % 360) - 180);
          return { code: c.code, ownership: c.ownership, lat: c.lat, lon: c.lon, distance_m: d, sees_point: d <= c.rangeM && diff <= c.fovDeg / 2, status_at: status.get(c.code), heading_at: c.headingDeg, owner: { name: c.ownerName, phone: c.ownerPhone } };
        })
        .filter((c) => c.distance_m <= radius)
        .sort((a, b) => a.distance_m - b.distance_m);
      return { at: q.get('at') ?? new Date().toISOString(), point: { lat, lon }, radius_m: radius, cameras: cams };
    }
    if (p === '/api/planning/proposals') {
      const r = inv.routes[0];
      const [lon, lat] = r.geometry.coordinates[5];
      return { stations: [{ lat, lon, commune_code: '27685', route_ref: r.ref, cameras: [{ heading_deg: 30, fov_deg: 90, range_m: 120 }, { heading_deg: 210, fov_deg: 90, range_m: 120 }], cost_vnd: Number(body?.budget_vnd ?? 0) / 2, gain_m: 240 }], total_cost_vnd: Number(body?.budget_vnd ?? 0) / 2, coverage_before_pct: 12.5, coverage_after_pct: 13.1 };
    }
    if (p === '/api/planning/uncovered-communes') return [];
    throw Object.assign(new Error(`no route ${p}`), { status: 404 });
  };

  const server = http.createServer((req, res) => {
    const u = new URL(req.url!, 'http://x');
    if (u.pathname === '/api/events') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
      res.write(': hello\n\n');
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }
    if (u.pathname === '/mock/status' && req.method === 'POST') {
      const code = u.searchParams.get('code')!, next = u.searchParams.get('status')!;
      const previous = status.get(code);
      status.set(code, next);
      emit('status', { subject: 'camera', code, status: next, previous, at: new Date().toISOString(), reason: 'mock' });
      res.end('ok');
      return;
    }
    if (u.pathname.startsWith('/api/')) {
      let raw = '';
      req.on('data', (d) => (raw += d));
      req.on('end', () => {
        try {
          const out = JSON.stringify(api(u.pathname, u.searchParams, raw ? JSON.parse(raw) : null));
          res.writeHead(200, { 'Content-Type': 'application/json' }).end(out);
        } catch (err: any) {
          res.writeHead(err.status ?? 500, { 'Content-Type': 'application/json' }).end(JSON.stringify({ message: err.message }));
        }
      });
      return;
    }
    const file = u.pathname.startsWith('/vendor/leaflet/')
      ? path.join(root, 'node_modules/leaflet/dist', u.pathname.slice('/vendor/leaflet/'.length))
      : path.join(root, 'web', u.pathname === '/' ? 'index.html' : u.pathname);
    fs.readFile(file, (err, data) => {
      if (err) return void res.writeHead(404).end('not found');
      res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(data);
    });
  });
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () => {
      const a = server.address() as { port: number };
      resolve({ url: `http://127.0.0.1:${a.port}`, server, emit });
    }),
  );
}

if (require.main === module) {
  void startMockServer(Number(process.argv[2] ?? 3900)).then(({ url }) => console.log(`mock camnet on ${url}`));
}
