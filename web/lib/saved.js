// Items saved in the server's workspace (docs/API.md, "Saved items"): dashboard views (a page and
// its filters, kept as the address's #/... part) and experiment analyses.
import * as api from './api.js';

export function list(kind, signal) {
  return api.get(`saved/${kind}`, null, { fresh: true, signal });
}

export function open(kind, name, signal) {
  return api.get(`saved/${kind}/item`, { name }, { fresh: true, signal });
}

export function save(kind, name, item) {
  return api.post(`saved/${kind}`, { params: { name }, body: JSON.stringify(item), contentType: 'application/json' });
}

/** A view's address inside the dashboard (#/page?filters), nothing else. */
export function isViewHash(hash) {
  return typeof hash === 'string' && /^#\/[\w\-/?=&%.,:+~]*$/.test(hash) && hash.length <= 2000;
}
