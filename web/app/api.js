// api.js — the JSON API (/api/v1): one fetch wrapper. A 4xx/5xx becomes an ApiError carrying the
// server's {"error": {"code", "message", "field"}}, which pages show as it is. The session is
// the server's HttpOnly cookie (SameSite=Strict): the app never sees a token.

export class ApiError extends Error {
  constructor(status, err) {
    super(err.message || `HTTP ${status}`);
    this.status = status;
    this.code = err.code || '';
    this.field = err.field || '';
  }
}

export async function api(path, { method = 'GET', body, form, text = false } = {}) {
  const opt = { method, headers: {}, credentials: 'same-origin' };
  if (body !== undefined) {
    opt.headers['Content-Type'] = 'application/json';
    opt.body = JSON.stringify(body);
  } else if (form) {
    opt.body = form;
  }
  const r = await fetch(`/api/v1${path}`, opt);
  const type = r.headers.get('Content-Type') || '';
  if (!r.ok) {
    const data = type.includes('json') ? await r.json().catch(() => ({})) : {};
    throw new ApiError(r.status, data.error || { message: `HTTP ${r.status}` });
  }
  if (text) return r.text();
  return type.includes('json') ? r.json() : r.text();
}

// The raw bytes of a response (a log entry must be hashed exactly as stored).
export async function apiBytes(path) {
  const r = await fetch(`/api/v1${path}`, { credentials: 'same-origin' });
  if (!r.ok) throw new ApiError(r.status, { message: `HTTP ${r.status}` });
  return new Uint8Array(await r.arrayBuffer());
}

// Every page of a paged list (?limit, ?cursor=next_cursor), up to max items.
export async function apiAll(path, key, max = 5000) {
  const out = [];
  let cursor = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await api(`${path}${sep}limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
    out.push(...page[key]);
    cursor = page.next_cursor;
  } while (cursor && out.length < max);
  return out;
}
