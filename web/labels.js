// Place names and route numbers drawn from what camnet knows, so the map reads
// like a map without any base tiles: district names at province zoom, July-2025
// commune names closer in, the 2019 communes as labelled points, township names,
// and route numbers repeated along each line. Each kind shows only at the zooms
// where it helps and stays out of the way of clicks (interactive: false).

/* global L */

/** The zooms at which each kind of label shows: [from, to] inclusive. */
export const LABEL_ZOOMS = {
  districts: [8, 10],
  towns: [11, 19],
  communes2025: [11, 13],
  communes2019: [13, 19],
  routes: [8, 19],
};
/** Screen distance between two route numbers on the same line. */
const ROUTE_SHIELD_SPACING_PX = 320;

/** Labels sit in a pane of their own above the markers (clusters, stations), so a name is never hidden. */
const LABEL_PANE = 'camnet-labels';

const label = (lat, lon, text, className) =>
  L.marker([lat, lon], {
    pane: LABEL_PANE,
    interactive: false,
    keyboard: false,
    icon: L.divIcon({ className: `map-label ${className}`, html: `<span>${escapeHtml(text)}</span>`, iconSize: null }),
  });

function escapeHtml(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

export class MapLabels {
  constructor(map) {
    this.map = map;
    if (!map.getPane(LABEL_PANE)) {
      const pane = map.createPane(LABEL_PANE);
      pane.style.zIndex = 620; // above markers (600), below tooltips (650)
      pane.style.pointerEvents = 'none';
    }
    this.groups = { districts: L.layerGroup(), towns: L.layerGroup(), communes2025: L.layerGroup(), communes2019: L.layerGroup(), routes: L.layerGroup() };
    this.routes = [];
    this.enabled = true;
    map.on('zoomend moveend', () => this.update());
  }

  /** Names of the administrative units: districts and July-2025 communes at their centres, 2019 communes by shared point. */
  drawPlaces({ districts, communes2025, communes2019 }) {
    for (const d of districts) if (d.lat != null) this.groups.districts.addLayer(label(d.lat, d.lon, d.name, 'label-district'));
    for (const c of communes2025) if (c.lat != null) this.groups.communes2025.addLayer(label(c.lat, c.lon, c.name, 'label-commune2025'));
    // The 2019 communes have no boundaries and several share one approximate point: one label per point lists them all.
    const byPoint = new Map();
    for (const c of communes2019) {
      if (c.lat == null) continue;
      const key = `${c.lat},${c.lon}`;
      if (!byPoint.has(key)) byPoint.set(key, { lat: c.lat, lon: c.lon, names: [] });
      byPoint.get(key).names.push(c.name);
      if (c.kind === 'Thị trấn') this.groups.towns.addLayer(label(c.lat, c.lon, c.properties?.name_short ?? c.name, 'label-town'));
    }
    for (const p of byPoint.values()) this.groups.communes2019.addLayer(label(p.lat, p.lon, p.names.join(' · '), 'label-commune2019'));
    this.update();
  }

  /** Route numbers along each line, placed again at every zoom so their spacing on screen stays the same. */
  drawRoutes(routes) {
    this.routes = routes.filter((r) => r.geometry?.type === 'LineString' || r.geometry?.type === 'MultiLineString');
    this.update();
  }

  /** Shows the kinds of labels that suit this zoom, hides the others. */
  update() {
    const z = this.map.getZoom();
    for (const [kind, group] of Object.entries(this.groups)) {
      const [from, to] = LABEL_ZOOMS[kind];
      const wanted = this.enabled && z >= from && z <= to;
      if (wanted && !this.map.hasLayer(group)) group.addTo(this.map);
      else if (!wanted && this.map.hasLayer(group)) group.remove();
    }
    if (this.map.hasLayer(this.groups.routes)) this.placeRouteShields();
  }

  placeRouteShields() {
    const g = this.groups.routes;
    g.clearLayers();
    const view = this.map.getBounds().pad(0.2);
    for (const r of this.routes) {
      const lines = r.geometry.type === 'LineString' ? [r.geometry.coordinates] : r.geometry.coordinates;
      for (const line of lines) {
        // Walk the line on screen and drop a number every ROUTE_SHIELD_SPACING_PX, starting half a step in.
        let carried = ROUTE_SHIELD_SPACING_PX / 2;
        for (let i = 1; i < line.length; i++) {
          const a = this.map.project([line[i - 1][1], line[i - 1][0]]);
          const b = this.map.project([line[i][1], line[i][0]]);
          const len = a.distanceTo(b);
          let at = carried;
          while (at <= len) {
            const p = this.map.unproject(a.add(b.subtract(a).multiplyBy(at / len)));
            if (view.contains(p)) g.addLayer(label(p.lat, p.lng, r.ref, 'label-route'));
            at += ROUTE_SHIELD_SPACING_PX;
          }
          carried = at - len;
        }
      }
    }
  }

  /** How many labels of each kind are on the map now (for the browser test). */
  shown() {
    const out = {};
    for (const [kind, group] of Object.entries(this.groups)) out[kind] = this.map.hasLayer(group) ? group.getLayers().length : 0;
    return out;
  }

  /** Texts of the labels of one kind on the map now. */
  texts(kind) {
    const group = this.groups[kind];
    if (!this.map.hasLayer(group)) return [];
    return group.getLayers().map((m) => m.getElement()?.textContent ?? '');
  }
}
