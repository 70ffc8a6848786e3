// Picture health in the camera panel: the reference view and the current view side by
// side, with the view state and the reason. Station cameras only, for technicians and
// admins (the API answers 403 to other roles, and this section then stays empty).
import { api } from './api.js';
import { addStrings, t } from './i18n.js';

addStrings({
  vi: {
    'view.title': 'Hình ảnh',
    'view.reference': 'Ảnh tham chiếu',
    'view.current': 'Ảnh hiện tại',
    'view.state': 'Tình trạng hình ảnh',
    'view.checked': 'Kiểm tra lúc',
    'view.state.ok': 'tốt',
    'view.state.dark': 'quá tối',
    'view.state.blocked': 'bị che',
    'view.state.blurred': 'bị mờ',
    'view.state.frozen': 'bị đứng hình',
    'view.state.moved': 'bị lệch hướng',
    'view.state.no_snapshot': 'không hỗ trợ chụp ảnh',
    'view.state.no_reference': 'chưa có ảnh tham chiếu',
    'view.state.error': 'lỗi lấy ảnh',
    'view.blockedShare': 'che {share}%',
    'view.shift': 'lệch {deg}°',
    'view.none': 'chưa có',
  },
  en: {
    'view.title': 'Picture',
    'view.reference': 'Reference view',
    'view.current': 'Current view',
    'view.state': 'Picture health',
    'view.checked': 'Checked at',
    'view.state.ok': 'good',
    'view.state.dark': 'dark',
    'view.state.blocked': 'blocked',
    'view.state.blurred': 'blurred',
    'view.state.frozen': 'frozen',
    'view.state.moved': 'moved',
    'view.state.no_snapshot': 'no snapshot support',
    'view.state.no_reference': 'no reference yet',
    'view.state.error': 'snapshot failed',
    'view.blockedShare': '{share}% covered',
    'view.shift': 'shifted {deg}°',
    'view.none': 'none yet',
  },
});

const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** A thumbnail through the API (fetched with the session cookie; a 403/404 leaves the slot empty). */
async function thumbnail(path) {
  const res = await fetch(path, { credentials: 'same-origin' });
  if (!res.ok) return null;
  return URL.createObjectURL(await res.blob());
}

let shown = { code: null, urls: [] };

/** Fills `el` with the picture-health section of camera `cam` (a station camera), or leaves it empty. */
export async function showViewPanel(el, cam) {
  if (!el) return;
  if (cam.ownership !== 'station') {
    el.innerHTML = '';
    return;
  }
  const code = encodeURIComponent(cam.code);
  let view;
  try {
    view = await api(`/api/cameras/${code}/view`);
  } catch {
    el.innerHTML = '';
    return;
  }
  const [ref, cur] = await Promise.all([thumbnail(`/api/cameras/${code}/view/reference.jpg`), thumbnail(`/api/cameras/${code}/view/current.jpg`)]);
  for (const u of shown.urls) URL.revokeObjectURL(u);
  shown = { code: cam.code, urls: [ref, cur].filter(Boolean) };
  if (!el.isConnected) return;
  const m = view.metrics ?? {};
  const detail = [
    m.blocked_share != null && view.state === 'blocked' ? t('view.blockedShare', { share: Math.round(m.blocked_share * 100) }) : null,
    m.shift_deg != null && view.state === 'moved' ? t('view.shift', { deg: m.shift_deg }) : null,
  ].filter(Boolean);
  const img = (url, label) =>
    `<figure>${url ? `<img src="${url}" alt="${esc(label)}" width="160">` : `<div class="muted">${esc(t('view.none'))}</div>`}<figcaption>${esc(label)}</figcaption></figure>`;
  el.innerHTML = `
    <h3>${esc(t('view.title'))}</h3>
    <div class="view-pair" style="display:flex;gap:6px">${img(ref, t('view.reference'))}${img(cur, t('view.current'))}</div>
    <p><b>${esc(t('view.state'))}:</b> <span id="d-view-state" data-state="${esc(view.state)}">${esc(t(`view.state.${view.state}`))}</span>
      ${detail.length ? `(${esc(detail.join(', '))})` : ''}${view.reason ? ` · <code>${esc(view.reason)}</code>` : ''}</p>
    <p class="muted">${esc(t('view.checked'))}: ${esc(view.checked_at ? new Date(view.checked_at).toLocaleString() : '—')}</p>`;
}
