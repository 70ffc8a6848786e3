// Private cameras for police and admin, loaded for the screen rather than for the
// province: clusters with their counts at low zoom, single cameras in the
// viewport when zoomed in (GET /api/map/private-cameras, clustered by the
// service with supercluster). A move or zoom asks again for the new view; a
// live status change recolours a camera on screen, or refreshes the clusters.

import { api, query } from './api.js';
import { fmt, t } from './i18n.js';
import { privateDotStyle } from './layers.js';

/* global L */

/** Wait this long after the map stops moving before asking (a drag is many moves). */
const MOVE_DEBOUNCE_MS = 150;
/** A live change of a camera not on screen refreshes the clusters at most this often. */
const STATUS_REFRESH_MS = 5_000;

export class PrivateCameraLayer {
  /**
   * @param layers the MapLayers: its canvas renderer and the group the private cameras live in
   * @param filter () => {ownerships:Set, statuses:Set, district, commune} of the filter panel
   */
  constructor(map, layers, { filter, onCameraClick, onLoaded = () => {}, onError = () => {} }) {
    this.map = map;
    this.layers = layers;
    this.group = layers.groups.privateCameras;
    this.filter = filter;
    this.onCameraClick = onCameraClick;
    this.onLoaded = onLoaded;
    this.onError = onError;
    /** code → {cam, status, dot} of the single cameras drawn now */
    this.cameras = new Map();
    this.clusters = [];
    this.matching = 0;
    this.seq = 0;
    this.timer = null;
    this.refreshTimer = null;
    this.lastAnswer = null;
    map.on('moveend', () => this.schedule());
  }

  schedule(delay = MOVE_DEBOUNCE_MS) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.load(), delay);
  }

  /** The query for the view now: the viewport padded by a fifth, the zoom, and the filter. */
  params() {
    const b = this.map.getBounds().pad(0.2);
    const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
    const bbox = [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -85, 85), clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -85, 85)];
    const f = this.filter();
    const privateOwnerships = [...f.ownerships].filter((o) => o !== 'station');
    return {
      bbox: bbox.map((v) => v.toFixed(5)).join(','),
      zoom: Math.round(this.map.getZoom()),
      ownership: privateOwnerships.join(','),
      status: [...f.statuses].join(','),
      district: f.district || undefined,
      commune: f.commune || undefined,
      empty: privateOwnerships.length === 0 || f.statuses.size === 0,
    };
  }

  async load() {
    const seq = ++this.seq;
    const { empty, ...p } = this.params();
    if (empty) {
      this.draw({ matching: 0, clusters: [], cameras: { columns: [], rows: [] } });
      return;
    }
    try {
      const answer = await api(`/api/map/private-cameras?${query(p)}`);
      if (seq !== this.seq) return; // a later view was asked for meanwhile
      this.draw(answer);
    } catch (err) {
      if (seq === this.seq) this.onError(err);
    }
  }

  draw(answer) {
    this.lastAnswer = answer;
    this.group.clearLayers();
    this.cameras.clear();
    this.matching = answer.matching;
    this.clusters = answer.clusters;
    const renderer = this.layers.renderer;
    for (const c of answer.clusters) {
      const marker = L.marker([c.lat, c.lon], {
        keyboard: false,
        icon: L.divIcon({
          className: `camera-cluster${c.count >= 1000 ? ' big' : ''}${c.by_status.offline > 0 ? ' has-offline' : ''}`,
          html: `<span>${fmt(c.count)}</span>`,
          iconSize: null,
        }),
      });
      marker.bindTooltip(() => this.describe(c), { direction: 'top' });
      marker.on('click', () => this.map.setView([c.lat, c.lon], Math.max(c.expansion_zoom, this.map.getZoom() + 1)));
      this.group.addLayer(marker);
    }
    const cols = answer.cameras.columns;
    for (const row of answer.cameras.rows) {
      const cam = {};
      for (let i = 0; i < cols.length; i++) cam[cols[i]] = row[i];
      const entry = { cam, status: cam.status ?? 'unknown', dot: null, shown: true };
      // Down cameras bigger, with a dark edge (layers.js), as station cameras are.
      entry.dot = L.circleMarker([cam.lat, cam.lon], { renderer, fillOpacity: 0.8, ...privateDotStyle(entry.status) });
      entry.dot.on('click', (e) => this.onCameraClick(entry, e));
      this.cameras.set(cam.code, entry);
      this.group.addLayer(entry.dot);
    }
    this.onLoaded(this);
  }

  describe(c) {
    const parts = Object.entries(c.by_ownership)
      .filter(([, n]) => n > 0)
      .map(([o, n]) => `${t(`ownership.${o}`)}: ${fmt(n)}`);
    const statuses = Object.entries(c.by_status)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${t(`status.${s}`)}: ${fmt(n)}`);
    return `<b>${t('private.cluster', { n: fmt(c.count) })}</b><br>${parts.join('<br>')}<br>${statuses.join(' · ')}`;
  }

  /** A live status change: recolour the camera if it is on screen (or drop it if the filter now hides it); else refresh the clusters soon. */
  setStatus(code, status) {
    const entry = this.cameras.get(code);
    if (!entry) {
      if (!this.refreshTimer) {
        this.refreshTimer = setTimeout(() => {
          this.refreshTimer = null;
          void this.load();
        }, STATUS_REFRESH_MS);
      }
      return null;
    }
    const previous = entry.status;
    entry.status = status;
    entry.cam.status = status;
    const style = privateDotStyle(status);
    entry.dot.setStyle(style);
    entry.dot.setRadius(style.radius);
    if (!this.filter().statuses.has(status)) {
      this.group.removeLayer(entry.dot);
      this.cameras.delete(code);
      this.matching = Math.max(0, this.matching - 1);
    }
    return previous;
  }

  /** For the browser test and the summary: what is drawn now. */
  stats() {
    return { matching: this.matching, clusters: this.clusters.length, inClusters: this.clusters.reduce((n, c) => n + c.count, 0), singles: this.cameras.size };
  }
}
