// The technician's console on the map: what is down now and why (GET /api/incidents,
// refreshed on every live status or alert event), a click zooms to the camera and
// opens it; on the chosen camera: check now, acknowledge its alert with a note, open
// a maintenance window, end it early. "Nearest first" sorts the list from the
// browser's position, for a technician in the field.

import { api, query } from './api.js';
import { errorMessage } from './errors.js';
import { addStrings, fmt, t } from './i18n.js';
import { esc } from './panels.js';
import { STATUS_COLORS } from './layers.js';
import { drawUptimeChart } from './uptime-chart.js';

addStrings({
  vi: {
    'console.title': 'Sự cố',
    'console.loading': 'Đang tải danh sách sự cố…',
    'console.none': 'Không có camera hay trạm nào đang gặp sự cố.',
    'console.count': '{n} sự cố ({cameras} camera, {stations} trạm)',
    'console.failed': 'Không tải được danh sách sự cố: {message}',
    'console.since': 'từ {time}',
    'console.nearest': 'Gần tôi nhất',
    'console.byTime': 'Lâu nhất trước',
    'console.noGeo': 'Trình duyệt không cho biết vị trí: {message}',
    'console.distance': '{km} km',
    'console.station': 'Trạm {code}',
    'console.noStation': 'Camera tư nhân',
    'console.selected': 'Camera {code}',
    'console.check': 'Kiểm tra ngay',
    'console.checked': 'Đã kiểm tra: {status}',
    'console.ack': 'Xác nhận cảnh báo',
    'console.acked': 'Đã xác nhận cảnh báo #{id}',
    'console.note': 'Ghi chú',
    'console.alert': 'Cảnh báo #{id}: {kind} ({state})',
    'console.noAlert': 'Không có cảnh báo đang mở.',
    'console.maintain': 'Bảo trì trong',
    'console.maintainStart': 'Bắt đầu bảo trì',
    'console.maintainEnd': 'Kết thúc bảo trì',
    'console.maintaining': 'Đang bảo trì đến {time}',
    'console.hours': '{n} giờ',
    'console.actionFailed': 'Không thực hiện được: {message}',
    'console.assignee': 'Giao cho',
    'console.unassigned': '— chưa giao —',
    'console.assign': 'Giao việc',
    'console.assigned': 'Đã giao cảnh báo #{id} cho {name}',
    'console.unassignedDone': 'Cảnh báo #{id} chưa giao cho ai',
    'console.assignedTo': 'Người xử lý: {name}',
    'console.resolve': 'Đã xử lý xong',
    'console.resolved': 'Đã đóng cảnh báo #{id}',
    'console.resolveNeedsNote': 'Ghi rõ việc đã làm vào ô ghi chú rồi bấm "Đã xử lý xong".',
    'console.history': 'Diễn biến',
    'alertaction.opened': 'mở',
    'alertaction.acked': 'xác nhận',
    'alertaction.assigned': 'giao cho {assignee}',
    'alertaction.unassigned': 'thu hồi việc giao',
    'alertaction.note': 'ghi chú',
    'alertaction.resolved': 'đóng',
    'reason.offline_timeout': 'Mất kết nối (không trả lời)',
    'reason.offline_refused': 'Mất kết nối (bị từ chối)',
    'reason.offline_unreachable': 'Mất kết nối',
    'reason.station_down': 'Trạm mất kết nối',
    'reason.station_silent': 'Trạm không gửi tín hiệu',
    'reason.auth_failed': 'Sai mật khẩu camera',
    'reason.clock_drift': 'Lệch đồng hồ',
    'reason.turned': 'Camera bị xoay hướng',
    'reason.view_dark': 'Hình ảnh quá tối',
    'reason.view_blocked': 'Hình ảnh bị che',
    'reason.view_blurred': 'Hình ảnh bị mờ',
    'reason.view_frozen': 'Hình ảnh bị đứng',
    'reason.view_moved': 'Hình ảnh bị lệch hướng',
    'reason.bad_reply': 'Trả lời không hợp lệ',
    'reason.maintenance': 'Đang bảo trì',
    'reason.never_checked': 'Chưa kiểm tra',
    'reason.not_monitored': 'Không giám sát',
    'reason.pending': 'Chờ xác nhận',
    'alertkind.offline': 'mất kết nối',
    'alertkind.station_down': 'trạm mất kết nối',
    'alertkind.turned': 'bị xoay hướng',
    'alertkind.view_dark': 'hình ảnh quá tối',
    'alertkind.view_blocked': 'hình ảnh bị che',
    'alertkind.view_blurred': 'hình ảnh bị mờ',
    'alertkind.view_frozen': 'hình ảnh bị đứng',
    'alertkind.view_moved': 'hình ảnh bị lệch hướng',
    'alertkind.clock_drift': 'lệch đồng hồ',
    'alertkind.auth_failed': 'sai mật khẩu',
    'alertstate.open': 'chưa xử lý',
    'alertstate.acked': 'đã xác nhận',
    'alertstate.resolved': 'đã xong',
    'legend.station': 'Trạm (màu theo trạng thái)',
    'legend.roadSign': 'Biển báo tuyến',
    'legend.chosen': 'Camera đang chọn',
  },
  en: {
    'console.title': 'Incidents',
    'console.loading': 'Loading the incidents…',
    'console.none': 'No camera or station is in trouble.',
    'console.count': '{n} incidents ({cameras} cameras, {stations} stations)',
    'console.failed': 'Could not load the incidents: {message}',
    'console.since': 'since {time}',
    'console.nearest': 'Nearest to me',
    'console.byTime': 'Longest first',
    'console.noGeo': 'The browser did not give a position: {message}',
    'console.distance': '{km} km',
    'console.station': 'Station {code}',
    'console.noStation': 'Private cameras',
    'console.selected': 'Camera {code}',
    'console.check': 'Check now',
    'console.checked': 'Checked: {status}',
    'console.ack': 'Acknowledge alert',
    'console.acked': 'Alert #{id} acknowledged',
    'console.note': 'Note',
    'console.alert': 'Alert #{id}: {kind} ({state})',
    'console.noAlert': 'No open alert.',
    'console.maintain': 'Maintenance for',
    'console.maintainStart': 'Start maintenance',
    'console.maintainEnd': 'End maintenance',
    'console.maintaining': 'In maintenance until {time}',
    'console.hours': '{n} h',
    'console.actionFailed': 'Could not do it: {message}',
    'console.assignee': 'Assign to',
    'console.unassigned': '— nobody —',
    'console.assign': 'Assign',
    'console.assigned': 'Alert #{id} assigned to {name}',
    'console.unassignedDone': 'Alert #{id} is assigned to nobody',
    'console.assignedTo': 'Worked on by: {name}',
    'console.resolve': 'Resolve',
    'console.resolved': 'Alert #{id} resolved',
    'console.resolveNeedsNote': 'Write what was done in the note, then press "Resolve".',
    'console.history': 'History',
    'alertaction.opened': 'opened',
    'alertaction.acked': 'acknowledged',
    'alertaction.assigned': 'assigned to {assignee}',
    'alertaction.unassigned': 'taken back',
    'alertaction.note': 'note',
    'alertaction.resolved': 'resolved',
    'reason.offline_timeout': 'Offline (no answer)',
    'reason.offline_refused': 'Offline (refused)',
    'reason.offline_unreachable': 'Offline',
    'reason.station_down': 'Station down',
    'reason.station_silent': 'Station silent',
    'reason.auth_failed': 'Wrong camera password',
    'reason.clock_drift': 'Clock drift',
    'reason.turned': 'Turned away',
    'reason.view_dark': 'Picture dark',
    'reason.view_blocked': 'Picture blocked',
    'reason.view_blurred': 'Picture blurred',
    'reason.view_frozen': 'Picture frozen',
    'reason.view_moved': 'Picture moved',
    'reason.bad_reply': 'Unusable reply',
    'reason.maintenance': 'In maintenance',
    'reason.never_checked': 'Not checked yet',
    'reason.not_monitored': 'Not monitored',
    'reason.pending': 'Awaiting confirmation',
    'alertkind.offline': 'offline',
    'alertkind.station_down': 'station down',
    'alertkind.turned': 'turned',
    'alertkind.view_dark': 'picture dark',
    'alertkind.view_blocked': 'picture blocked',
    'alertkind.view_blurred': 'picture blurred',
    'alertkind.view_frozen': 'picture frozen',
    'alertkind.view_moved': 'picture moved',
    'alertkind.clock_drift': 'clock drift',
    'alertkind.auth_failed': 'wrong password',
    'alertstate.open': 'open',
    'alertstate.acked': 'acknowledged',
    'alertstate.resolved': 'resolved',
    'legend.station': 'Station (coloured by status)',
    'legend.roadSign': 'Route sign',
    'legend.chosen': 'Chosen camera',
  },
});

/** A reason in the reader's language, with the station named for station_down. */
export function reasonText(reason) {
  if (!reason) return '';
  const words = t(`reason.${reason.code}`);
  return reason.station_code && reason.code === 'station_down' ? `${words} ${reason.station_code}` : words;
}

const time = (iso) => (iso ? new Date(iso).toLocaleString() : '—');
const km = (a, b) => {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 12742 * Math.asin(Math.sqrt(h));
};

export class ConsolePanel {
  /**
   * @param el the panel's element
   * @param map the Leaflet map
   * @param openCamera (code) => void: shows the camera's details (the map's own panel)
   * @param highlight (cam) => void: rings the chosen camera on the map
   * @param geolocation navigator.geolocation, or a stand-in
   */
  constructor(el, { map, openCamera, highlight = () => {}, geolocation = navigator.geolocation }) {
    this.el = el;
    this.map = map;
    this.openCamera = openCamera;
    this.highlight = highlight;
    this.geolocation = geolocation;
    this.page = null;
    this.error = null;
    this.selected = null;
    this.selectedAlert = null;
    /** People the chosen alert may go to (GET /api/alerts/assignees), by login. */
    this.assignees = [];
    this.window = null;
    this.message = null;
    this.here = null;
    this.refreshTimer = null;
    el.addEventListener('click', (ev) => this.onClick(ev));
  }

  /** Loads the list now. */
  async refresh() {
    try {
      this.page = await api(`/api/incidents?${query({ limit: 500 })}`);
      this.error = null;
    } catch (err) {
      this.error = err;
    }
    if (this.selected) await this.loadSelected();
    this.render();
  }

  /** A live event: refresh soon, once for a burst of events. */
  poke() {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      void this.refresh();
    }, 500);
  }

  /** Marks a camera as the chosen one (from the list or a click on the map). */
  async select(cam) {
    this.selected = { code: cam.code, lat: cam.lat, lon: cam.lon, commune_code: cam.commune_code, commune_name: cam.commune_name ?? null };
    this.message = null;
    this.highlight(cam);
    await this.loadSelected();
    this.render();
  }

  /** The chosen camera's and its commune's availability over 30 days. */
  drawCharts() {
    const s = this.selected;
    const cam = this.el.querySelector('#console-chart-camera');
    const commune = this.el.querySelector('#console-chart-commune');
    if (!s || !cam || !commune) return;
    drawUptimeChart(cam, 'camera', s.code, t('chart.camera', { code: s.code })).catch(() => cam.replaceChildren());
    if (s.commune_code) {
      drawUptimeChart(commune, 'commune', s.commune_code, t('chart.commune', { name: s.commune_name ?? s.commune_code })).catch(() =>
        commune.replaceChildren(),
      );
    }
  }

  async loadSelected() {
    const code = this.selected.code;
    const [alerts, windows] = await Promise.all([
      api(`/api/alerts?${query({ subject: `camera:${code}`, limit: 5 })}`).catch(() => []),
      api('/api/maintenance-windows?active=true').catch(() => []),
    ]);
    let alert = alerts.find((a) => a.state !== 'resolved') ?? null;
    // The station's alert stands for a camera that its station took down.
    const inc = this.page?.items.find((i) => i.subject === 'camera' && i.code === code);
    if (!alert && inc?.alert) alert = { id: inc.alert.id, kind: inc.alert.kind, state: inc.alert.state };
    // The whole alert (assignee, history) and the people it may go to.
    if (alert) {
      const full = await api(`/api/alerts/${alert.id}`).catch(() => null);
      if (full) alert = full;
      this.assignees = alert.subject ? await api(`/api/alerts/assignees?${query({ subject: alert.subject })}`).catch(() => []) : [];
    } else this.assignees = [];
    this.selectedAlert = alert;
    this.window = windows.find((w) => w.scope === 'camera' && w.scope_id === code) ?? null;
  }

  async onClick(ev) {
    const target = ev.target.closest('[data-action]');
    if (!target) return;
    const action = target.dataset.action;
    try {
      if (action === 'open') {
        const item = this.page.items.find((i) => i.subject === target.dataset.subject && i.code === target.dataset.code);
        if (!item) return;
        this.map.setView([item.lat, item.lon], Math.max(this.map.getZoom(), 17));
        if (item.subject === 'camera') {
          this.openCamera(item.code);
          await this.select(item);
        }
      } else if (action === 'nearest') {
        await this.locate();
      } else if (action === 'bytime') {
        this.here = null;
        this.render();
      } else if (action === 'check') {
        const s = await api(`/api/cameras/${encodeURIComponent(this.selected.code)}/check`, { method: 'POST' });
        this.message = t('console.checked', { status: t(`status.${s.status}`) });
        await this.refresh();
      } else if (action === 'ack') {
        const note = this.el.querySelector('#console-note').value.trim();
        const a = await api(`/api/alerts/${this.selectedAlert.id}/ack`, { method: 'POST', body: note ? { note } : {} });
        this.clearNote();
        this.message = t('console.acked', { id: a.id });
        await this.refresh();
      } else if (action === 'assign') {
        const login = this.el.querySelector('#console-assignee').value;
        const a = await api(`/api/alerts/${this.selectedAlert.id}/assign`, { method: 'POST', body: { assignee: login || null } });
        this.message = a.assignee ? t('console.assigned', { id: a.id, name: a.assignee_name ?? a.assignee }) : t('console.unassignedDone', { id: a.id });
        await this.refresh();
      } else if (action === 'resolve') {
        const note = this.el.querySelector('#console-note').value.trim();
        if (!note) {
          this.message = t('console.resolveNeedsNote');
          this.render();
          return;
        }
        const a = await api(`/api/alerts/${this.selectedAlert.id}/resolve`, { method: 'POST', body: { note } });
        this.clearNote();
        this.message = t('console.resolved', { id: a.id });
        await this.refresh();
      } else if (action === 'maintain') {
        const hours = Number(this.el.querySelector('#console-hours').value);
        const note = this.el.querySelector('#console-note').value.trim();
        const now = Date.now();
        await api('/api/maintenance-windows', {
          method: 'POST',
          body: {
            scope: 'camera',
            scope_id: this.selected.code,
            starts_at: new Date(now).toISOString(),
            ends_at: new Date(now + hours * 3600e3).toISOString(),
            ...(note ? { reason: note } : {}),
          },
        });
        this.clearNote();
        await this.refresh();
      } else if (action === 'end') {
        await api(`/api/maintenance-windows/${this.window.id}/end`, { method: 'POST' });
        await this.refresh();
      }
    } catch (err) {
      // The API's coded errors (an assignee out of scope, a note too long…) in the reader's language.
      this.message = t('console.actionFailed', { message: errorMessage(err) });
      this.render();
    }
  }

  locate() {
    return new Promise((resolve) => {
      if (!this.geolocation) {
        this.message = t('console.noGeo', { message: '—' });
        this.render();
        return resolve();
      }
      this.geolocation.getCurrentPosition(
        (pos) => {
          this.here = { lat: pos.coords.latitude, lon: pos.coords.longitude };
          this.render();
          resolve();
        },
        (err) => {
          this.message = t('console.noGeo', { message: err.message });
          this.render();
          resolve();
        },
        { enableHighAccuracy: true, timeout: 10000 },
      );
    });
  }

  render() {
    const el = this.el;
    const parts = [];
    parts.push(this.renderSelected());
    if (this.error) parts.push(`<p class="error">${esc(t('console.failed', { message: this.error.message }))}</p>`);
    else if (!this.page) parts.push(`<p class="muted">${esc(t('console.loading'))}</p>`);
    else parts.push(this.renderList());
    // The charts survive a re-render (each live event re-renders the list): drawn once per chosen camera.
    const charts = el.querySelector('.console-charts');
    // So does what the technician was typing or choosing for that camera.
    const shownFor = el.querySelector('.console-selected')?.getAttribute('data-code');
    const typed = shownFor && shownFor === this.selected?.code ? this.formValues() : null;
    el.innerHTML = parts.join('');
    if (typed) this.restoreFormValues(typed);
    const slot = el.querySelector('.console-charts');
    if (!slot) return;
    if (charts && charts.dataset.code === this.selected.code) slot.replaceWith(charts);
    else {
      slot.dataset.code = this.selected.code;
      this.drawCharts();
    }
  }

  /** A note that was sent is not kept for the next action. */
  clearNote() {
    const note = this.el.querySelector('#console-note');
    if (note) note.value = '';
  }

  /** The chosen camera's form: note, maintenance hours, assignee. */
  formValues() {
    const values = {};
    for (const id of ['console-note', 'console-hours', 'console-assignee']) {
      const input = this.el.querySelector(`#${id}`);
      if (input) values[id] = input.value;
    }
    return values;
  }

  restoreFormValues(values) {
    for (const [id, value] of Object.entries(values)) {
      const input = this.el.querySelector(`#${id}`);
      // A select keeps its new value only if it still offers it (an assignment just made selects the new assignee).
      if (input && (input.tagName !== 'SELECT' || [...input.options].some((o) => o.value === value))) input.value = value;
    }
  }

  renderSelected() {
    const s = this.selected;
    if (!s) return '';
    const a = this.selectedAlert;
    const alertLine = a ? esc(t('console.alert', { id: a.id, kind: t(`alertkind.${a.kind}`), state: t(`alertstate.${a.state}`) })) : esc(t('console.noAlert'));
    const hours = [1, 2, 4, 8, 24].map((n) => `<option value="${n}">${esc(t('console.hours', { n }))}</option>`).join('');
    const maintenance = this.window
      ? `<p>${esc(t('console.maintaining', { time: time(this.window.ends_at) }))}</p><button type="button" data-action="end">${esc(t('console.maintainEnd'))}</button>`
      : `<label>${esc(t('console.maintain'))} <select id="console-hours">${hours}</select></label><button type="button" data-action="maintain">${esc(t('console.maintainStart'))}</button>`;
    const working = a && a.state !== 'resolved';
    return `<div class="console-selected" data-code="${esc(s.code)}">
      <h3>${esc(t('console.selected', { code: s.code }))}</h3>
      <p class="console-alert"${a ? ` data-alert="${esc(a.id)}" data-state="${esc(a.state)}"` : ''}>${alertLine}</p>
      ${a?.assignee ? `<p class="console-assignee" data-login="${esc(a.assignee)}">${esc(t('console.assignedTo', { name: a.assignee_name ?? a.assignee }))}</p>` : ''}
      <label>${esc(t('console.note'))} <input type="text" id="console-note" maxlength="2000"></label>
      <div class="console-actions">
        <button type="button" data-action="check">${esc(t('console.check'))}</button>
        ${a && a.state === 'open' ? `<button type="button" data-action="ack">${esc(t('console.ack'))}</button>` : ''}
        ${working ? `<button type="button" data-action="resolve">${esc(t('console.resolve'))}</button>` : ''}
      </div>
      ${working ? this.renderAssign(a) : ''}
      <div class="console-actions">${maintenance}</div>
      ${this.message ? `<p class="console-message">${esc(this.message)}</p>` : ''}
      ${a?.history?.length ? this.renderHistory(a.history) : ''}
      <div class="console-charts"><div id="console-chart-camera" class="chart"></div><div id="console-chart-commune" class="chart"></div></div>
    </div>`;
  }

  /** Who the alert goes to: the people whose scope holds it, by name (their login is what is sent). */
  renderAssign(a) {
    const people = [...this.assignees];
    // An assignee from before accounts, or one no longer offered, stays selectable as it is.
    if (a.assignee && !people.some((p) => p.login === a.assignee)) people.push({ login: a.assignee, name: a.assignee_name ?? a.assignee });
    const options = [`<option value="">${esc(t('console.unassigned'))}</option>`]
      .concat(people.map((p) => `<option value="${esc(p.login)}"${p.login === a.assignee ? ' selected' : ''}>${esc(p.name)} (${esc(p.login)})</option>`))
      .join('');
    return `<div class="console-actions"><label>${esc(t('console.assignee'))} <select id="console-assignee">${options}</select></label>
      <button type="button" data-action="assign">${esc(t('console.assign'))}</button></div>`;
  }

  /** The alert's last steps, newest first. */
  renderHistory(history) {
    const step = (h) => {
      const what =
        h.action === 'assigned'
          ? h.assignee
            ? t('alertaction.assigned', { assignee: h.assignee })
            : t('alertaction.unassigned')
          : t(`alertaction.${h.action}`);
      return `<li>${esc(time(h.at))} · ${esc(what)}${h.by ? ` · ${esc(h.by)}` : ''}${h.note ? `: ${esc(h.note)}` : ''}</li>`;
    };
    return `<details class="console-history"><summary>${esc(t('console.history'))}</summary><ul>${[...history].reverse().slice(0, 8).map(step).join('')}</ul></details>`;
  }

  renderList() {
    const p = this.page;
    if (p.total === 0) return `<p class="muted">${esc(t('console.none'))}</p>`;
    const header = `<p>${esc(t('console.count', { n: fmt(p.total), cameras: fmt(p.counts.cameras), stations: fmt(p.counts.stations) }))}</p>
      <div class="console-sort">${
        this.here
          ? `<button type="button" data-action="bytime">${esc(t('console.byTime'))}</button>`
          : `<button type="button" data-action="nearest">${esc(t('console.nearest'))}</button>`
      }</div>`;
    const row = (i) => {
      const dist = this.here ? ` · ${esc(t('console.distance', { km: fmt(km(this.here, i), 1) }))}` : '';
      return `<li class="console-item ${esc(i.subject)}" data-action="open" data-subject="${esc(i.subject)}" data-code="${esc(i.code)}">
        <span class="chip" style="background:${STATUS_COLORS[i.status] ?? '#999'}"></span><b>${esc(i.code)}</b>
        <span class="console-reason" data-reason="${esc(i.reason.code)}">${esc(reasonText(i.reason))}</span>
        <span class="muted">${esc(t('console.since', { time: time(i.since) }))} · ${esc(i.commune_name ?? i.commune_code)}${dist}</span>
      </li>`;
    };
    if (this.here) {
      const sorted = [...p.items].sort((a, b) => km(this.here, a) - km(this.here, b));
      return header + `<ul class="console-list">${sorted.map(row).join('')}</ul>`;
    }
    const groups = p.groups
      .map((g) => {
        const title = g.station_code ? t('console.station', { code: g.station_code }) : t('console.noStation');
        const items = [...(g.station ? [g.station] : []), ...g.cameras];
        return `<li class="console-group"><h4>${esc(title)}</h4><ul>${items.map(row).join('')}</ul></li>`;
      })
      .join('');
    return header + `<ul class="console-list">${groups}</ul>`;
  }
}
