// The map's layers, all drawn on one canvas so that 24,609 cameras stay smooth
// (several canvases would stack and only the top one would receive clicks).
// Keeps a registry code → layers so that live status changes recolour in place.

import { destination, sector } from './sector.js';

/* global L */

export const STATUS_COLORS = {
  online: '#2e9e44',
  degraded: '#f0a020',
  offline: '#d93025',
  maintenance: '#1a73e8',
  unknown: '#9aa0a6',
};
export const STATUSES = Object.keys(STATUS_COLORS);
export const OWNERSHIPS = ['station', 'citizen', 'business', 'household'];
const HAS_STATIONS_FILL = '#81c784';
const NO_STATIONS_FILL = '#ffb74d';
const ROUTE_COLOR = '#3949ab';
const GAP_COLOR = '#e64a19';
const PROPOSAL_COLOR = '#8e24aa';

/** From this zoom on, station cameras are true field-of-view wedges (115 m ≈ 12 px at zoom 14). */
export const WEDGE_MIN_ZOOM = 14;
/** Below it they are dots pushed this many pixels out along their heading, so a station's cameras fan out. */
const PETAL_OFFSET_PX = 7;
/**
 * Below this zoom a station's cameras are not drawn: the station stands for them,
 * small, coloured by its worst camera, and drawn under the routes so that the
 * lines and their gaps stay readable at province zoom.
 */
export const STATION_CAMERAS_MIN_ZOOM = 12;
/** Which status a station shows for its cameras at province zoom: the first found in this order. */
const WORST_FIRST = ['offline', 'degraded', 'maintenance', 'unknown', 'online'];

export const colorOf = (status) => STATUS_COLORS[status] ?? STATUS_COLORS.unknown;

export class MapLayers {
  constructor(map) {
    this.map = map;
    this.renderer = L.canvas({ padding: 0.3, tolerance: 3 });
    const group = () => L.layerGroup();
    this.groups = {
      districts: group(),
      communes2025: group(),
      communes2019: group(),
      routes: group(),
      gaps: group(),
      stationCameras: group(),
      privateCameras: group(),
      roadSigns: group(),
      stations: group(),
      incident: group(),
      proposals: group(),
    };
    this.cameraDots = L.layerGroup();
    this.cameraWedges = L.layerGroup();
    /** code → {cam, status, district, dot, wedge, shown} */
    this.cameras = new Map();
    this.stations = new Map();
    /** station code → camera entries */
    this.stationCameras = new Map();
    this.communeDistrict = new Map();
    this.predicate = () => true;
    this.shownCount = 0;
    this.onCameraClick = () => {};
    this.onStationClick = () => {};
    this.counts = { districts: 0, communes2025: 0, communes2019: 0, routes: 0, gaps: 0, roadSigns: 0 };
    map.on('zoomend', () => this.placeStationCameras());
  }

  get wedgesMode() {
    return this.map.getZoom() >= WEDGE_MIN_ZOOM;
  }

  get provinceMode() {
    return this.map.getZoom() < STATION_CAMERAS_MIN_ZOOM;
  }

  camerasOfStation(code) {
    return this.stationCameras.get(code) ?? [];
  }

  /** Status counts of the cameras loaded here (the station cameras): what a technician or planner may count. */
  statusCounts() {
    const counts = Object.fromEntries(STATUSES.map((s) => [s, 0]));
    for (const e of this.cameras.values()) counts[e.status] = (counts[e.status] ?? 0) + 1;
    return counts;
  }

  /** The colour a station shows: at province zoom its worst camera's, else its own status's. */
  stationColor(s) {
    if (!this.provinceMode) return colorOf(s.status);
    const statuses = new Set(this.camerasOfStation(s.code).map((e) => e.status));
    return colorOf(WORST_FIRST.find((st) => statuses.has(st)) ?? s.status);
  }

  /** Shapes in painting order: areas, then lines, then cameras, then stations and signs on top. */
  addToMap(visible) {
    for (const [name, layer] of Object.entries(this.groups)) if (visible[name] !== false) layer.addTo(this.map);
    this.placeStationCameras();
  }

  drawAdminUnits({ districts, communes2025, communes2019, stations }) {
    const communesWithStations = new Set();
    const communes2025WithStations = new Set();
    for (const s of stations) {
      communesWithStations.add(s.commune_code);
      if (s.commune_code_2025) communes2025WithStations.add(s.commune_code_2025);
    }
    for (const c of communes2019) {
      this.communeDistrict.set(c.code, c.parent_code);
      if (c.has_stations === true) communesWithStations.add(c.code);
    }
    const districtsWithStations = new Set(
      communes2019.filter((c) => c.has_stations ?? communesWithStations.has(c.code)).map((c) => c.parent_code),
    );
    if (communes2025WithStations.size === 0) {
      // Stations without 2025 codes: a 2025 commune has stations when one of its 2019 predecessors does.
      for (const c of communes2019) {
        if (!(c.has_stations ?? communesWithStations.has(c.code))) continue;
        for (const succ of c.properties?.successors_2025_07 ?? []) communes2025WithStations.add(succ.code);
      }
    }
    const area = (unit, has, weight) =>
      L.geoJSON(unit.boundary, {
        renderer: this.renderer,
        interactive: false,
        style: { color: '#455a64', weight, fillColor: has ? HAS_STATIONS_FILL : NO_STATIONS_FILL, fillOpacity: 0.18 },
      });
    for (const d of districts) {
      if (!d.boundary) continue;
      this.groups.districts.addLayer(area(d, districtsWithStations.has(d.code), 1.6));
      this.counts.districts++;
    }
    for (const c of communes2025) {
      if (!c.boundary) continue;
      this.groups.communes2025.addLayer(area(c, communes2025WithStations.has(c.code), 0.7));
      this.counts.communes2025++;
    }
    for (const c of communes2019) {
      if (c.lat == null || c.lon == null) continue;
      const has = c.has_stations ?? communesWithStations.has(c.code);
      const m = L.circleMarker([c.lat, c.lon], {
        renderer: this.renderer,
        radius: 3.5,
        weight: 1,
        color: '#37474f',
        fillColor: has ? HAS_STATIONS_FILL : NO_STATIONS_FILL,
        fillOpacity: 1,
      });
      m.bindTooltip(c.name);
      this.groups.communes2019.addLayer(m);
      this.counts.communes2019++;
    }
  }

  /** Routes in their covered colour, the uncovered gaps over them in another. */
  drawRoutes(routes, coverage) {
    const byRef = new Map((coverage ?? []).map((c) => [c.ref, c]));
    for (const r of routes) {
      if (!r.geometry) continue;
      const line = L.geoJSON(r.geometry, { renderer: this.renderer, style: { color: ROUTE_COLOR, weight: 4, opacity: 0.9 } });
      const cov = byRef.get(r.ref);
      line.bindTooltip(cov ? `${r.name} — ${cov.installed.pct.toFixed(1)}%` : r.name, { sticky: true });
      this.groups.routes.addLayer(line);
      this.counts.routes++;
    }
    this.drawGaps(coverage ?? []);
  }

  drawGaps(coverage) {
    this.groups.gaps.clearLayers();
    this.counts.gaps = 0;
    for (const route of coverage) {
      for (const gap of route.gaps ?? []) {
        if (!gap.geometry) continue;
        const line = L.geoJSON(gap.geometry, {
          renderer: this.renderer,
          style: { color: GAP_COLOR, weight: 7, opacity: 0.85, dashArray: '8 6', lineCap: 'butt' },
        });
        line.bindTooltip(`${route.ref}: ${(gap.length_m / 1000).toFixed(1)} km`, { sticky: true });
        this.groups.gaps.addLayer(line);
        this.counts.gaps++;
      }
    }
  }

  drawStations(stations) {
    for (const s of stations) {
      const m = L.circleMarker([s.lat, s.lon], {
        renderer: this.renderer,
        radius: 5,
        weight: 2,
        color: '#111',
        fillColor: this.stationColor(s),
        fillOpacity: 1,
      });
      m.on('click', (e) => this.onStationClick(s, m, e));
      this.stations.set(s.code, { station: s, marker: m });
      this.groups.stations.addLayer(m);
    }
  }

  drawRoadSigns(signs) {
    for (const s of signs) {
      this.groups.roadSigns.addLayer(
        L.circleMarker([s.lat, s.lon], {
          renderer: this.renderer,
          radius: 3.5,
          weight: 1.5,
          color: '#212121',
          fillColor: '#ffd600',
          fillOpacity: 1,
          interactive: false,
        }),
      );
      this.counts.roadSigns++;
    }
  }

  /** Station cameras become dots or wedges depending on zoom; private ones are always small dots. */
  drawCameras(cameras) {
    for (const cam of cameras) {
      const entry = {
        cam,
        status: cam.status ?? 'unknown',
        district: this.communeDistrict.get(cam.commune_code) ?? null,
        dot: null,
        wedge: null,
        shown: false,
      };
      this.cameras.set(cam.code, entry);
      if (cam.station_code) {
        if (!this.stationCameras.has(cam.station_code)) this.stationCameras.set(cam.station_code, []);
        this.stationCameras.get(cam.station_code).push(entry);
      }
      if (cam.ownership === 'station') {
        entry.dot = L.circleMarker([cam.lat, cam.lon], {
          renderer: this.renderer,
          radius: 3.5,
          weight: 1,
          color: '#fff',
          fillColor: colorOf(entry.status),
          fillOpacity: 1,
        });
      } else {
        entry.dot = L.circleMarker([cam.lat, cam.lon], {
          renderer: this.renderer,
          radius: 2.2,
          stroke: false,
          fillColor: colorOf(entry.status),
          fillOpacity: 0.75,
        });
      }
      entry.dot.on('click', (e) => this.onCameraClick(entry, e));
    }
    this.applyFilter(this.predicate);
  }

  wedgeOf(entry) {
    if (!entry.wedge) {
      const c = entry.cam;
      const color = colorOf(entry.status);
      entry.wedge = L.polygon(sector(c.lat, c.lon, c.heading_deg ?? 0, c.fov_deg ?? 90, c.range_m ?? 100), {
        renderer: this.renderer,
        weight: 1,
        color,
        fillColor: color,
        fillOpacity: 0.35,
      });
      entry.wedge.on('click', (e) => this.onCameraClick(entry, e));
    }
    return entry.wedge;
  }

  /** Puts the station cameras in dots or wedges and fans the dots out for the current zoom. */
  placeStationCameras() {
    const group = this.groups.stationCameras;
    const wedges = this.wedgesMode;
    group.clearLayers();
    if (this.provinceMode) {
      this.raiseStations();
      return;
    }
    group.addLayer(wedges ? this.cameraWedges : this.cameraDots);
    if (wedges) {
      this.cameraWedges.clearLayers();
      for (const entry of this.cameras.values()) if (entry.shown && entry.cam.ownership === 'station') this.cameraWedges.addLayer(this.wedgeOf(entry));
    } else {
      const metresPerPixel = (40075016.686 * Math.cos((this.map.getCenter().lat * Math.PI) / 180)) / 2 ** (this.map.getZoom() + 8);
      for (const entry of this.cameras.values()) {
        if (entry.cam.ownership !== 'station') continue;
        const c = entry.cam;
        entry.dot.setLatLng(destination(c.lat, c.lon, c.heading_deg ?? 0, PETAL_OFFSET_PX * metresPerPixel));
      }
    }
    this.raiseStations();
  }

  /** Stations on top of their cameras when zoomed in; at province zoom small, under the routes and their gaps. */
  raiseStations() {
    const small = this.provinceMode;
    const radius = small ? 2.5 : 5;
    for (const { station, marker } of this.stations.values()) {
      if (marker.getRadius() !== radius) {
        marker.setRadius(radius);
        marker.setStyle({ weight: small ? 0.8 : 2 });
      }
      marker.setStyle({ fillColor: this.stationColor(station) });
      if (!small && this.map.hasLayer(marker)) marker.bringToFront();
    }
    if (small) {
      for (const g of [this.groups.routes, this.groups.gaps]) if (this.map.hasLayer(g)) g.eachLayer((l) => l.bringToFront());
    }
  }

  /** Shows the cameras the predicate accepts; returns how many are shown (also kept in shownCount). */
  applyFilter(predicate) {
    this.predicate = predicate;
    let shown = 0;
    const dots = [];
    const privates = [];
    const stationsShown = new Set();
    for (const entry of this.cameras.values()) {
      entry.shown = predicate(entry);
      if (!entry.shown) continue;
      shown++;
      (entry.cam.ownership === 'station' ? dots : privates).push(entry);
      if (entry.cam.station_code) stationsShown.add(entry.cam.station_code);
    }
    // The canvas paints in the order layers are added: cameras that are not online go last, on top.
    const downLast = (a, b) => (a.status === 'online' ? 0 : 1) - (b.status === 'online' ? 0 : 1);
    // Rebuilt wholesale: one clear and re-add costs less than 24,609 membership checks on canvas.
    this.cameraDots.clearLayers();
    for (const e of dots.sort(downLast)) this.cameraDots.addLayer(e.dot);
    this.groups.privateCameras.clearLayers();
    for (const e of privates.sort(downLast)) this.groups.privateCameras.addLayer(e.dot);
    // A filter that hides cameras hides the stations left without a shown camera too.
    const filtering = shown < this.cameras.size;
    for (const { station, marker } of this.stations.values()) {
      if (!filtering || stationsShown.has(station.code)) this.groups.stations.addLayer(marker);
      else this.groups.stations.removeLayer(marker);
    }
    this.placeStationCameras();
    this.shownCount = shown;
    return shown;
  }

  /** Shows or hides one camera, as applyFilter would, without touching the others. */
  showCamera(entry, shown) {
    entry.shown = shown;
    this.shownCount += shown ? 1 : -1;
    const station = entry.cam.ownership === 'station';
    const group = station ? this.cameraDots : this.groups.privateCameras;
    if (shown) group.addLayer(entry.dot);
    else group.removeLayer(entry.dot);
    if (station && this.wedgesMode) {
      if (shown) this.cameraWedges.addLayer(this.wedgeOf(entry));
      else if (entry.wedge) this.cameraWedges.removeLayer(entry.wedge);
    }
    if (station && shown) this.raiseStations();
  }

  setCameraStatus(code, status) {
    const entry = this.cameras.get(code);
    if (!entry) return null;
    const previous = entry.status;
    entry.status = status;
    const color = colorOf(status);
    entry.dot?.setStyle({ fillColor: color });
    entry.wedge?.setStyle({ color, fillColor: color });
    const station = entry.cam.station_code && this.stations.get(entry.cam.station_code);
    if (station) station.marker.setStyle({ fillColor: this.stationColor(station.station) });
    // A status filter may now hide or show this camera.
    const shown = this.predicate(entry);
    if (shown !== entry.shown) this.showCamera(entry, shown);
    return previous;
  }

  setStationStatus(code, status) {
    const s = this.stations.get(code);
    if (!s) return null;
    const previous = s.station.status;
    s.station.status = status;
    s.marker.setStyle({ fillColor: this.stationColor(s.station) });
    return previous;
  }

  cameraLayerStatus(code) {
    const entry = this.cameras.get(code);
    if (!entry) return null;
    const drawn = this.wedgesMode && entry.cam.ownership === 'station' ? this.wedgeOf(entry) : entry.dot;
    return { status: entry.status, color: drawn.options.fillColor, shown: entry.shown, wedge: drawn === entry.wedge };
  }

  /** Incident search results: the radius, the place, and a wedge for each camera by its heading then. */
  showIncident(result) {
    const g = this.groups.incident;
    g.clearLayers();
    const { lat, lon } = result.point;
    g.addLayer(L.circle([lat, lon], { renderer: this.renderer, radius: result.radius_m, color: '#000', weight: 1, dashArray: '4 4', fill: false, interactive: false }));
    for (const c of result.cameras) {
      const entry = this.cameras.get(c.code);
      // Private cameras are loaded per view: the search answer carries each camera's field of view itself.
      const fov = c.fov_deg ?? entry?.cam.fov_deg ?? 90;
      const range = c.range_m ?? entry?.cam.range_m ?? 100;
      g.addLayer(
        L.polygon(sector(c.lat, c.lon, c.heading_at ?? entry?.cam.heading_deg ?? 0, fov, range), {
          renderer: this.renderer,
          interactive: false,
          ...incidentStyle(c),
        }),
      );
    }
    g.addLayer(this.incidentMarker(lat, lon));
  }

  showIncidentPoint(lat, lon) {
    this.groups.incident.clearLayers();
    this.groups.incident.addLayer(this.incidentMarker(lat, lon));
  }

  incidentMarker(lat, lon) {
    return L.circleMarker([lat, lon], { renderer: this.renderer, radius: 6, color: '#000', weight: 2, fillColor: '#ff1744', fillOpacity: 1, interactive: false });
  }

  showProposals(proposal, describe) {
    const g = this.groups.proposals;
    g.clearLayers();
    for (const s of proposal.stations ?? []) {
      for (const cam of s.cameras ?? []) {
        g.addLayer(L.polygon(sector(s.lat, s.lon, cam.heading_deg, cam.fov_deg, cam.range_m), { renderer: this.renderer, color: PROPOSAL_COLOR, weight: 1.5, fillColor: PROPOSAL_COLOR, fillOpacity: 0.3, interactive: false }));
      }
      const m = L.circleMarker([s.lat, s.lon], { renderer: this.renderer, radius: 6, color: '#fff', weight: 2, fillColor: PROPOSAL_COLOR, fillOpacity: 1 });
      m.bindTooltip(describe(s));
      g.addLayer(m);
    }
    if (!this.map.hasLayer(g)) g.addTo(this.map);
  }

  stats() {
    let station = 0;
    let priv = 0;
    let shown = 0;
    for (const e of this.cameras.values()) {
      if (e.cam.ownership === 'station') station++;
      else priv++;
      if (e.shown) shown++;
    }
    return { ...this.counts, stations: this.stations.size, stationCameras: station, privateCameras: priv, shownCameras: shown };
  }
}

export { HAS_STATIONS_FILL, NO_STATIONS_FILL, ROUTE_COLOR, GAP_COLOR };

/**
 * An incident result's wedge: yellow with a red edge when it likely recorded the
 * place, dashed orange when it saw the place but whether it recorded is unknown,
 * dashed dark red when it saw the place but was not recording, grey otherwise.
 */
export function incidentStyle(c) {
  if (!c.sees_point) return { color: '#607d8b', weight: 1, fillColor: '#b0bec5', fillOpacity: 0.15 };
  if (c.recorded === true) return { color: '#ff1744', weight: 2.5, fillColor: '#ffea00', fillOpacity: 0.45 };
  if (c.recorded === null) return { color: '#ef6c00', weight: 2, dashArray: '5 4', fillColor: '#ffcc80', fillOpacity: 0.35 };
  return { color: '#7f0000', weight: 2, dashArray: '2 4', fillColor: '#9e9e9e', fillOpacity: 0.3 };
}
