// Calls to camnet's HTTP API. The session lives in an httpOnly cookie the page's
// scripts cannot read; writes echo the readable camnet_csrf cookie in a header,
// which another site cannot do (double submit).

export class ApiError extends Error {
  constructor(status, message, body = null) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

const CSRF_COOKIE = 'camnet_csrf';

function csrfToken() {
  const hit = document.cookie.split('; ').find((c) => c.startsWith(`${CSRF_COOKIE}=`));
  return hit ? decodeURIComponent(hit.slice(CSRF_COOKIE.length + 1)) : null;
}

let onUnauthorized = () => {};
/** Called when the service says the session is over (401): logged out elsewhere, timed out, disabled. */
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

export async function api(path, { method = 'GET', body, quiet401 = false } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') {
    const csrf = csrfToken();
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }
  const res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) {
    let message = res.statusText;
    let payload = null;
    try {
      payload = await res.json();
      message = Array.isArray(payload.message) ? payload.message.join('; ') : (payload.message ?? message);
    } catch {
      // not JSON: keep the status text
    }
    if (res.status === 401 && !quiet401) onUnauthorized();
    throw new ApiError(res.status, message, payload);
  }
  return res.status === 204 ? null : res.json();
}

/**
 * Every page of a cursor-paginated list; `itemsOf` takes a page's items
 * (default: the {items, next_cursor} shape).
 */
export async function fetchAll(path, params = {}, itemsOf = (page) => page.items) {
  const items = [];
  let cursor = '';
  for (;;) {
    const q = new URLSearchParams({ ...params, ...(cursor ? { cursor } : {}) });
    const page = await api(`${path}?${q}`);
    items.push(...itemsOf(page));
    if (!page.next_cursor) return items;
    cursor = page.next_cursor;
  }
}

/**
 * Every camera the filters select, in the compact map view: the service answers
 * {columns, rows, next_cursor} and each row becomes an object keyed by column.
 */
export function fetchMapCameras(params = {}) {
  return fetchAll('/api/cameras', { view: 'map', limit: '25000', ...params }, (page) =>
    page.rows.map((row) => {
      const cam = {};
      for (let i = 0; i < page.columns.length; i++) cam[page.columns[i]] = row[i];
      return cam;
    }),
  );
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  return q.toString();
}
