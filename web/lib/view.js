// The view a page shows, kept in the URL: "#/revenue?from=2011-01-01&to=2011-06-30&data=transactions".
// The date range (from, to), the data set (data) and the filters are shared by every page:
// moving between pages keeps them, a reload or a shared link shows the same view, and each change
// is a history entry, so back and forward step through the views.

/** Parameters every page shares; the navigation carries them from page to page. */
export const SHARED = ['from', 'to', 'data', 'compare', 'features', 'segment'];

export function parseHash(hash = location.hash) {
  const raw = hash.replace(/^#\/?/, '');
  const i = raw.indexOf('?');
  const path = i < 0 ? raw : raw.slice(0, i);
  return { id: path.replace(/\/$/, ''), params: new URLSearchParams(i < 0 ? '' : raw.slice(i + 1)) };
}

export function hashOf(id, params) {
  const q = params.toString();
  return `#/${id}${q ? `?${q}` : ''}`;
}

/** The hash of page `id` with the shared parameters of the current view. */
export function linkTo(id, extra = {}) {
  const { params } = parseHash();
  const out = new URLSearchParams();
  for (const key of SHARED) if (params.has(key)) out.set(key, params.get(key));
  for (const [k, v] of Object.entries(extra)) setOne(out, k, v);
  return hashOf(id, out);
}

function setOne(params, key, value) {
  if (value === null || value === undefined || value === '' || value === false || (Array.isArray(value) && value.length === 0 && key !== 'features')) params.delete(key);
  else params.set(key, Array.isArray(value) ? value.join(',') : String(value === true ? 1 : value));
}

/**
 * Changes parameters of the current view: a new history entry (the page redraws from the URL),
 * or with replace the same entry (no redraw).
 */
export function update(patch, { replace = false } = {}) {
  const { id, params } = parseHash();
  for (const [k, v] of Object.entries(patch)) setOne(params, k, v);
  const next = hashOf(id, params);
  if (next === location.hash || (next === '#/' && !location.hash)) return;
  if (replace) history.replaceState(history.state, '', next);
  else location.hash = next;
}

/** A list parameter: null when absent (all), [] for "none" (an empty value). */
export function list(params, key) {
  if (!params.has(key)) return null;
  const v = params.get(key);
  return v === '' ? [] : v.split(',');
}

/** A date parameter if it is a YYYY-MM-DD day, else ''. */
export function day(params, key) {
  const v = params.get(key) || '';
  return /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : '';
}

/** "YYYY-MM-DD" plus `n` days. */
export function addDays(iso, n) {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function daysBetween(a, b) {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86400000);
}
