// Calls to camnet's HTTP API with the bearer token kept in localStorage.

const TOKEN_KEY = 'camnet.token';

/** A failed call: the HTTP status, the service's English message, and its stable code and params (see errors.js). */
export class ApiError extends Error {
  constructor(status, message, { code = null, params = {}, errors = null } = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.params = params;
    this.errors = errors;
  }
}

export const getToken = () => localStorage.getItem(TOKEN_KEY);
export const setToken = (token) => localStorage.setItem(TOKEN_KEY, token);
export const clearToken = () => localStorage.removeItem(TOKEN_KEY);

let onUnauthorized = () => {};
/** Called when the service says the token is no longer good (401). */
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

export async function api(path, { method = 'GET', body, token = getToken() } = {}) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) {
    let message = res.statusText;
    let coded = {};
    try {
      const payload = await res.json();
      message = Array.isArray(payload.message) ? payload.message.join('; ') : (payload.message ?? message);
      coded = { code: payload.code ?? null, params: payload.params ?? {}, errors: payload.errors ?? null };
    } catch {
      // not JSON: keep the status text
    }
    if (res.status === 401 && token === getToken()) onUnauthorized();
    throw new ApiError(res.status, message, coded);
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
