// What the server holds (/api/v1/status) and which data set the pages look at.
import * as api from './api.js';

const KEY = 'growthlens.dataset';
let status = null;
const listeners = new Set();

export function onStatus(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function signature(s) {
  return JSON.stringify(((s && s.datasets) || []).map((d) => [d.kind, d.source, d.rows, d.first_day, d.last_day]));
}

export async function refreshStatus() {
  const next = await api.get('status', null, { fresh: true });
  // Analysis results cached in the browser belong to the data they came from.
  if (signature(next) !== signature(status)) api.clearCache();
  status = next;
  for (const fn of listeners) fn(status);
  return status;
}

export function currentStatus() {
  return status;
}

export function datasets() {
  return (status && status.datasets) || [];
}

/** The loaded data set of a kind ('usage' or 'transactions'), or undefined. */
export function dataset(kind) {
  return datasets().find((d) => (d.name || d.kind) === kind);
}

export function hasData() {
  return datasets().length > 0;
}

/** The kind the kind-agnostic pages use: the user's choice if loaded, else the server's default (usage first). */
export function chosenKind(asked) {
  if (asked && dataset(asked)) return asked;
  const pref = sessionStorage.getItem(KEY);
  if (pref && dataset(pref)) return pref;
  if (dataset('usage')) return 'usage';
  if (dataset('transactions')) return 'transactions';
  return null;
}

export function chooseKind(kind) {
  sessionStorage.setItem(KEY, kind);
}

/**
 * The `dataset` query parameter for a kind: left out when it is the server's default (the usage
 * log if one is loaded), so that requests match the views the server computed ahead.
 */
export function dsParam(kind) {
  const fallback = dataset('usage') ? 'usage' : 'transactions';
  return kind === fallback ? undefined : kind;
}

export const KIND_LABEL = { usage: 'Usage log', events: 'Event log', transactions: 'Transactions' };

/** Words for users of a kind: users (usage logs) or customers (transactions). */
export function whoWord(kind, plural = true) {
  if (kind === 'transactions') return plural ? 'customers' : 'customer';
  return plural ? 'users' : 'user';
}

/** What monetary means for a kind. */
export function valueWord(kind) {
  return kind === 'transactions' ? 'revenue' : 'events';
}
