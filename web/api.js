// Calls to camnet's HTTP API with the bearer token kept in localStorage.

const TOKEN_KEY = 'camnet.token';

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
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
    try {
      const payload = await res.json();
      message = Array.isArray(payload.message) ? payload.message.join('; ') : (payload.message ?? message);
    } catch {
      // not JSON: keep the status text
    }
    if (res.status === 401 && token === getToken()) onUnauthorized();
    throw new ApiError(res.status, message);
  }
  return res.status === 204 ? null : res.json();
}

/** Every page of a cursor-paginated list ({items, next_cursor}). */
export async function fetchAll(path, params = {}) {
  const items = [];
  let cursor = '';
  for (;;) {
    const q = new URLSearchParams({ ...params, ...(cursor ? { cursor } : {}) });
    const page = await api(`${path}?${q}`);
    items.push(...page.items);
    if (!page.next_cursor) return items;
    cursor = page.next_cursor;
  }
}

/**
 * Every camera the filters select, in the compact map view: the service answers
 * {columns, rows, next_cursor} and this turns each row back into an object keyed
 * by column. A server that answers the full view ({items}) works too.
 */
export async function fetchMapCameras(params = {}) {
  const cameras = [];
  let cursor = '';
  for (;;) {
    const q = new URLSearchParams({ view: 'map', limit: '25000', ...params, ...(cursor ? { cursor } : {}) });
    const page = await api(`/api/cameras?${q}`);
    if (page.rows) {
      const cols = page.columns;
      for (const row of page.rows) {
        const cam = {};
        for (let i = 0; i < cols.length; i++) cam[cols[i]] = row[i];
        cameras.push(cam);
      }
    } else {
      cameras.push(...page.items);
    }
    if (!page.next_cursor) return cameras;
    cursor = page.next_cursor;
  }
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  return q.toString();
}
