// camnet's map: signs in with a token, loads the province's inventory, coverage and
// live statuses, and draws them with Leaflet on one canvas. No build step: plain
// ES modules served as they are.

/* global L */
import { api, ApiError, clearToken, fetchAll, fetchMapCameras, getToken, setToken, setUnauthorizedHandler } from './api.js';
import { applyI18n, currentLang, fmt, onLangChange, setLang, t } from './i18n.js';
import { GAP_COLOR, HAS_STATIONS_FILL, MapLayers, NO_STATIONS_FILL, ROUTE_COLOR, STATUSES, STATUS_COLORS } from './layers.js';
import { ConsolePanel } from './console.js';
import { connectLive } from './live.js';
import { DetailsPanel, esc, FilterPanel, IncidentPanel, PlannerPanel, SummaryPanel } from './panels.js';

const clock = () => Date.now();
const $ = (sel) => document.querySelector(sel);

/** What the browser test and the map benchmark read. */
const hook = {
  map: null,
  layers: null,
  settledMs: null,
  loadErrors: [],
  cameraLayerStatus: (code) => hook.layers?.cameraLayerStatus(code) ?? null,
  counts: () => hook.layers?.stats() ?? null,
};
window.camnet = hook;

// ---- sign-in ---------------------------------------------------------------

function askForToken() {
  const box = $('#login');
  const form = $('#login-form');
  const error = $('#login-error');
  box.hidden = false;
  $('#login-token').focus();
  return new Promise((resolve) => {
    const submit = async (ev) => {
      ev.preventDefault();
      const token = $('#login-token').value.trim();
      error.hidden = true;
      try {
        const me = await api('/api/whoami', { token });
        setToken(token);
        box.hidden = true;
        form.removeEventListener('submit', submit);
        resolve(me);
      } catch (err) {
        error.textContent = err instanceof ApiError && err.status === 401 ? t('login.bad') : t('login.failed', { message: err.message });
        error.hidden = false;
      }
    };
    form.addEventListener('submit', submit);
  });
}

async function signIn() {
  if (getToken()) {
    try {
      return await api('/api/whoami');
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 401)) throw err;
      clearToken();
    }
  }
  return askForToken();
}

// ---- map furniture ---------------------------------------------------------

function layerControl(map, layers, tiles) {
  const g = layers.groups;
  const overlays = {};
  if (tiles) overlays[t('layer.tiles')] = tiles;
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

function legendControl(map) {
  const legend = L.control({ position: 'bottomleft' });
  legend.onAdd = () => {
    const div = L.DomUtil.create('div', 'legend');
    const swatch = (color, label, style = '') => `<div><span class="swatch" style="background:${color};${style}"></span>${esc(label)}</div>`;
    div.innerHTML =
      `<b>${esc(t('legend.title'))}</b>` +
      STATUSES.map((s) => swatch(STATUS_COLORS[s], t(`status.${s}`), 'border-radius:50%;width:10px')).join('') +
      swatch(ROUTE_COLOR, t('legend.covered'), 'height:4px') +
      swatch(GAP_COLOR, t('legend.gap'), 'height:6px') +
      swatch(HAS_STATIONS_FILL, t('legend.hasStations')) +
      swatch(NO_STATIONS_FILL, t('legend.noStations')) +
      swatch('#fff', t('legend.station'), 'border-radius:50%;width:10px;border:2px solid #111') +
      swatch('#ffd600', t('legend.roadSign'), 'border-radius:50%;width:8px;border:1px solid #212121') +
      swatch('transparent', t('legend.chosen'), 'border-radius:50%;width:12px;border:3px solid #d500f9');
    return div;
  };
  return legend.addTo(map);
}

// ---- loading ---------------------------------------------------------------

const settle = (promise) => promise.then((value) => ({ value }), (error) => ({ error }));

async function load(me, map, layers, summary) {
  const privateAllowed = me.role === 'police' || me.role === 'admin';
  // The compact map view: only what the map draws and filters by; a click fetches the rest.
  const privates = privateAllowed ? [fetchMapCameras({ ownership: 'citizen,business,household' })] : [];
  const jobs = {
    summary: api('/api/summary').then((s) => (summary.set(s), s)),
    mapConfig: api('/api/map-config'),
    districts: api('/api/admin-units?layout=2019&level=district'),
    communes2019: api('/api/admin-units?layout=2019&level=commune'),
    communes2025: api('/api/admin-units?layout=2025-07&level=commune'),
    routes: api('/api/routes'),
    coverage: api('/api/coverage/routes?min_gap_m=500'),
    roadSigns: api('/api/road-signs'),
    stations: fetchAll('/api/stations', { limit: 1000 }),
    stationCameras: fetchMapCameras({ ownership: 'station' }),
    privateCameras: Promise.all(privates).then((lists) => lists.flat()),
  };
  const names = Object.keys(jobs);
  const results = Object.fromEntries((await Promise.all(Object.values(jobs).map(settle))).map((r, i) => [names[i], r]));
  const val = (name, fallback = []) => results[name].value ?? fallback;
  // The map still draws what it could get: a role that may not see one layer sees the rest.
  hook.loadErrors = names.filter((n) => results[n].error && n !== 'mapConfig').map((n) => ({ layer: n, status: results[n].error.status ?? null, message: results[n].error.message }));

  let tiles = null;
  const tileUrl = val('mapConfig', {})?.tile_url;
  if (tileUrl) tiles = L.tileLayer(tileUrl, { maxZoom: 19, attribution: val('mapConfig', {}).tile_attribution ?? '' }).addTo(map);

  layers.drawAdminUnits({ districts: val('districts'), communes2025: val('communes2025'), communes2019: val('communes2019'), stations: val('stations') });
  layers.drawRoutes(val('routes'), results.coverage.value ?? null);
  layers.drawRoadSigns(val('roadSigns'));
  layers.drawStations(val('stations'));
  layers.drawCameras([...val('stationCameras'), ...val('privateCameras')]);
  // Frame the province before the layers join the map, so the canvas projects 24,609 shapes once, not twice.
  const bounds = layers.groups.districts.getLayers().length ? L.featureGroup(layers.groups.districts.getLayers()).getBounds() : null;
  if (bounds?.isValid()) map.fitBounds(bounds, { padding: [10, 10], animate: false });
  layers.addToMap({ communes2025: false, proposals: true });

  return {
    privateAllowed,
    tiles,
    districts: val('districts'),
    communes2019: val('communes2019'),
    coverage: results.coverage.value ?? null,
    coverageError: results.coverage.error ?? null,
  };
}

function showNotice(errors) {
  const notice = $('#notice');
  const shown = errors.filter((e) => !(e.layer === 'privateCameras' && e.status === 403));
  notice.hidden = shown.length === 0;
  notice.textContent = shown.length ? t('load.partial', { names: shown.map((e) => `${e.layer} (${e.status ?? e.message})`).join(', ') }) : '';
}

// ---- start -----------------------------------------------------------------

async function main() {
  applyI18n();
  $('#lang').addEventListener('click', () => setLang(currentLang() === 'vi' ? 'en' : 'vi'));
  $('#logout').addEventListener('click', () => {
    clearToken();
    location.reload();
  });
  setUnauthorizedHandler(() => {
    clearToken();
    location.reload();
  });

  const map = L.map('map', { preferCanvas: true, center: [10.72, 106.2], zoom: 10, minZoom: 8, maxZoom: 19 });
  const layers = new MapLayers(map);
  hook.map = map;
  hook.layers = layers;
  const summary = new SummaryPanel($('#summary'));
  summary.render();

  const me = await signIn();
  const showUser = () => ($('#user').textContent = t('header.user', { name: me.name, role: t(`role.${me.role}`) }));
  showUser();

  const data = await load(me, map, layers, summary);
  showNotice(hook.loadErrors);

  const communeNames = new Map(data.communes2019.map((c) => [c.code, c.name]));
  const details = new DetailsPanel($('#details'), { communeName: (code) => communeNames.get(code), clock });
  const filters = new FilterPanel($('#filters'), {
    districts: data.districts,
    communes: data.communes2019,
    privateAllowed: data.privateAllowed,
    onChange: () => {
      filters.setShown(layers.applyFilter(filters.predicate()));
      const d = filters.state.district;
      const layer = d && data.districts.find((x) => x.code === d)?.boundary;
      if (layer) map.fitBounds(L.geoJSON(layer).getBounds());
    },
  });
  // Every camera loaded is shown at first, which is what the filters' initial state means.
  layers.predicate = filters.predicate();
  filters.shown = layers.stats().shownCameras;
  // The technician's console: what is down now, acted on from the map.
  const consolePanel =
    me.role === 'technician' || me.role === 'admin'
      ? new ConsolePanel($('#console'), {
          map,
          openCamera: (code) => {
            const entry = layers.cameras.get(code);
            if (entry) void details.show(entry);
          },
        })
      : null;
  $('#panel-console').hidden = consolePanel === null;
  hook.console = consolePanel;
  const incident = new IncidentPanel($('#incident'), { layers, clock });
  const planner = new PlannerPanel($('#planner'), { layers, coverage: data.coverage, coverageError: data.coverageError });
  details.render();
  filters.render();
  incident.render();
  planner.render();
  consolePanel?.render();
  void consolePanel?.refresh();

  const setMode = (mode) => {
    document.body.dataset.mode = mode;
    for (const b of document.querySelectorAll('.modes button')) b.setAttribute('aria-pressed', String(b.dataset.mode === mode));
  };
  for (const b of document.querySelectorAll('.modes button')) b.addEventListener('click', () => setMode(b.dataset.mode));
  setMode('view');
  map.on('click', (e) => {
    if (document.body.dataset.mode === 'incident') incident.pick(e.latlng.lat, e.latlng.lng);
  });
  layers.onCameraClick = (entry) => {
    if (document.body.dataset.mode === 'incident') return; // the map's own click picks the place
    void details.show(entry);
    void consolePanel?.select(entry.cam);
  };
  layers.onStationClick = (s, marker) => {
    if (document.body.dataset.mode === 'incident') return;
    const cams = [...layers.cameras.values()].filter((e) => e.cam.station_code === s.code).length;
    marker
      .bindPopup(
        `<b>${esc(t('station.popup', { code: s.code, name: s.name }))}</b><br>${esc(t('details.commune'))}: ${esc(communeNames.get(s.commune_code) ?? s.commune_code)}` +
          `<br>${esc(t('station.route'))}: ${esc(s.route_ref ?? '—')}<br>${esc(t('station.cameras', { n: fmt(cams) }))}`,
      )
      .openPopup();
  };

  let control = layerControl(map, layers, data.tiles);
  let legend = legendControl(map);
  onLangChange(() => {
    showUser();
    showNotice(hook.loadErrors);
    control.remove();
    legend.remove();
    control = layerControl(map, layers, data.tiles);
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
      filters.setShown(layers.shownCount);
      summary.set(await api('/api/summary'));
    } catch {
      // the next reconnect tries again
    }
  };
  connectLive(getToken(), {
    onState: (on) => {
      const el = $('#live');
      el.className = `live ${on ? 'on' : 'off'}`;
      el.textContent = t(on ? 'live.on' : 'live.off');
    },
    onStatus: (ev) => {
      consolePanel?.poke();
      if (ev.subject === 'station') {
        layers.setStationStatus(ev.code, ev.status);
        return;
      }
      const previous = layers.setCameraStatus(ev.code, ev.status);
      filters.setShown(layers.shownCount);
      const from = previous ?? ev.previous;
      if (from !== ev.status) summary.move(from, ev.status);
      details.statusChanged(ev.code, ev.status, ev.at);
    },
    onAlert: (alert) => {
      summary.addAlert(alert);
      consolePanel?.poke();
    },
    onReconnect: resync,
  });

  // Settled once the canvas has painted the first full load.
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
