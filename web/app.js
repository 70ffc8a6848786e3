// camnet's map: signs in (web/login.js), loads the province's inventory, coverage and
// live statuses, and draws them with Leaflet on one canvas. No build step: plain
// ES modules served as they are.

/* global L */
import { api, fetchAll, fetchMapCameras, query, setUnauthorizedHandler } from './api.js';
import { errorMessage } from './errors.js';
import { applyI18n, currentLang, fmt, onLangChange, setLang, t } from './i18n.js';
import { MapLabels } from './labels.js';
import {
  COMMUNE_POINT,
  GAP_COLOR,
  HAS_STATIONS_FILL,
  HIGHLIGHT_COLOR,
  incidentStyle,
  MapLayers,
  NO_STATIONS_FILL,
  PROPOSAL_COLOR,
  ROUTE_COLOR,
  STATUSES,
  STATUS_COLORS,
} from './layers.js';
import { ConsolePanel } from './console.js';
import { connectLive } from './live.js';
import { signIn, signOut } from './login.js';
import { DetailsPanel, esc, FilterPanel, IncidentPanel, PlannerPanel, SummaryPanel } from './panels.js';
import { PrivateCameraLayer } from './private-cameras.js';
import { applyRoleTabs, seesPrivateCameras } from './roles.js';

const clock = () => Date.now();
const $ = (sel) => document.querySelector(sel);

/** What the browser test and the map benchmark read. */
const hook = {
  map: null,
  layers: null,
  labels: null,
  privateCameras: null,
  settledMs: null,
  loadErrors: [],
  cameraLayerStatus: (code) => hook.layers?.cameraLayerStatus(code) ?? null,
  counts: () => {
    const stats = hook.layers?.stats();
    if (!stats) return null;
    // Private cameras are loaded for the screen: their count is the province's, from the service.
    const priv = hook.privateCameras?.stats() ?? { matching: 0, clusters: 0, singles: 0 };
    return {
      ...stats,
      privateCameras: priv.matching,
      privateClusters: priv.clusters,
      privateDrawn: priv.singles,
      shownCameras: stats.shownCameras + priv.matching,
    };
  },
  labelCounts: () => hook.labels?.shown() ?? null,
  labelTexts: (kind) => hook.labels?.texts(kind) ?? [],
};
window.camnet = hook;

// ---- map furniture ---------------------------------------------------------

function layerControl(map, layers, tiles, labels) {
  const g = layers.groups;
  const overlays = {};
  if (tiles) overlays[t('layer.tiles')] = tiles;
  // Labels switch on and off as one (each kind still keeps to its zooms).
  const labelSwitch = L.layerGroup();
  labelSwitch.onAdd = () => ((labels.enabled = true), labels.update());
  labelSwitch.onRemove = () => ((labels.enabled = false), labels.update());
  if (labels.enabled) labelSwitch.addTo(map);
  overlays[t('layer.labels')] = labelSwitch;
  Object.assign(overlays, {
    [t('layer.districts')]: g.districts,
    [t('layer.communes2025')]: g.communes2025,
    [t('layer.communes2019')]: g.communes2019,
    [t('layer.routes')]: g.routes,
    [t('layer.gaps')]: g.gaps,
    [t('layer.stationCameras')]: g.stationCameras,
    [t('layer.privateCameras')]: g.privateCameras,
    [t('layer.stations')]: g.stations,
    [t('layer.roadSigns')]: g.roadSigns,
  });
  return L.control.layers(null, overlays, { collapsed: true, position: 'topright' }).addTo(map);
}

/**
 * Everything the map draws, each in its own shape and colour: cameras by status (down
 * ones emphasised), stations, commune points and areas, routes and their gaps, road
 * signs, planning proposals, the incident search's wedges and the chosen camera.
 * Folded on a small screen, where it would hide the map.
 */
function legendControl(map) {
  const legend = L.control({ position: 'bottomleft' });
  legend.onAdd = () => {
    const div = L.DomUtil.create('div', 'legend');
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    const row = (kind, style, label) => `<div data-legend="${kind}"><span class="swatch" style="${style}"></span>${esc(label)}</div>`;
    const dot = (fill, { size = 10, edge = 'none' } = {}) => `background:${fill};border-radius:50%;width:${size}px;height:${size}px;border:${edge}`;
    const diamond = ({ color, fillColor }) =>
      `background:${fillColor};width:8px;height:8px;border:1.5px solid ${color};transform:rotate(45deg);margin:0 8px 0 3px`;
    const area = (fill) => `background:${fill};opacity:0.6;border:1px solid #455a64`;
    const line = (color, height, dashed = false) =>
      dashed ? `height:0;border-top:${height}px dashed ${color};background:none` : `background:${color};height:${height}px`;
    const wedge = (st) => `background:${st.fillColor};border:${Math.min(st.weight, 2.5)}px ${st.dashArray ? 'dashed' : 'solid'} ${st.color}`;
    const heading = (key) => `<div class="legend-heading">${esc(t(key))}</div>`;
    const body =
      heading('legend.cameras') +
      STATUSES.map((s) => row(`status-${s}`, dot(STATUS_COLORS[s]), t(`status.${s}`))).join('') +
      row('down', dot(STATUS_COLORS.offline, { size: 13, edge: '1.5px solid #212121' }), t('legend.down')) +
      row('chosen', `${dot('transparent', { size: 14, edge: `3px solid ${HIGHLIGHT_COLOR}` })}`, t('legend.chosen')) +
      heading('legend.stationsTitle') +
      row('station', dot('#fff', { edge: '2px solid #111' }), t('legend.station')) +
      row('station-down', dot(STATUS_COLORS.offline, { size: 13, edge: '1.5px solid #111' }), t('legend.stationDown')) +
      heading('legend.places') +
      row('commune-with', diamond(COMMUNE_POINT.withStations), t('legend.communeWith')) +
      row('commune-without', diamond(COMMUNE_POINT.withoutStations), t('legend.communeWithout')) +
      row('area-with', area(HAS_STATIONS_FILL), t('legend.hasStations')) +
      row('area-without', area(NO_STATIONS_FILL), t('legend.noStations')) +
      heading('legend.routes') +
      row('route', line(ROUTE_COLOR, 4), t('legend.covered')) +
      row('gap', line(GAP_COLOR, 4, true), t('legend.gap')) +
      row('road-sign', dot('#ffd600', { size: 8, edge: '1px solid #212121' }), t('legend.roadSign')) +
      heading('legend.planning') +
      row('proposal', dot(PROPOSAL_COLOR, { edge: '2px solid #fff' }), t('legend.proposal')) +
      row('proposal-view', `background:${PROPOSAL_COLOR};opacity:0.45;border:1.5px solid ${PROPOSAL_COLOR}`, t('legend.proposalView')) +
      heading('legend.incident') +
      row('incident-point', dot('#ff1744', { edge: '2px solid #000' }), t('legend.incidentPoint')) +
      row('incident-recorded', wedge(incidentStyle({ sees_point: true, recorded: true })), t('legend.incidentRecorded')) +
      row('incident-unknown', wedge(incidentStyle({ sees_point: true, recorded: null })), t('legend.incidentUnknown')) +
      row('incident-not-recorded', wedge(incidentStyle({ sees_point: true, recorded: false })), t('legend.incidentNotRecorded')) +
      row('incident-not-seen', wedge(incidentStyle({ sees_point: false })), t('legend.incidentNotSeen'));
    const open = window.innerWidth > 700 && window.innerHeight > 700;
    div.innerHTML = `<details${open ? ' open' : ''}><summary><b>${esc(t('legend.title'))}</b></summary><div class="legend-body">${body}</div></details>`;
    return div;
  };
  return legend.addTo(map);
}

// ---- loading ---------------------------------------------------------------

const settle = (promise) =>
  promise.then(
    (value) => ({ value }),
    (error) => ({ error }),
  );

async function load(me, mapConfig, map, layers, labels, summary) {
  const privateAllowed = seesPrivateCameras(me.role);
  // The reference layers come in one cached answer; station cameras (1,696) whole in the compact map view;
  // private ones per view (private-cameras.js), asked for by main() at the same time.
  const base = api('/api/map/base');
  const jobs = {
    summary: api('/api/summary').then((s) => (summary.set(s), s)),
    mapConfig: Promise.resolve(mapConfig),
    districts: base.then((b) => b.districts),
    communes2019: base.then((b) => b.communes_2019),
    communes2025: base.then((b) => b.communes_2025),
    routes: base.then((b) => b.routes),
    coverage: api('/api/coverage/routes?min_gap_m=500'),
    roadSigns: base.then((b) => b.road_signs),
    stations: fetchAll('/api/stations', { limit: 1000 }),
    stationCameras: fetchMapCameras({ ownership: 'station' }),
  };
  const names = Object.keys(jobs);
  const results = Object.fromEntries((await Promise.all(Object.values(jobs).map(settle))).map((r, i) => [names[i], r]));
  performance.mark('camnet:data');
  const val = (name, fallback = []) => results[name].value ?? fallback;
  // The map still draws what it could get: a role that may not see one layer sees the rest.
  hook.loadErrors = names
    .filter((n) => results[n].error && n !== 'mapConfig')
    .map((n) => ({ layer: n, status: results[n].error.status ?? null, message: results[n].error.message }));

  let tiles = null;
  const tileUrl = val('mapConfig', {})?.tile_url;
  if (tileUrl) tiles = L.tileLayer(tileUrl, { maxZoom: 19, attribution: val('mapConfig', {}).tile_attribution ?? '' }).addTo(map);
  // Place names and route numbers stand in for the streets a base layer would give; over tiles they would repeat them.
  labels.enabled = !tiles;

  layers.drawAdminUnits({ districts: val('districts'), communes2025: val('communes2025'), communes2019: val('communes2019'), stations: val('stations') });
  layers.drawRoutes(val('routes'), results.coverage.value ?? null);
  layers.drawRoadSigns(val('roadSigns'));
  layers.drawStations(val('stations'));
  layers.drawCameras(val('stationCameras'));
  labels.drawPlaces({ districts: val('districts'), communes2025: val('communes2025'), communes2019: val('communes2019') });
  labels.drawRoutes(val('routes'));
  // Frame the province before the layers join the map (unless main() did from map-config), so the canvas projects once.
  const bounds = layers.groups.districts.getLayers().length ? L.featureGroup(layers.groups.districts.getLayers()).getBounds() : null;
  if (!mapConfig?.province_bbox && bounds?.isValid()) map.fitBounds(bounds, { padding: [10, 10], animate: false });
  performance.mark('camnet:layers-built');
  layers.addToMap({ communes2025: false, proposals: true });
  performance.mark('camnet:layers-added');

  return {
    privateAllowed,
    tiles,
    districts: val('districts'),
    communes2019: val('communes2019'),
    limits: val('mapConfig', {})?.limits ?? {},
    coverage: results.coverage.value ?? null,
    coverageError: results.coverage.error ?? null,
  };
}

function showNotice(errors) {
  const notice = $('#notice');
  notice.hidden = errors.length === 0;
  notice.textContent = errors.length ? t('load.partial', { names: errors.map((e) => `${e.layer} (${e.status ?? e.message})`).join(', ') }) : '';
}

// ---- start -----------------------------------------------------------------

async function main() {
  applyI18n();
  $('#lang').addEventListener('click', () => setLang(currentLang() === 'vi' ? 'en' : 'vi'));
  $('#logout').addEventListener('click', () => signOut());
  $('#logout-everywhere').addEventListener('click', () => signOut({ everywhere: true }));
  // The session ended (timed out, logged out elsewhere, user disabled): back to the sign-in form.
  setUnauthorizedHandler(() => location.reload());

  const map = L.map('map', { preferCanvas: true, center: [10.72, 106.2], zoom: 10, minZoom: 8, maxZoom: 19 });
  const layers = new MapLayers(map);
  const labels = new MapLabels(map);
  hook.map = map;
  hook.layers = layers;
  hook.labels = labels;
  const summary = new SummaryPanel($('#summary'));
  summary.render();

  // The map's configuration is public: asked for while the token is checked.
  const mapConfigAsked = api('/api/map-config').catch(() => ({}));
  performance.mark('camnet:main');
  const me = await signIn();
  performance.mark('camnet:signed-in');
  // The console's list (technician, admin) is asked for now rather than once the panels are built.
  if (me.role === 'technician' || me.role === 'admin') window.camnetEarly?.ask(`/api/incidents?${query({ limit: 500 })}`);
  const mapConfig = await mapConfigAsked;
  const pb = mapConfig.province_bbox;
  if (pb)
    map.fitBounds(
      [
        [pb[1], pb[0]],
        [pb[3], pb[2]],
      ],
      { padding: [10, 10], animate: false },
    );
  const showUser = () => ($('#user').textContent = t('header.user', { name: me.name, role: t(`role.${me.role}`) }));
  showUser();

  const tabs = applyRoleTabs(me.role, document.querySelectorAll('.modes button'));
  // Technicians and planners count only the cameras they may see: the station cameras.
  summary.stationsOnly = !seesPrivateCameras(me.role);
  // Private cameras for the framed view are asked for with everything else, under the filters' initial state (all).
  let privateCameras = null;
  let privateError = null;
  let filters = null;
  const allCameras = { ownerships: new Set(['station', 'citizen', 'business', 'household']), statuses: new Set(STATUSES), district: '', commune: '' };
  if (seesPrivateCameras(me.role)) {
    privateCameras = new PrivateCameraLayer(map, layers, {
      filter: () => filters?.state ?? allCameras,
      onCameraClick: (entry) => layers.onCameraClick(entry),
      onLoaded: () => {
        privateError = null;
        if (filters) showShown();
      },
      onError: (err) => {
        privateError = err;
        const notice = $('#notice');
        notice.hidden = false;
        notice.textContent = t('load.private', { message: errorMessage(err) });
      },
    });
    hook.privateCameras = privateCameras;
  }
  const privateLoaded = privateCameras?.load();
  const data = await load(me, mapConfig, map, layers, labels, summary);
  performance.mark('camnet:loaded');
  showNotice(hook.loadErrors);
  if (summary.stationsOnly) summary.setStatusCounts(layers.statusCounts());

  const communeNames = new Map(data.communes2019.map((c) => [c.code, c.name]));
  const details = new DetailsPanel($('#details'), { communeName: (code) => communeNames.get(code), clock });
  /** A chosen camera: ringed on the map, its details at the top of the side panel (scrolled back up to them). */
  const showCamera = (entry) => {
    layers.highlightCamera(entry.cam);
    const side = $('#side');
    if (side.scrollHeight > side.clientHeight) side.scrollTop = 0;
    void details.show(entry);
  };
  filters = new FilterPanel($('#filters'), {
    districts: data.districts,
    communes: data.communes2019,
    privateAllowed: data.privateAllowed,
    onChange: () => {
      layers.applyFilter(filters.predicate(), filters.places());
      privateCameras?.schedule(0);
      showShown();
      const d = filters.state.district;
      const layer = d && data.districts.find((x) => x.code === d)?.boundary;
      if (layer) map.fitBounds(L.geoJSON(layer).getBounds());
    },
  });
  // Every camera loaded is shown at first, which is what the filters' initial state means.
  layers.predicate = filters.predicate();
  const showShown = () => filters.setShown(layers.shownCount + (privateCameras?.matching ?? 0));
  await privateLoaded;
  filters.shown = layers.shownCount + (privateCameras?.matching ?? 0);
  // The technician's console: what is down now, acted on from the map.
  const consolePanel =
    me.role === 'technician' || me.role === 'admin'
      ? new ConsolePanel($('#console'), {
          map,
          openCamera: (code) => {
            const entry = layers.cameras.get(code);
            if (entry) showCamera(entry);
          },
          highlight: (cam) => layers.highlightCamera(cam),
        })
      : null;
  $('#panel-console').hidden = consolePanel === null;
  hook.console = consolePanel;
  const incident = new IncidentPanel($('#incident'), { layers, clock, limits: data.limits.search_radius_m });
  const planner = new PlannerPanel($('#planner'), { layers, coverage: data.coverage, coverageError: data.coverageError, limits: data.limits.budget_vnd });
  details.render();
  filters.render();
  incident.render();
  planner.render();
  consolePanel?.render();
  // Part of the first load: the map is settled only once its answer is in too.
  const consoleLoaded = consolePanel?.refresh();

  const setMode = (mode) => {
    document.body.dataset.mode = mode;
    for (const b of document.querySelectorAll('.modes button')) b.setAttribute('aria-pressed', String(b.dataset.mode === mode));
  };
  for (const b of document.querySelectorAll('.modes button')) b.addEventListener('click', () => setMode(b.dataset.mode));
  setMode(tabs[0] ?? 'view');
  map.on('click', (e) => {
    if (document.body.dataset.mode === 'incident') incident.pick(e.latlng.lat, e.latlng.lng);
  });
  layers.onCameraClick = (entry) => {
    if (document.body.dataset.mode === 'incident') return; // the map's own click picks the place
    showCamera(entry);
    void consolePanel?.select(entry.cam);
  };
  layers.onStationClick = (s, marker) => {
    if (document.body.dataset.mode === 'incident') return;
    const cams = layers.camerasOfStation(s.code).length;
    marker
      .bindPopup(
        `<b>${esc(t('station.popup', { code: s.code, name: s.name }))}</b><br>${esc(t('details.commune'))}: ${esc(communeNames.get(s.commune_code) ?? s.commune_code)}` +
          `<br>${esc(t('station.route'))}: ${esc(s.route_ref ?? '—')}<br>${esc(t('station.cameras', { n: fmt(cams) }))}`,
      )
      .openPopup();
  };

  let control = layerControl(map, layers, data.tiles, labels);
  let legend = legendControl(map);
  let live = false;
  const showLive = () => {
    const el = $('#live');
    el.className = `live ${live ? 'on' : 'off'}`;
    el.textContent = t(live ? 'live.on' : 'live.off');
  };
  onLangChange(() => {
    showUser();
    showLive();
    showNotice(hook.loadErrors);
    if (privateError) privateCameras?.onError(privateError);
    control.remove();
    legend.remove();
    control = layerControl(map, layers, data.tiles, labels);
    legend = legendControl(map);
    summary.render();
    filters.render();
    details.render();
    incident.render();
    planner.render();
    consolePanel?.render();
  });

  const resync = async () => {
    try {
      const cams = await fetchMapCameras({ ownership: 'station' });
      for (const c of cams) if (c.status) layers.setCameraStatus(c.code, c.status);
      await privateCameras?.load();
      showShown();
      summary.set(await api('/api/summary'));
      if (summary.stationsOnly) summary.setStatusCounts(layers.statusCounts());
    } catch {
      // the next reconnect tries again
    }
  };
  connectLive({
    onState: (on) => {
      live = on;
      showLive();
    },
    onStatus: (ev) => {
      consolePanel?.poke();
      if (ev.subject === 'station') {
        layers.setStationStatus(ev.code, ev.status);
        return;
      }
      const station = layers.setCameraStatus(ev.code, ev.status);
      const previous = station ?? privateCameras?.setStatus(ev.code, ev.status) ?? null;
      showShown();
      const from = previous ?? ev.previous;
      // A technician's or planner's counts hold only station cameras.
      if (from !== ev.status && (station !== null || !summary.stationsOnly)) summary.move(from, ev.status);
      details.statusChanged(ev.code, ev.status, ev.at);
    },
    onAlert: (alert) => {
      summary.addAlert(alert);
      consolePanel?.poke();
    },
    onReconnect: resync,
    // The stream was refused: a 401 from whoami sends the user back to the sign-in form.
    onClosed: () => api('/api/whoami').catch(() => undefined),
  });

  performance.mark('camnet:panels');
  // Settled once no first-load request is outstanding and the canvas has painted the first full load.
  await consoleLoaded;
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  hook.settledMs = Math.round(performance.now());
  document.body.dataset.ready = '1';
}

main().catch((err) => {
  const notice = $('#notice');
  notice.hidden = false;
  notice.textContent = t('error.generic', { message: err.message });
  document.body.dataset.ready = 'error';
});
