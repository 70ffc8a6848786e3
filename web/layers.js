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
// Places are told apart from cameras by shape and by hues no status uses: areas and
// commune points with stations are teal-green, those without are brown-grey (the
// orange that once meant "no stations" read as "degraded").
const HAS_STATIONS_FILL = '#81c784';
const NO_STATIONS_FILL = '#a1887f';
/** Commune points (2019 communes) are diamonds, with or without stations. */
const COMMUNE_POINT = {
  withStations: { color: '#00695c', fillColor: '#b2dfdb' },
  withoutStations: { color: '#5d4037', fillColor: '#efebe9' },
};
const HIGHLIGHT_COLOR = '#d500f9';
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
/** The canvas paints in the order layers are added: cameras that are not online go last, on top. */
const downLast = (a, b) => (a.status === 'online' ? 0 : 1) - (b.status === 'online' ? 0 : 1);
/** Which status a station shows for its cameras at province zoom: the first found in this order. */
const WORST_FIRST = ['offline', 'degraded', 'maintenance', 'unknown', 'online'];

export const colorOf = (status) => STATUS_COLORS[status] ?? STATUS_COLORS.unknown;

/** Down cameras (and stations at province zoom) are drawn bigger, with a dark edge, so a few stand out among 1,696. */
const isDown = (status) => status === 'offline' || status === 'degraded';
/** A station's radius at province zoom, by the worst status among its cameras. */
const PROVINCE_STATION_RADIUS = { offline: 6.5, degraded: 5.5, maintenance: 4, unknown: 2.5, online: 2.5 };

/** A station camera's dot: bigger with a dark edge when the camera is down. */
export function stationDotStyle(status) {
  const down = isDown(status);
  return { radius: down ? 5.5 : 3.5, weight: down ? 1.5 : 1, color: down ? '#212121' : '#fff', fillColor: colorOf(status) };
}

/** A private camera's dot. */
export function privateDotStyle(status) {
  const down = isDown(status);
  return { radius: down ? 4.5 : 3, stroke: down, weight: 1, color: '#212121', fillColor: colorOf(status) };
}

/** A camera's field-of-view wedge: a thick edge when it is down. */
export function wedgeStyle(status) {
  const color = colorOf(status);
  return { weight: isDown(status) ? 3 : 1, color, fillColor: color };
}

/**
 * A circle marker drawn as a diamond: the commune points, so that a place is never
 * taken for a camera or a station (both round). Canvas only, as every layer here;
 * clicks and tooltips use the circle of the same radius.
 */
const DiamondMarker = L.CircleMarker.extend({
  _updatePath() {
    const r = this._renderer;
    if (!r._drawing || this._empty()) return;
    const p = this._point;
    const d = Math.max(Math.round(this._radius), 1) + 1;
    const ctx = r._ctx;
    ctx.beginPath();
    ctx.moveTo(p.x, p.y - d);
    ctx.lineTo(p.x + d, p.y);
    ctx.lineTo(p.x, p.y + d);
    ctx.lineTo(p.x - d, p.y);
    ctx.closePath();
    r._fillStroke(ctx, this);
  },
});

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
    /** The commune points: {code, district, marker}. */
    this.communePoints = [];
    /**
     * The commune points' layer as the user last set it in the layer control while a
     * filter was on: null follows the filter (a status or ownership filter takes them
     * away), true or false is the user's word.
     */
    this.communePointsChoice = null;
    this.movingCommunePoints = false;
    /** The chosen camera: a ring around it, for every role. */
    this.highlighted = null;
    this.highlightRing = L.circleMarker([0, 0], { renderer: this.renderer, radius: 14, color: HIGHLIGHT_COLOR, weight: 4, fill: false, interactive: false });
    this.predicate = () => true;
    this.shownCount = 0;
    this.onCameraClick = () => {};
    this.onStationClick = () => {};
    this.counts = { districts: 0, communes2025: 0, communes2019: 0, routes: 0, gaps: 0, roadSigns: 0 };
    map.on('zoomend', () => this.placeStationCameras());
    // The user's own toggle of the commune points wins over the filter's (the layer control fires these, so do our own moves).
    const choose = (shown) => (e) => {
      if (e.layer === this.groups.communes2019 && !this.movingCommunePoints) this.communePointsChoice = shown;
    };
    map.on('overlayadd', choose(true));
    map.on('overlayremove', choose(false));
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

  /** The status a station stands for at province zoom: its worst camera's (of those the filter shows, when it shows some). */
  stationWorst(s) {
    const cams = this.camerasOfStation(s.code);
    const shown = cams.filter((e) => e.shown);
    const statuses = new Set((shown.length ? shown : cams).map((e) => e.status));
    return WORST_FIRST.find((st) => statuses.has(st)) ?? s.status ?? 'unknown';
  }

  /** The colour a station shows: at province zoom its worst camera's, else its own status's. */
  stationColor(s) {
    return colorOf(this.provinceMode ? this.stationWorst(s) : s.status);
  }

  /** Shapes in painting order: areas, then lines, then cameras, then stations and signs on top. */
  addToMap(visible) {
    for (const [name, layer] of Object.entries(this.groups)) if (visible[name] !== false) layer.addTo(this.map);
    this.onMap = true;
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
    const districtsWithStations = new Set(communes2019.filter((c) => c.has_stations ?? communesWithStations.has(c.code)).map((c) => c.parent_code));
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
      const m = new DiamondMarker([c.lat, c.lon], {
        renderer: this.renderer,
        radius: 3.5,
        weight: 1.2,
        ...(has ? COMMUNE_POINT.withStations : COMMUNE_POINT.withoutStations),
        fillOpacity: 1,
      });
      m.bindTooltip(c.name);
      m.options.hasStations = has;
      this.communePoints.push({ code: c.code, district: c.parent_code, marker: m });
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
        entry.dot = L.circleMarker([cam.lat, cam.lon], { renderer: this.renderer, fillOpacity: 1, ...stationDotStyle(entry.status) });
      } else {
        entry.dot = L.circleMarker([cam.lat, cam.lon], { renderer: this.renderer, fillOpacity: 0.75, ...privateDotStyle(entry.status) });
      }
      entry.dot.on('click', (e) => this.onCameraClick(entry, e));
    }
    this.applyFilter(this.predicate);
  }

  wedgeOf(entry) {
    if (!entry.wedge) {
      const c = entry.cam;
      entry.wedge = L.polygon(sector(c.lat, c.lon, c.heading_deg ?? 0, c.fov_deg ?? 90, c.range_m ?? 100), {
        renderer: this.renderer,
        fillOpacity: 0.35,
        ...wedgeStyle(entry.status),
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
      const shown = [...this.cameras.values()].filter((e) => e.shown && e.cam.ownership === 'station');
      // Down cameras' wedges are painted last, on top of their neighbours'.
      for (const entry of shown.sort(downLast)) this.cameraWedges.addLayer(this.wedgeOf(entry));
    } else {
      const metresPerPixel = (40075016.686 * Math.cos((this.map.getCenter().lat * Math.PI) / 180)) / 2 ** (this.map.getZoom() + 8);
      for (const entry of this.cameras.values()) {
        if (entry.cam.ownership !== 'station') continue;
        const c = entry.cam;
        entry.dot.setLatLng(destination(c.lat, c.lon, c.heading_deg ?? 0, PETAL_OFFSET_PX * metresPerPixel));
      }
    }
    this.raiseStations();
    this.placeHighlight();
  }

  /**
   * Stations on top of their cameras when zoomed in. At province zoom a station stands
   * for its cameras: small under the routes and their gaps while they all work, bigger
   * with a dark edge and over the routes when one is down, so a few down cameras can be
   * found among 1,696 at a glance.
   */
  raiseStations() {
    const small = this.provinceMode;
    const down = [];
    for (const { station, marker } of this.stations.values()) {
      const worst = small ? this.stationWorst(station) : station.status;
      const radius = small ? (PROVINCE_STATION_RADIUS[worst] ?? 2.5) : 5;
      const emphasised = small && isDown(worst);
      if (marker.getRadius() !== radius) marker.setRadius(radius);
      marker.setStyle({ weight: small ? (emphasised ? 1.5 : 0.8) : 2, fillColor: colorOf(worst) });
      if (emphasised) down.push({ marker, worst });
      else if (!small && this.map.hasLayer(marker)) marker.bringToFront();
    }
    if (small) {
      for (const g of [this.groups.routes, this.groups.gaps]) if (this.map.hasLayer(g)) g.eachLayer((l) => l.bringToFront());
      // Offline over degraded: the worst is painted last.
      down.sort((a, b) => (a.worst === 'offline' ? 1 : 0) - (b.worst === 'offline' ? 1 : 0));
      for (const { marker } of down) if (this.map.hasLayer(marker)) marker.bringToFront();
    }
  }

  /**
   * Shows the cameras the predicate accepts; returns how many are shown (also kept in shownCount).
   * `places` says what the filter means for the commune points: `match(code, district)`
   * keeps those of the chosen district or commune (null: all), and `cameraOnly` (a
   * status or ownership filter, which no place can match) takes the points away
   * unless the user shows them again from the layer control. Without it, any filter
   * that hides a camera is taken as cameraOnly.
   */
  applyFilter(predicate, places = null) {
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
    this.filterCommunePoints(places?.match ?? null, places ? places.cameraOnly : filtering);
    this.placeStationCameras();
    this.shownCount = shown;
    return shown;
  }

  /** The commune points a filter leaves: those of its place, on the map unless it filters cameras only (the user's toggle wins). */
  filterCommunePoints(match, cameraOnly) {
    const group = this.groups.communes2019;
    group.clearLayers();
    for (const p of this.communePoints) if (!match || match(p.code, p.district)) group.addLayer(p.marker);
    const wanted = this.communePointsChoice ?? !cameraOnly;
    // Only a filter change moves the layer: before the layers join the map (addToMap) there is nothing to move.
    if (!this.onMap) return;
    this.movingCommunePoints = true;
    try {
      if (wanted && !this.map.hasLayer(group)) group.addTo(this.map);
      else if (!wanted && this.map.hasLayer(group)) this.map.removeLayer(group);
    } finally {
      this.movingCommunePoints = false;
    }
  }

  /** Rings the chosen camera (null: none), wherever it is drawn (a dot pushed out along its heading, or its wedge's apex). */
  highlightCamera(cam) {
    this.highlighted = cam ? { code: cam.code, lat: cam.lat, lon: cam.lon } : null;
    this.placeHighlight();
  }

  placeHighlight() {
    const h = this.highlighted;
    if (!h) {
      this.highlightRing.remove();
      return;
    }
    const entry = this.cameras.get(h.code);
    const dotted = entry?.dot && entry.cam.ownership === 'station' && !this.wedgesMode && !this.provinceMode;
    this.highlightRing.setLatLng(dotted ? entry.dot.getLatLng() : [h.lat, h.lon]);
    if (!this.map.hasLayer(this.highlightRing)) this.highlightRing.addTo(this.map);
    this.highlightRing.bringToFront();
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
    if (station) {
      // Its station is shown while one of its cameras is (or while nothing is filtered out).
      const s = entry.cam.station_code && this.stations.get(entry.cam.station_code);
      if (s) {
        const keep = this.shownCount === this.cameras.size || this.camerasOfStation(s.station.code).some((e) => e.shown);
        if (keep) this.groups.stations.addLayer(s.marker);
        else this.groups.stations.removeLayer(s.marker);
      }
      if (shown) this.raiseStations();
    }
  }

  setCameraStatus(code, status) {
    const entry = this.cameras.get(code);
    if (!entry) return null;
    const previous = entry.status;
    entry.status = status;
    if (entry.dot) {
      const style = entry.cam.ownership === 'station' ? stationDotStyle(status) : privateDotStyle(status);
      entry.dot.setStyle(style);
      entry.dot.setRadius(style.radius);
      if (isDown(status) && this.map.hasLayer(entry.dot)) entry.dot.bringToFront();
    }
    entry.wedge?.setStyle(wedgeStyle(status));
    if (entry.wedge && isDown(status) && this.map.hasLayer(entry.wedge)) entry.wedge.bringToFront();
    const station = entry.cam.station_code && this.stations.get(entry.cam.station_code);
    if (station) this.restyleStation(station);
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
    this.restyleStation(s);
    return previous;
  }

  /** One station's colour, and at province zoom its size and place on top, after a change. */
  restyleStation({ station, marker }) {
    if (!this.provinceMode) {
      marker.setStyle({ fillColor: this.stationColor(station) });
      return;
    }
    const worst = this.stationWorst(station);
    marker.setRadius(PROVINCE_STATION_RADIUS[worst] ?? 2.5);
    marker.setStyle({ weight: isDown(worst) ? 1.5 : 0.8, fillColor: colorOf(worst) });
    if (isDown(worst) && this.map.hasLayer(marker)) marker.bringToFront();
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
    g.addLayer(
      L.circle([lat, lon], { renderer: this.renderer, radius: result.radius_m, color: '#000', weight: 1, dashArray: '4 4', fill: false, interactive: false }),
    );
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
    return L.circleMarker([lat, lon], {
      renderer: this.renderer,
      radius: 6,
      color: '#000',
      weight: 2,
      fillColor: '#ff1744',
      fillOpacity: 1,
      interactive: false,
    });
  }

  showProposals(proposal, describe) {
    const g = this.groups.proposals;
    g.clearLayers();
    for (const s of proposal.stations ?? []) {
      for (const cam of s.cameras ?? []) {
        g.addLayer(
          L.polygon(sector(s.lat, s.lon, cam.heading_deg, cam.fov_deg, cam.range_m), {
            renderer: this.renderer,
            color: PROPOSAL_COLOR,
            weight: 1.5,
            fillColor: PROPOSAL_COLOR,
            fillOpacity: 0.3,
            interactive: false,
          }),
        );
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

export { COMMUNE_POINT, GAP_COLOR, HAS_STATIONS_FILL, HIGHLIGHT_COLOR, NO_STATIONS_FILL, PROPOSAL_COLOR, ROUTE_COLOR };

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
