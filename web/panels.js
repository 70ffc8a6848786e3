// The side panels: province summary, filters, camera details, incident search and
// the planner. Each renders from data it is given and re-renders on a language switch.

import { api, download, query } from './api.js';
import { addStrings, fmt, fmtTime, t } from './i18n.js';
import { colorOf, OWNERSHIPS, STATUSES, STATUS_COLORS } from './layers.js';
import { errorMessage } from './errors.js';
import { showViewPanel } from './view-panel.js';

export const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

// The API's coded errors in the reader's language (errors.js); a 403 in the map's own words.
const errorText = (err) => (err?.status === 403 ? t('error.forbidden') : errorMessage(err));

/** An alert's subject in words: "Trạm ST-0010" for a station, the code for a camera (not "camera:…"). */
function subjectText(subject) {
  const [kind, code] = String(subject ?? '').split(':');
  if (code === undefined) return String(subject ?? '');
  return kind === 'station' ? t('console.station', { code }) : code;
}

// ---- summary ---------------------------------------------------------------

export class SummaryPanel {
  constructor(el) {
    this.el = el;
    this.summary = null;
    this.alerts = [];
    /** True for roles that may not see private cameras: the status counts are then the station cameras' alone. */
    this.stationsOnly = false;
    this.stationCounts = null;
  }

  set(summary) {
    this.summary = summary;
    if (this.stationsOnly) summary.status = this.stationCounts ?? {};
    this.render();
  }

  /** The status counts to show instead of the province's (those of the cameras this role may see). */
  setStatusCounts(counts) {
    this.stationCounts = counts;
    if (this.summary) this.summary.status = counts;
    this.renderStatus();
  }

  /** A live status change: one camera leaves one count and joins another. */
  move(previous, status) {
    const counts = this.summary?.status;
    if (!counts) return;
    if (previous && counts[previous] > 0) counts[previous]--;
    counts[status] = (counts[status] ?? 0) + 1;
    this.renderStatus();
  }

  addAlert(alert) {
    this.alerts.unshift(alert);
    this.alerts.length = Math.min(this.alerts.length, 5);
    this.renderAlerts();
  }

  render() {
    const s = this.summary;
    if (!s) {
      this.el.innerHTML = `<p class="muted">${esc(t('loading'))}</p>`;
      return;
    }
    const row = (key, value, id) => `<tr><th>${esc(t(key))}</th><td id="${id}">${value}</td></tr>`;
    this.el.innerHTML = `
      <table class="figures">
        ${row('summary.communes', `${fmt(s.communes?.with_stations)} / ${fmt(s.communes?.total)}`, 'sum-communes')}
        ${row('summary.stations', fmt(s.stations), 'sum-stations')}
        ${row('summary.stationCameras', fmt(s.cameras?.station), 'sum-station-cameras')}
        ${row('summary.citizen', fmt(s.cameras?.citizen), 'sum-citizen')}
        ${row('summary.business', fmt(s.cameras?.business), 'sum-business')}
        ${row('summary.household', fmt(s.cameras?.household), 'sum-household')}
        ${row('summary.total', fmt(s.cameras?.total), 'sum-total')}
        ${row('summary.roadSigns', fmt(s.road_signs), 'sum-road-signs')}
        ${row('summary.funding', esc(t('unit.vnd', { n: fmt(s.funding_vnd) })), 'sum-funding')}
      </table>
      <h3>${esc(t(this.stationsOnly ? 'summary.statusStations' : 'summary.status'))}</h3>
      <ul class="status-counts" id="sum-status"></ul>
      <div id="sum-alerts"></div>`;
    this.renderStatus();
    this.renderAlerts();
  }

  renderStatus() {
    const ul = this.el.querySelector('#sum-status');
    if (!ul || !this.summary) return;
    const counts = this.summary.status ?? {};
    ul.innerHTML = STATUSES.map(
      (st) =>
        `<li data-status="${st}"><span class="chip" style="background:${STATUS_COLORS[st]}"></span>${esc(t(`status.${st}`))}: <b>${fmt(counts[st] ?? 0)}</b></li>`,
    ).join('');
  }

  renderAlerts() {
    const box = this.el.querySelector('#sum-alerts');
    if (!box) return;
    box.innerHTML = this.alerts.length
      ? `<h3>${esc(t('summary.alerts'))}</h3><ul class="alerts">${this.alerts
          .map(
            (a) =>
              `<li>${esc(fmtTime(a.at ?? a.opened_at))} · ${esc(t(`alertkind.${a.kind}`))} · ${esc(subjectText(a.subject))}${a.state ? ` (${esc(t(`alertstate.${a.state}`))})` : ''}</li>`,
          )
          .join('')}</ul>`
      : '';
  }
}

// ---- filters ---------------------------------------------------------------

export class FilterPanel {
  constructor(el, { districts, communes, privateAllowed, onChange }) {
    this.el = el;
    this.districts = [...districts].sort((a, b) => a.name.localeCompare(b.name, 'vi'));
    this.communes = [...communes].sort((a, b) => a.name.localeCompare(b.name, 'vi'));
    this.privateAllowed = privateAllowed;
    this.onChange = onChange;
    this.state = { district: '', commune: '', statuses: new Set(STATUSES), ownerships: new Set(privateAllowed ? OWNERSHIPS : ['station']) };
    this.shown = 0;
    el.addEventListener('change', () => this.read());
  }

  predicate() {
    const { district, commune, statuses, ownerships } = this.state;
    return (entry) =>
      statuses.has(entry.status) &&
      ownerships.has(entry.cam.ownership) &&
      (!commune || entry.cam.commune_code === commune) &&
      (!district || entry.district === district);
  }

  /** What the filter means for the commune points (MapLayers.applyFilter's `places`). */
  places() {
    const { district, commune, statuses, ownerships } = this.state;
    const cameraOnly = statuses.size < STATUSES.length || ownerships.size < (this.privateAllowed ? OWNERSHIPS.length : 1);
    const match = commune ? (code) => code === commune : district ? (_code, d) => d === district : null;
    return { match, cameraOnly };
  }

  read() {
    const district = this.el.querySelector('#f-district').value;
    if (district !== this.state.district) this.state.commune = '';
    else this.state.commune = this.el.querySelector('#f-commune').value;
    this.state.district = district;
    this.state.statuses = new Set([...this.el.querySelectorAll('input[name=f-status]:checked')].map((i) => i.value));
    this.state.ownerships = new Set([...this.el.querySelectorAll('input[name=f-ownership]:checked')].map((i) => i.value));
    this.onChange(this.state);
    this.render();
  }

  setShown(n) {
    this.shown = n;
    const p = this.el.querySelector('#f-shown');
    if (p) p.textContent = t('filters.shown', { n: fmt(n) });
  }

  render() {
    const s = this.state;
    const opt = (value, label, selected) => `<option value="${esc(value)}"${selected ? ' selected' : ''}>${esc(label)}</option>`;
    // Commune names repeat across districts (Phường 1, Bình Thạnh…): each says its district, grouped under it.
    const districtName = new Map(this.districts.map((d) => [d.code, d.name]));
    const communeOptions = this.districts
      .filter((d) => !s.district || d.code === s.district)
      .map((d) => {
        const inDistrict = this.communes.filter((c) => c.parent_code === d.code);
        const options = inDistrict
          .map((c) =>
            opt(c.code, t('filters.communeOf', { commune: c.name, district: districtName.get(c.parent_code) ?? c.parent_code }), c.code === s.commune),
          )
          .join('');
        return `<optgroup label="${esc(d.name)}">${options}</optgroup>`;
      })
      .join('');
    const check = (name, value, label, checked, disabled) =>
      `<label class="check"><input type="checkbox" name="${name}" value="${value}"${checked ? ' checked' : ''}${disabled ? ' disabled' : ''}>${label}</label>`;
    this.el.innerHTML = `
      <label>${esc(t('filters.district'))}
        <select id="f-district">${opt('', t('filters.all'), !s.district)}${this.districts.map((d) => opt(d.code, d.name, d.code === s.district)).join('')}</select></label>
      <label>${esc(t('filters.commune'))}
        <select id="f-commune">${opt('', t('filters.all'), !s.commune)}${communeOptions}</select></label>
      <fieldset><legend>${esc(t('filters.status'))}</legend>${STATUSES.map((st) =>
        check('f-status', st, `<span class="chip" style="background:${STATUS_COLORS[st]}"></span>${esc(t(`status.${st}`))}`, s.statuses.has(st), false),
      ).join('')}</fieldset>
      <fieldset><legend>${esc(t('filters.ownership'))}</legend>${OWNERSHIPS.map((o) =>
        check('f-ownership', o, esc(t(`ownership.${o}`)), s.ownerships.has(o), o !== 'station' && !this.privateAllowed),
      ).join('')}</fieldset>
      <p class="muted" id="f-shown">${esc(t('filters.shown', { n: fmt(this.shown) }))}</p>`;
  }
}

// ---- camera details --------------------------------------------------------

export class DetailsPanel {
  constructor(el, { communeName, clock }) {
    this.el = el;
    this.communeName = communeName;
    this.clock = clock;
    this.entry = null;
    this.camera = null;
    this.status = null;
    this.statusError = null;
    this.uptime = {};
    this.seq = 0;
  }

  async show(entry) {
    const seq = ++this.seq;
    this.entry = entry;
    this.camera = null;
    this.status = null;
    this.statusError = null;
    this.uptime = {};
    this.render();
    const code = encodeURIComponent(entry.cam.code);
    const now = this.clock();
    const windows = { '24h': 1, '7d': 7, '30d': 30 };
    const uptimes = Object.entries(windows).map(async ([key, days]) => {
      const from = new Date(now - days * 86400e3).toISOString();
      try {
        const u = await api(`/api/uptime?${query({ scope: 'camera', code: entry.cam.code, from, to: new Date(now).toISOString() })}`);
        if (seq === this.seq) this.uptime[key] = u.uptime_pct;
      } catch {
        if (seq === this.seq) this.uptime[key] = null;
      }
    });
    // The map loaded only what it draws: device and owner come with the full camera.
    const camera = api(`/api/cameras/${code}`)
      .then((c) => {
        if (seq === this.seq) this.camera = c;
      })
      .catch(() => {
        // Without it the panel still shows what the map drew; device and owner stay blank.
      });
    try {
      const status = await api(`/api/cameras/${code}/status`);
      if (seq === this.seq) this.status = status;
    } catch (err) {
      if (seq === this.seq) this.statusError = err;
    }
    await Promise.all([camera, ...uptimes]);
    if (seq === this.seq) this.render();
  }

  /** A live change for the camera on show. */
  statusChanged(code, status, at) {
    if (this.entry?.cam.code !== code) return;
    if (this.status) Object.assign(this.status, { status, since: at });
    this.render();
  }

  render() {
    const e = this.entry;
    if (!e) {
      this.el.innerHTML = `<p class="muted">${esc(t('details.hint'))}</p>`;
      return;
    }
    const c = this.camera ?? e.cam;
    const s = this.status;
    const row = (key, value) => `<tr><th>${esc(t(key))}</th><td>${value}</td></tr>`;
    const status = s?.status ?? e.status;
    const pct = (v) => (v === undefined ? '…' : v === null ? t('details.none') : `${fmt(v, 1)}%`);
    const device = s?.device
      ? [s.device.manufacturer, s.device.model, s.device.firmware, s.device.serial].filter(Boolean).join(' · ')
      : [c.vendor, c.model].filter(Boolean).join(' · ');
    this.el.innerHTML = `
      <table class="details" data-code="${esc(c.code)}">
        ${row('details.code', `<b>${esc(c.code)}</b>`)}
        ${row('details.ownership', esc(t(`ownership.${c.ownership}`)))}
        ${c.station_code ? row('details.station', esc(c.station_code)) : ''}
        ${row('details.commune', esc(this.communeName(c.commune_code) ?? c.commune_code))}
        ${row('details.status', `<span class="chip" style="background:${colorOf(status)}"></span><span id="d-status">${esc(t(`status.${status}`))}</span>`)}
        ${row('details.since', esc(fmtTime(s?.since)))}
        ${row('details.lastCheck', esc(fmtTime(s?.last_check_at)))}
        ${row('details.lastOk', esc(fmtTime(s?.last_ok_at)))}
        ${row('details.lastError', s?.last_error ? `${esc(s.last_error.kind)}: ${esc(s.last_error.message)}` : esc(t('details.none')))}
        ${row('details.device', esc(device || t('details.none')))}
        ${row('details.heading', esc(t('details.headingValue', { heading: fmt(s?.heading_deg ?? c.heading_deg, 0), registered: fmt(c.heading_deg, 0), fov: fmt(c.fov_deg, 0), range: fmt(c.range_m, 0) })))}
        ${s?.clock_offset_s != null ? row('details.clock', `${fmt(s.clock_offset_s, 1)} s`) : ''}
        ${c.owner_name ? row('details.owner', `${esc(c.owner_name)} ${esc(c.owner_phone ?? '')}`) : ''}
      </table>
      ${this.statusError ? `<p class="error">${esc(t('details.unavailable', { message: errorText(this.statusError) }))}</p>` : ''}
      <h3>${esc(t('details.uptime'))}</h3>
      <table class="uptime"><tr><th>${esc(t('details.uptime24h'))}</th><th>${esc(t('details.uptime7d'))}</th><th>${esc(t('details.uptime30d'))}</th></tr>
        <tr><td id="d-up-24h">${pct(this.uptime['24h'])}</td><td id="d-up-7d">${pct(this.uptime['7d'])}</td><td id="d-up-30d">${pct(this.uptime['30d'])}</td></tr></table>
      <div id="d-view"></div>`;
    // Picture health (web/view-panel.js): reference and current view side by side.
    showViewPanel(this.el.querySelector('#d-view'), c);
  }
}

// ---- incident search -------------------------------------------------------

export class IncidentPanel {
  constructor(el, { layers, clock, limits }) {
    this.el = el;
    this.layers = layers;
    this.clock = clock;
    // The radius the API accepts (GET /api/map-config), so the form refuses what the service would.
    this.radiusLimits = { min: limits?.min ?? 1, max: limits?.max ?? 5000 };
    this.point = null;
    this.result = null;
    this.error = null;
    this.form = { at: '', radius: 300, caseRef: '' };
    el.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void this.search();
    });
  }

  pick(lat, lon) {
    this.point = { lat, lon };
    this.result = null;
    this.error = null;
    this.layers.showIncidentPoint(lat, lon);
    this.readForm();
    this.render();
  }

  readForm() {
    const f = this.el.querySelector('form');
    if (!f) return;
    this.form = { at: f.at.value, radius: Number(f.radius.value) || 300, caseRef: f.caseRef.value.trim() };
  }

  /** The search's parameters as the API takes them; `at` is sent as typed: Long An time, which the API assumes without an offset. */
  params() {
    return {
      lat: this.point.lat.toFixed(6),
      lon: this.point.lon.toFixed(6),
      radius_m: this.form.radius,
      at: this.form.at || undefined,
      case_ref: this.form.caseRef,
    };
  }

  async search() {
    this.readForm();
    if (!this.point) {
      this.error = t('incident.needPoint');
      this.render();
      return;
    }
    this.el.dataset.searching = '1';
    try {
      this.result = await api(`/api/search/near?${query(this.params())}`);
      this.error = null;
      this.layers.showIncident(this.result);
    } catch (err) {
      this.result = null;
      this.error = errorText(err);
    }
    delete this.el.dataset.searching;
    this.render();
  }

  async downloadCsv() {
    if (!this.point || !this.result) return;
    try {
      await download(`/api/search/near.csv?${query(this.params())}`, `camnet-${this.form.caseRef.replace(/[^\w.-]+/g, '_') || 'search'}.csv`);
    } catch (err) {
      this.error = errorText(err);
      this.render();
    }
  }

  render() {
    const r = this.result;
    // The form speaks Long An time (UTC+7) whatever the browser's own zone is.
    const longAnNow = () => new Date(this.clock() + 7 * 3_600_000).toISOString().slice(0, 16);
    const f = this.form;
    // An ISO time from the API as Long An wall-clock time (UTC+7), as the form shows it.
    const localTime = (iso) => new Date(Date.parse(iso) + 7 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
    const recordedText = (c) => t(c.recorded === true ? 'incident.recorded.yes' : c.recorded === false ? 'incident.recorded.no' : 'incident.recorded.unknown');
    this.el.innerHTML = `
      <p class="muted">${esc(t('incident.hint'))}</p>
      <p id="incident-point">${this.point ? esc(t('incident.point', { lat: this.point.lat.toFixed(5), lon: this.point.lon.toFixed(5) })) : esc(t('incident.noPoint'))}</p>
      <form>
        <label>${esc(t('incident.atLocal'))} <input type="datetime-local" name="at" value="${esc(f.at || longAnNow())}"></label>
        <label>${esc(t('incident.radius'))} <input type="number" name="radius" min="${esc(this.radiusLimits.min)}" max="${esc(this.radiusLimits.max)}" step="1" required value="${esc(f.radius)}"></label>
        <label>${esc(t('incident.caseRef'))} <input type="text" name="caseRef" required maxlength="100" value="${esc(f.caseRef)}"></label>
        <button type="submit" id="incident-search">${esc(t('incident.search'))}</button>
      </form>
      ${this.error ? `<p class="error">${esc(this.error)}</p>` : ''}
      ${
        r
          ? `<p id="incident-summary">${esc(t('incident.resultsRecorded', { n: fmt(r.counts.cameras), seeing: fmt(r.counts.sees_point), recorded: fmt(r.counts.recorded), notRecorded: fmt(r.counts.not_recorded), unknown: fmt(r.counts.unknown), at: r.at_local.slice(0, 16).replace('T', ' ') }))}</p>
        ${r.not_watching ? `<p class="error" id="incident-not-watching">${esc(t('incident.notWatching', { from: localTime(r.not_watching.from), to: r.not_watching.to ? localTime(r.not_watching.to) : t('incident.notWatching.notSince') }))}</p>` : ''}
        <button type="button" id="incident-csv">${esc(t('incident.csv'))}</button>
        <table class="results" id="incident-results"><thead><tr><th>${esc(t('incident.col.code'))}</th><th>${esc(t('incident.col.distance'))}</th><th>${esc(t('incident.col.sees'))}</th><th>${esc(t('incident.col.recorded'))}</th><th>${esc(t('incident.col.status'))}</th><th>${esc(t('incident.col.owner'))}</th></tr></thead><tbody>
        ${r.cameras
          .map(
            (
              c,
            ) => `<tr data-code="${esc(c.code)}" data-sees="${c.sees_point ? 1 : 0}" data-recorded="${c.recorded === null ? 'unknown' : c.recorded}" class="${c.sees_point ? 'sees' : ''}">
              <td>${esc(c.code)}<br><small>${esc(t(`ownership.${c.ownership}`))}</small></td><td>${fmt(c.distance_m, 0)} m</td>
              <td>${esc(c.sees_point ? t('incident.yes') : t('incident.no'))}</td>
              <td>${esc(recordedText(c))}</td>
              <td><span class="chip" style="background:${colorOf(c.status_at)}"></span>${esc(t(`status.${c.status_at ?? 'unknown'}`))}</td>
              <td>${c.owner ? `${esc(c.owner.name)}<br>${esc(c.owner.phone)}` : ''}</td></tr>`,
          )
          .join('')}</tbody></table>`
          : ''
      }`;
    this.el.querySelector('#incident-csv')?.addEventListener('click', () => void this.downloadCsv());
  }
}

addStrings({
  vi: {
    'incident.atLocal': 'Thời điểm (giờ Long An)',
    'incident.resultsRecorded':
      'Lúc {at}: {n} camera trong bán kính, {seeing} camera nhìn thấy điểm này — {recorded} có thể đã ghi hình, {notRecorded} không ghi hình, {unknown} chưa rõ',
    'incident.col.recorded': 'Ghi hình',
    'incident.recorded.yes': 'Có thể đã ghi hình',
    'incident.recorded.no': 'Không ghi hình',
    'incident.recorded.unknown': 'Chưa rõ',
    'incident.csv': 'Tải CSV cho hồ sơ',
    'incident.notWatching': 'camnet không theo dõi từ {from} đến {to}: không biết trạng thái camera lúc đó',
    'incident.notWatching.notSince': 'nay',
  },
  en: {
    'incident.atLocal': 'Time (Long An time)',
    'incident.resultsRecorded':
      'At {at}: {n} cameras in the radius, {seeing} could see the place — {recorded} likely recorded, {notRecorded} not recording, {unknown} unknown',
    'incident.col.recorded': 'Recorded',
    'incident.recorded.yes': 'Likely recorded',
    'incident.recorded.no': 'Not recording',
    'incident.recorded.unknown': 'Unknown',
    'incident.csv': 'Download CSV for the case file',
    'incident.notWatching': "camnet was not watching from {from} to {to}: no camera's status then is known",
    'incident.notWatching.notSince': 'now',
  },
});

/* global L */
// ---- planner ---------------------------------------------------------------

// The planner's panel lives in planner.js (objectives, numbered proposals, exports).
export { PlannerPanel } from './planner.js';
