// Items saved in the server's workspace (docs/API.md, "Saved items"): dashboard views (a page and
// its filters, kept as the address's #/... part), experiment analyses and persona models.
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

/** The loaded users of `dataset` placed in a saved persona model's personas, without refitting. */
export function applyModel(name, dataset, signal) {
  return api.get('saved/persona_model/apply', { name, dataset }, { fresh: true, signal });
}

/** A view's address inside the dashboard (#/page?filters), nothing else. */
export function isViewHash(hash) {
  return typeof hash === 'string' && /^#\/[\w\-/?=&%.,:+~]*$/.test(hash) && hash.length <= 2000;
}
