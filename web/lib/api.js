// The JSON API of `growthlens serve` (docs/API.md): GET and POST with readable errors.
// Every analysis route returns what the matching CLI command prints with --format json.

export const API_BASE = '/api/v1/';

/** An error from the API ({"error", "parameter"} body) or from the network. */
export class ApiError extends Error {
  constructor(message, { status = 0, parameter = null, route = '', body = null } = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.parameter = parameter;
    this.route = route;
    /** The whole JSON body of the error (e.g. the columns of an upload to map). */
    this.body = body;
  }
  /** A short heading for the kind of failure. */
  get title() {
    if (this.status === 0) return 'The GrowthLens server cannot be reached';
    if (this.status === 409) return 'This needs other data';
    if (this.status === 403) return 'Not allowed';
    if (this.status === 413) return 'The file is too large';
    if (this.status === 404) return 'Not found';
    if (this.status === 501) return 'Not available here yet';
    if (this.status === 503) return 'Busy, or its data store is not answering: try again in a moment';
    if (this.status >= 500) return 'The server failed';
    return this.parameter ? `Check “${this.parameter}”` : 'The request was refused';
  }
}

/** Query string from an object: null, undefined, '' and empty arrays are left out; arrays are comma-joined. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params || {})) {
    if (value === null || value === undefined || value === '') continue;
    if (Array.isArray(value)) {
      if (value.length) q.set(key, value.join(','));
    } else if (value === true) {
      q.set(key, 'true');
    } else if (value !== false) {
      q.set(key, String(value));
    }
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

export function url(route, params) {
  return API_BASE + route + query(params);
}

async function readError(response, route) {
  let message = `${response.status} ${response.statusText}`.trim();
  let parameter = null;
  let body = null;
  const text = await response.text().catch(() => '');
  try {
    body = JSON.parse(text);
    if (body && typeof body.error === 'string') message = body.error;
    if (body && body.parameter) parameter = body.parameter;
  } catch {
    if (text && text.length < 400) message = text.trim();
  }
  return new ApiError(message, { status: response.status, parameter, route, body });
}

async function request(route, { method = 'GET', params, body, contentType, signal } = {}) {
  let response;
  try {
    response = await fetch(url(route, params), {
      method,
      body,
      signal,
      headers: { Accept: 'application/json', ...(contentType ? { 'Content-Type': contentType } : {}) },
    });
  } catch (err) {
    if (err && err.name === 'AbortError') throw err;
    throw new ApiError('No answer from the server. Is GrowthLens still running?', { status: 0, route });
  }
  // The session ended (its key was revoked): the page reloads into the login page.
  if (response.status === 401) window.location.reload();
  if (!response.ok) throw await readError(response, route);
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(`The server sent something that is not JSON for ${route}.`, { status: response.status, route });
  }
}

// GET results are kept per URL until data changes (the server caches too; this saves round trips
// when moving between pages). In-flight requests are shared.
const cache = new Map();
const CACHE_LIMIT = 120;

export function clearCache() {
  cache.clear();
}

export function get(route, params, { signal, fresh = false } = {}) {
  const key = url(route, params);
  if (!fresh && cache.has(key)) {
    const hit = cache.get(key);
    cache.delete(key);
    cache.set(key, hit);
    return withSignal(hit, signal);
  }
  const promise = request(route, { params });
  cache.set(key, promise);
  promise.catch(() => cache.delete(key));
  while (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value);
  return withSignal(promise, signal);
}

/** A shared promise that one caller may stop waiting for without cancelling it for the others. */
function withSignal(promise, signal) {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortError());
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => { signal.removeEventListener('abort', onAbort); resolve(v); },
      (e) => { signal.removeEventListener('abort', onAbort); reject(e); },
    );
  });
}

function abortError() {
  return new DOMException('The page changed', 'AbortError');
}

export function post(route, { params, body, contentType, signal } = {}) {
  return request(route, { method: 'POST', params, body, contentType, signal });
}

export function isAbort(err) {
  return err && err.name === 'AbortError';
}

/** Where a download is fetched from. */
export function downloadUrl(name) {
  return API_BASE + 'downloads/' + encodeURIComponent(name);
}

/**
 * GET /api/v1/live with the ETag of the answer held: {etag, body} when it changed, {etag} when
 * the server answered 304 (nothing new).
 */
export async function getLive(etag) {
  let response;
  try {
    response = await fetch(url('live'), { headers: { Accept: 'application/json', ...(etag ? { 'If-None-Match': etag } : {}) }, cache: 'no-store' });
  } catch {
    throw new ApiError('No answer from the server. Is GrowthLens still running?', { status: 0, route: 'live' });
  }
  if (response.status === 304) return { etag };
  if (!response.ok) throw await readError(response, 'live');
  return { etag: response.headers.get('ETag'), body: await response.json() };
}

// Changes the server announces (GET /api/v1/live/stream, Server-Sent Events): `generation` moves
// with every live event seen, `data_generation` when the data the pages analyse was reloaded.
const liveListeners = new Set();
let liveSource = null;
let lastChange = null;

function openLiveStream() {
  if (liveSource || typeof EventSource === 'undefined') return;
  liveSource = new EventSource(`${API_BASE}live/stream`);
  liveSource.addEventListener('changed', (e) => {
    let change;
    try {
      change = JSON.parse(e.data);
    } catch {
      return;
    }
    const before = lastChange;
    lastChange = change;
    // Each new connection repeats the current generations: nothing to tell then.
    if (before && before.generation === change.generation && before.data_generation === change.data_generation) return;
    for (const fn of liveListeners) fn(change, before);
  });
  liveSource.addEventListener('error', () => {
    // The browser reconnects by itself, except after an error answer (too many streams, no
    // workspace): then try again a little later while anyone listens.
    if (liveSource && liveSource.readyState === EventSource.CLOSED) {
      liveSource = null;
      setTimeout(() => { if (liveListeners.size) openLiveStream(); }, 5000);
    }
  });
}

/** Calls fn(change, before) whenever the server says something changed; returns the unsubscribe. */
export function onLiveChange(fn) {
  liveListeners.add(fn);
  openLiveStream();
  return () => liveListeners.delete(fn);
}
