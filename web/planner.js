/* global L */
// The planner's panel: route coverage (installed, monitored cameras online,
// registered private cameras), the longest gaps, and station proposals for a
// budget with a choice of objective, drawn on the map numbered with their gain
// and exported as GeoJSON or CSV.
import { ApiError, postForResponse } from './api.js';
import { addStrings, fmt, t } from './i18n.js';
import { sector } from './sector.js';

const PROPOSAL_COLOR = '#6a1b9a';
const OBJECTIVES = ['communes_first', 'route_metres'];

addStrings({
  vi: {
    'planner.col.online': 'Camera giám sát trực tuyến',
    'planner.col.private': 'Camera tư nhân đăng ký',
    'planner.objective': 'Mục tiêu',
    'planner.objective.communes_first': 'Ưu tiên xã chưa có trạm',
    'planner.objective.route_metres': 'Nhiều mét tuyến được phủ nhất',
    'planner.export.geojson': 'Tải GeoJSON',
    'planner.export.csv': 'Tải CSV',
    'planner.stationRow': '{where}: +{gain} m{reason}',
    'planner.offRoute': 'gần trung tâm xã {commune}',
    'planner.reason.uncovered_commune': ' (xã chưa có trạm {commune})',
    'planner.reached': 'Đến được {reached} trong {before} xã chưa có trạm',
    'planner.marker': 'Trạm đề xuất số {rank}: tăng {gain} m phủ, {cost}',
    'planner.error.budget_below_station_cost': 'Ngân sách {budget} thấp hơn chi phí một trạm ({cost}).',
  },
  en: {
    'planner.col.online': 'Monitored cameras online',
    'planner.col.private': 'Registered private cameras',
    'planner.objective': 'Objective',
    'planner.objective.communes_first': 'Communes without a station first',
    'planner.objective.route_metres': 'Most route metres covered',
    'planner.export.geojson': 'Download GeoJSON',
    'planner.export.csv': 'Download CSV',
    'planner.stationRow': '{where}: +{gain} m{reason}',
    'planner.offRoute': 'near the centre of commune {commune}',
    'planner.reason.uncovered_commune': ' (commune {commune}, which had no station)',
    'planner.reached': 'Reaches {reached} of the {before} communes without a station',
    'planner.marker': 'Proposed station {rank}: covers {gain} m more, {cost}',
    'planner.error.budget_below_station_cost': 'The budget {budget} is less than one station ({cost}).',
  },
});

const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const vnd = (n) => t('unit.vnd', { n: fmt(n) });

/** An error answer as the reader's language says it: by its code when the API gives one. */
function errorMessage(status, payload) {
  if (payload?.code === 'budget_below_station_cost') {
    return t('planner.error.budget_below_station_cost', { budget: vnd(payload.params.budget_vnd), cost: vnd(payload.params.cost_per_station_vnd) });
  }
  if (status === 403) return t('error.forbidden');
  const message = Array.isArray(payload?.message) ? payload.message.join('; ') : payload?.message;
  return t('error.generic', { message: message ?? status });
}

/** POST to the planning API; answers the Response, or throws Error(message in the UI's language). */
async function post(path, body) {
  try {
    return await postForResponse(path, body);
  } catch (err) {
    throw err instanceof ApiError ? new Error(errorMessage(err.status, err.body)) : err;
  }
}

export class PlannerPanel {
  constructor(el, { layers, coverage, coverageError, limits }) {
    // The budget the API accepts (GET /api/map-config).
    this.budgetLimits = { min: limits?.min ?? 1, max: limits?.max ?? null };
    this.el = el;
    this.map = layers.map;
    this.coverage = coverage;
    this.coverageError = coverageError;
    this.proposal = null;
    this.request = null;
    this.error = null;
    this.budget = 1_000_000_000;
    this.objective = OBJECTIVES[0];
    this.group = L.layerGroup().addTo(this.map);
    el.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void this.propose();
    });
    el.addEventListener('click', (ev) => {
      const exp = ev.target.closest('[data-export]');
      if (exp) return void this.download(exp.dataset.export);
      const station = ev.target.closest('[data-rank]');
      if (station) {
        const s = this.proposal?.stations[Number(station.dataset.rank) - 1];
        if (s) this.map.setView([s.lat, s.lon], Math.max(this.map.getZoom(), 15));
        return;
      }
      const row = ev.target.closest('[data-gap]');
      if (!row) return;
      const [ri, gi] = row.dataset.gap.split(':').map(Number);
      const gap = this.coverage[ri]?.gaps[gi];
      if (gap?.geometry) this.map.fitBounds(L.geoJSON(gap.geometry).getBounds(), { maxZoom: 15 });
    });
  }

  async propose() {
    this.budget = Number(this.el.querySelector('#planner-budget').value) || 0;
    this.objective = this.el.querySelector('#planner-objective').value;
    const body = { budget_vnd: this.budget, objective: this.objective };
    try {
      this.proposal = await (await post('/api/planning/proposals', body)).json();
      this.request = body;
      this.error = null;
      this.draw();
    } catch (err) {
      this.error = err.message;
    }
    this.render();
  }

  /** Asks the API for the same proposal as a file and hands it to the browser as a download. */
  async download(format) {
    if (!this.request) return;
    try {
      const blob = await (await post(`/api/planning/proposals.${format}`, this.request)).blob();
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = `camnet-proposal.${format}`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    } catch (err) {
      this.error = err.message;
      this.render();
    }
  }

  describe(s) {
    return t('planner.marker', { rank: s.rank, gain: fmt(s.gain_m, 0), cost: vnd(s.cost_vnd) });
  }

  /** The proposal on the map: each station's sectors and a numbered marker. */
  draw() {
    this.group.clearLayers();
    for (const s of this.proposal?.stations ?? []) {
      for (const cam of s.cameras) {
        this.group.addLayer(
          L.polygon(sector(s.lat, s.lon, cam.heading_deg, cam.fov_deg, cam.range_m), {
            color: PROPOSAL_COLOR,
            weight: 1.5,
            fillColor: PROPOSAL_COLOR,
            fillOpacity: 0.3,
            interactive: false,
          }),
        );
      }
      // Inline style: the numbered marker is this panel's own, style.css is shared.
      const html = `<span style="display:block;width:22px;height:22px;line-height:22px;border-radius:50%;background:${PROPOSAL_COLOR};color:#fff;border:2px solid #fff;font:bold 11px sans-serif;text-align:center;box-sizing:border-box">${s.rank}</span>`;
      const icon = L.divIcon({ className: 'proposal-number', html, iconSize: [22, 22], iconAnchor: [11, 11] });
      this.group.addLayer(L.marker([s.lat, s.lon], { icon, title: this.describe(s) }).bindTooltip(this.describe(s)));
    }
  }

  stationRow(s) {
    const where = s.route_ref ? `${s.route_refs.join(' / ')} km ${fmt(s.chainage_m / 1000, 1)}` : t('planner.offRoute', { commune: s.commune_code ?? '—' });
    const reason = s.reason === 'uncovered_commune' ? t('planner.reason.uncovered_commune', { commune: s.commune_code ?? '—' }) : '';
    return t('planner.stationRow', { rank: s.rank, where, gain: fmt(s.gain_m, 0), reason });
  }

  render() {
    const cov = this.coverage;
    const gaps = (cov ?? [])
      .flatMap((r, ri) => (r.gaps ?? []).map((g, gi) => ({ ...g, ref: r.ref, key: `${ri}:${gi}` })))
      .sort((a, b) => b.length_m - a.length_m)
      .slice(0, 10);
    const p = this.proposal;
    const km = (m) => fmt(m / 1000, 1);
    const pct = (c) => (c ? `${fmt(c.pct, 1)}%` : '—');
    this.el.innerHTML = `
      ${
        cov
          ? `<table class="results" id="planner-routes"><thead><tr><th>${esc(t('planner.col.route'))}</th><th>${esc(t('planner.col.length'))}</th><th>${esc(t('planner.col.installed'))}</th><th>${esc(t('planner.col.online'))}</th><th>${esc(t('planner.col.private'))}</th><th>${esc(t('planner.col.gaps'))}</th></tr></thead><tbody>
        ${cov
          .map(
            (r) =>
              `<tr data-ref="${esc(r.ref)}"><td title="${esc(r.name)}">${esc(r.ref)}</td><td>${km(r.length_m)}</td><td>${pct(r.installed)}</td><td>${pct(r.online_monitored ?? r.effective)}</td><td>${pct(r.private_registered)}</td><td>${fmt((r.gaps ?? []).length)}</td></tr>`,
          )
          .join('')}</tbody></table>
        <h3>${esc(t('planner.gaps'))}</h3>
        <ul class="gaps">${gaps
          .map(
            (g) =>
              `<li data-gap="${g.key}" class="link">${esc(t('planner.gapRow', { ref: g.ref, from: km(g.from_m), to: km(g.to_m), length: km(g.length_m) }))}</li>`,
          )
          .join('')}</ul>`
          : `<p class="error">${esc(t('planner.unavailable', { message: this.coverageError?.message ?? '' }))}</p>`
      }
      <form>
        <label>${esc(t('planner.budget'))} <input type="number" id="planner-budget" min="${esc(this.budgetLimits.min)}"${this.budgetLimits.max !== null ? ` max="${esc(this.budgetLimits.max)}"` : ''} step="any" required value="${esc(this.budget)}"></label>
        <label>${esc(t('planner.objective'))} <select id="planner-objective">${OBJECTIVES.map(
          (o) => `<option value="${o}"${o === this.objective ? ' selected' : ''}>${esc(t(`planner.objective.${o}`))}</option>`,
        ).join('')}</select></label>
        <button type="submit" id="planner-propose">${esc(t('planner.propose'))}</button>
      </form>
      ${this.error ? `<p class="error" id="planner-error">${esc(this.error)}</p>` : ''}
      ${
        p
          ? `<p id="planner-result">${esc(t('planner.result', { n: fmt(p.stations.length), cost: vnd(p.total_cost_vnd), before: fmt(p.coverage_before_pct, 1), after: fmt(p.coverage_after_pct, 1) }))}</p>
        <p id="planner-reached">${esc(t('planner.reached', { reached: fmt(p.uncovered_communes_reached), before: fmt(p.uncovered_communes_before) }))}</p>
        <p><button type="button" data-export="geojson" id="planner-export-geojson">${esc(t('planner.export.geojson'))}</button>
           <button type="button" data-export="csv" id="planner-export-csv">${esc(t('planner.export.csv'))}</button></p>
        <ol class="proposals">${p.stations.map((s) => `<li data-rank="${s.rank}" class="link">${esc(this.stationRow(s))}</li>`).join('')}</ol>`
          : ''
      }`;
  }
}
