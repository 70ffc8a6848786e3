// @ts-check
// Calls to camnet's HTTP API. The session lives in an httpOnly cookie the page's
// scripts cannot read; writes echo the readable camnet_csrf cookie in a header,
// which another site cannot do (double submit).

/** A failed call: the HTTP status, the service's English message, and its stable code and params (see errors.js). */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   * @param {any} [body] the error's JSON body, when it had one: {message, code, params, errors}
   */
  constructor(status, message, body = null) {
    super(message);
    this.status = status;
    this.body = body;
    /** @type {string | null} */
    this.code = body?.code ?? null;
    /** @type {Record<string, unknown>} */
    this.params = body?.params ?? {};
    /** @type {{ field: string, reason: string, code?: string, params?: Record<string, unknown> }[] | null} */
    this.errors = body?.errors ?? null;
  }
}

const CSRF_COOKIE = 'camnet_csrf';

function csrfToken() {
  const hit = document.cookie.split('; ').find((c) => c.startsWith(`${CSRF_COOKIE}=`));
  return hit ? decodeURIComponent(hit.slice(CSRF_COOKIE.length + 1)) : null;
}

/** @type {() => void} */
let onUnauthorized = () => {};
/**
 * Called when the service says the session is over (401): logged out elsewhere, timed out, disabled.
 * @param {() => void} fn
 */
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

/**
 * Writes echo the CSRF cookie; reads need nothing but the session cookie.
 * @param {string} method
 * @returns {Record<string, string>}
 */
function csrfHeaders(method) {
  const csrf = method !== 'GET' && method !== 'HEAD' ? csrfToken() : null;
  return csrf ? { 'X-CSRF-Token': csrf } : {};
}

/**
 * The service's error answer as an ApiError.
 * @param {Response} res
 */
async function apiError(res) {
  let message = res.statusText;
  let payload = null;
  try {
    payload = await res.json();
    message = Array.isArray(payload.message) ? payload.message.join('; ') : (payload.message ?? message);
  } catch {
    // not JSON: keep the status text
  }
  return new ApiError(res.status, message, payload);
}

/**
 * The answer boot.js asked for at the page's start, when it asked for this path
 * and the answer is usable: not a 401 from before the user signed in, not a
 * network failure (both are asked again). Null otherwise.
 * @param {string} path
 * @returns {Promise<Response | null>}
 */
async function earlyAnswer(path) {
  /** @type {Promise<Response> | null | undefined} */
  const early = /** @type {any} */ (window).camnetEarly?.take(path);
  if (!early) return null;
  try {
    const res = await early;
    return res.status === 401 ? null : res;
  } catch {
    return null;
  }
}

/**
 * One call; resolves to the parsed JSON answer (null for 204), rejects with ApiError.
 * @param {string} path
 * @param {{ method?: string, body?: unknown, quiet401?: boolean }} [options]
 * @returns {Promise<any>} the answer's JSON, whose shape the caller knows
 */
export async function api(path, { method = 'GET', body, quiet401 = false } = {}) {
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json', ...csrfHeaders(method) };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res =
    (method === 'GET' ? await earlyAnswer(path) : null) ??
    (await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) }));
  if (!res.ok) {
    if (res.status === 401 && !quiet401) onUnauthorized();
    throw await apiError(res);
  }
  return res.status === 204 ? null : res.json();
}

/**
 * A write whose answer the caller reads itself (a file, say): the session and the
 * CSRF header as api() sends them; rejects with ApiError.
 * @param {string} path
 * @param {unknown} body sent as JSON
 * @returns {Promise<Response>}
 */
export async function postForResponse(path, body) {
  const headers = { 'Content-Type': 'application/json', ...csrfHeaders('POST') };
  const res = await fetch(path, { method: 'POST', headers, credentials: 'same-origin', body: JSON.stringify(body) });
  if (!res.ok) {
    if (res.status === 401) onUnauthorized();
    throw await apiError(res);
  }
  return res;
}

/**
 * Fetches a file from the API with the session and hands it to the browser as a
 * download (the case file's CSV, exports).
 * @param {string} path
 * @param {string} filename
 */
export async function download(path, filename) {
  const res = await fetch(path, { credentials: 'same-origin' });
  if (!res.ok) {
    if (res.status === 401) onUnauthorized();
    throw await apiError(res);
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
 */
export function fetchMapCameras(params = {}) {
  return fetchAll('/api/cameras', { view: 'map', limit: '25000', ...params }, (page) =>
    page.rows.map((/** @type {unknown[]} */ row) => {
      /** @type {Record<string, unknown>} */
      const cam = {};
      for (let i = 0; i < page.columns.length; i++) cam[page.columns[i]] = row[i];
      return cam;
    }),
  );
}

/**
 * A query string from the defined, non-empty parameters.
 * @param {Record<string, unknown>} params
 */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  return q.toString();
}
