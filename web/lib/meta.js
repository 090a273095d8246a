// The API's contract (GET /api/v1/meta): the enums the C++ defines, read instead of copied here
// (RFM segment names, persona tiers, campaigns, verdict spellings). Loaded once before the first
// page renders.
import * as api from './api.js';

let meta = null;

export async function loadMeta() {
  if (!meta) meta = await api.get('meta');
  return meta;
}

function enums() {
  if (!meta) throw new Error('the API contract (/api/v1/meta) is not loaded yet');
  return meta.enums;
}

/** The 11 RFM segment names, in rule order (Champions first). */
export function rfmSegments() {
  return enums().rfm_segments;
}

/** The four persona tiers of a kind ('usage' or 'transactions'), most valuable first. */
export function personaTiers(kind) {
  return enums().persona_tiers[kind] || [];
}

/** The campaigns the simulator knows: [name, label] pairs. */
export function campaigns() {
  return enums().campaigns.map((c) => [c.name, c.label]);
}

/** The verdicts of experiment analyze: [{value: 'dont_ship', label: "don't ship"}, ...]. */
export function verdicts() {
  return enums().verdicts;
}

/** The campaign simulator's verdicts, in the order worth running, underpowered, no effect
 * assumed, cannot tell. */
export function campaignVerdicts() {
  return enums().campaign_verdicts;
}

/** The simulator's actions, in the order run now, within reach, big lifts only, not testable. */
export function campaignActions() {
  return enums().campaign_actions;
}

/** What a plan's metric is when given, not estimated: [{value: 'proportion', label}, ...]. */
export function metricKinds() {
  return enums().metric_kinds;
}

/** The per-user metrics a plan estimates from loaded data of a kind ('usage', 'transactions'). */
export function perUserMetrics(kind) {
  return enums().per_user_metrics[kind] || [];
}

/** The values an analysis' enum parameter allows (e.g. funnel's `by`), [] if it has none. */
export function paramValues(analysis, param) {
  if (!meta) throw new Error('the API contract (/api/v1/meta) is not loaded yet');
  const a = meta.analyses.find((x) => x.name === analysis);
  const p = a && a.params.find((x) => x.name === param);
  return (p && p.values) || [];
}
