// Picture health in the camera panel: the reference view and the current view side by
// side, with the view state and the reason. Station cameras only, for technicians and
// admins (the API answers 403 to other roles, and this section then stays empty).
// After fixing or re-aiming a camera, a technician makes its current view the new
// reference from here (POST …/view/reference, audited), which also clears its picture fault.
import { api } from './api.js';
import { errorMessage } from './errors.js';
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
    'view.setReference': 'Lấy ảnh hiện tại làm ảnh tham chiếu',
    'view.setReferenceConfirm': 'Lấy ảnh hiện tại của camera {code} làm ảnh tham chiếu mới? Hãy chắc rằng camera đã được sửa hoặc chỉnh hướng đúng.',
    'view.setReferenceFailed': 'Không đặt được ảnh tham chiếu: {message}',
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
    'view.setReference': 'Make the current view the reference',
    'view.setReferenceConfirm': 'Make the current view of camera {code} its new reference? Only once the camera is fixed or aimed right again.',
    'view.setReferenceFailed': 'The reference was not set: {message}',
  },
});

const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** A thumbnail through the API (fetched with the session cookie; a 403/404 leaves the slot empty). */
async function thumbnail(path) {
  // Never from the browser's cache: after a reset the reference at this URL is another picture.
  const res = await fetch(path, { credentials: 'same-origin', cache: 'no-store' });
  if (!res.ok) return null;
  return URL.createObjectURL(await res.blob());
}

let shown = { code: null, urls: [] };

/** Fills `el` with the picture-health section of camera `cam` (a station camera), or leaves it empty. */
export async function showViewPanel(el, cam, note = '') {
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
  const img = (url, label, id) =>
    `<figure>${url ? `<img id="${id}" src="${url}" alt="${esc(label)}">` : `<div class="muted" id="${id}">${esc(t('view.none'))}</div>`}<figcaption>${esc(label)}</figcaption></figure>`;
  el.innerHTML = `
    <h3>${esc(t('view.title'))}</h3>
    <div class="view-pair">${img(ref, t('view.reference'), 'd-view-reference')}${img(cur, t('view.current'), 'd-view-current')}</div>
    <p><b>${esc(t('view.state'))}:</b> <span id="d-view-state" data-state="${esc(view.state)}">${esc(t(`view.state.${view.state}`))}</span>
      ${detail.length ? `(${esc(detail.join(', '))})` : ''}${view.reason ? ` · <code id="d-view-reason">${esc(view.reason)}</code>` : ''}</p>
    <p class="muted">${esc(t('view.checked'))}: ${esc(view.checked_at ? new Date(view.checked_at).toLocaleString() : '—')}</p>
    <p><button type="button" id="d-view-set-reference">${esc(t('view.setReference'))}</button></p>
    ${note ? `<p class="error" id="d-view-note">${esc(note)}</p>` : ''}`;
  const button = el.querySelector('#d-view-set-reference');
  button?.addEventListener('click', async () => {
    if (!confirm(t('view.setReferenceConfirm', { code: cam.code }))) return;
    button.disabled = true;
    let failure = '';
    try {
      await api(`/api/cameras/${code}/view/reference`, { method: 'POST' });
    } catch (err) {
      failure = t('view.setReferenceFailed', { message: errorMessage(err) });
    }
    await showViewPanel(el, cam, failure);
  });
}
