// @ts-check
// Calls to camnet's HTTP API with the bearer token kept in localStorage.

const TOKEN_KEY = 'camnet.token';

/** An answer other than 2xx: the HTTP status and the service's message. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   */
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export const getToken = () => localStorage.getItem(TOKEN_KEY);
export const setToken = (/** @type {string} */ token) => localStorage.setItem(TOKEN_KEY, token);
export const clearToken = () => localStorage.removeItem(TOKEN_KEY);

/** @type {() => void} */
let onUnauthorized = () => {};
/**
 * Called when the service says the token is no longer good (401).
 * @param {() => void} fn
 */
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

/**
 * One call; resolves to the parsed JSON answer (null for 204), rejects with ApiError.
 * @param {string} path
 * @param {{ method?: string, body?: unknown, token?: string | null }} [options]
 * @returns {Promise<any>} the answer's JSON, whose shape the caller knows
 */
export async function api(path, { method = 'GET', body, token = getToken() } = {}) {
  /** @type {Record<string, string>} */
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

/**
 * Fetches a file from the API with the same credentials as api() and hands it to
 * the browser as a download (the case file's CSV, exports).
 * @param {string} path
 * @param {string} filename
 * @param {{ token?: string | null }} [options]
 */
export async function download(path, filename, { token = getToken() } = {}) {
  /** @type {Record<string, string>} */
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(path, { headers });
  if (!res.ok) {
    let message = res.statusText;
    try {
      message = (await res.json()).message ?? message;
    } catch {
      // not JSON: keep the status text
    }
    throw new ApiError(res.status, message);
  }
  const url = URL.createObjectURL(await res.blob());
  const a = Object.assign(document.createElement('a'), { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Every page of a cursor-paginated list; `itemsOf` takes a page's items
 * (default: the {items, next_cursor} shape).
 * @param {string} path
 * @param {Record<string, string>} [params]
 * @param {(page: any) => any[]} [itemsOf]
 * @returns {Promise<any[]>}
 */
export async function fetchAll(path, params = {}, itemsOf = (page) => page.items) {
  /** @type {any[]} */
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
 * @param {Record<string, string>} [params]
 * @returns {Promise<Record<string, any>[]>}
 */
export function fetchMapCameras(params = {}) {
  return fetchAll('/api/cameras', { view: 'map', limit: '25000', ...params }, (/** @type {{ columns: string[], rows: unknown[][] }} */ page) =>
    page.rows.map((row) => {
      /** @type {Record<string, unknown>} */
      const cam = {};
      for (let i = 0; i < page.columns.length; i++) cam[page.columns[i]] = row[i];
      return cam;
    }),
  );
}

/**
 * A query string of the parameters that are set (undefined, null and '' are left out).
 * @param {Record<string, unknown>} params
 */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  return q.toString();
}
