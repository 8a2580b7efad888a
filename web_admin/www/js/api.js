// The REST API as the console uses it: same origin, the session cookie, JSON both ways.
// Mutating requests rely on the cookie's SameSite=Strict against cross-site forgery; they also
// send X-Requested-With, which no cross-site HTML form can set.

export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || `HTTP ${status}`);
    this.status = status;
    this.code = error.code || 'http_' + status;
    this.field = error.field || '';
  }
}

let onUnauthenticated = () => {};
export function setUnauthenticatedHandler(handler) {
  onUnauthenticated = handler;
}

// For requests made outside api() (the live stream) that learn the session is gone.
export function notifyUnauthenticated() {
  onUnauthenticated(new ApiError(401, null));
}

export async function api(method, path, body, headers = {}) {
  const init = {
    method,
    credentials: 'same-origin',
    headers: { Accept: 'application/json', 'X-Requested-With': 'vergegrid-web', ...headers },
  };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch('/api/v1' + path, init);
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { error: { code: 'bad_response', message: text.slice(0, 200) } };
    }
  }
  if (!response.ok) {
    const error = new ApiError(response.status, data);
    if (response.status === 401 && !path.startsWith('/auth/login')) onUnauthenticated(error);
    throw error;
  }
  return data;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body === undefined ? {} : body);
export const patch = (path, body, headers) => api('PATCH', path, body, headers);
export const put = (path, body) => api('PUT', path, body);
export const del = (path, headers) => api('DELETE', path, undefined, headers);

// Every page of a list (bounded: the console shows at most `max` items).
export async function listAll(path, max = 2000) {
  const items = [];
  let after = null;
  const sep = path.includes('?') ? '&' : '?';
  do {
    const page = await get(path + sep + 'limit=500' + (after ? '&after=' + encodeURIComponent(after) : ''));
    items.push(...(page.items || []));
    after = page.next || null;
  } while (after && items.length < max);
  return items;
}

export function query(params) {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => encodeURIComponent(k) + '=' + encodeURIComponent(v));
  return parts.length ? '?' + parts.join('&') : '';
}
