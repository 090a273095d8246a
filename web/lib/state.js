// What the server holds (/api/v1/status) and which data set the pages look at.
import * as api from './api.js';

const KEY = 'growthlens.dataset';
const USAGE_KEY = 'growthlens.usage-data';
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

/** The product-usage data sets held: 'usage' (a usage log) and/or 'events' (an event log). */
export function usageKinds() {
  return ['usage', 'events'].filter((k) => datasets().some((d) => d.kind === k));
}

/**
 * The product-usage data the pages show: the one chosen on Home if it is held, else the server's
 * default (the usage log when both are held).
 */
export function usageKind() {
  const held = usageKinds();
  const pref = localStorage.getItem(USAGE_KEY);
  if (pref && held.includes(pref)) return pref;
  const fallback = status && status.default_usage;
  return held.includes(fallback) ? fallback : held[0] || null;
}

export function chooseUsage(kind) {
  localStorage.setItem(USAGE_KEY, kind);
}

/** The kind a page's data family stands for: 'usage' is the chosen product-usage data. */
export function actualKind(kind) {
  return kind === 'usage' ? usageKind() : kind;
}

/**
 * The loaded data set of a kind: 'usage' (the product-usage data chosen: a usage log or an event
 * log), 'events' or 'transactions'; or undefined.
 */
export function dataset(kind) {
  const actual = actualKind(kind);
  return actual ? datasets().find((d) => d.kind === actual) : undefined;
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
 * The `dataset` query parameter for a kind: left out when it is the server's default (its default
 * product-usage data if any is loaded), so that requests match the views the server computed
 * ahead.
 */
export function dsParam(kind) {
  const actual = actualKind(kind);
  const fallback = (status && status.default_usage) || 'transactions';
  return actual === fallback ? undefined : actual;
}

export const KIND_LABEL = { usage: 'Usage log', events: 'Event log', transactions: 'Transactions' };

/** "a usage log", "an event log", "transactions": what a page needs, in a sentence. */
export function kindWithArticle(kind) {
  if (kind === 'transactions') return 'transactions';
  const name = KIND_LABEL[kind].toLowerCase();
  return `${/^[aeiou]/.test(name) ? 'an' : 'a'} ${name}`;
}

/** Words for users of a kind: users (usage logs) or customers (transactions). */
export function whoWord(kind, plural = true) {
  if (kind === 'transactions') return plural ? 'customers' : 'customer';
  return plural ? 'users' : 'user';
}

/** What monetary means for a kind. */
export function valueWord(kind) {
  return kind === 'transactions' ? 'revenue' : 'events';
}
