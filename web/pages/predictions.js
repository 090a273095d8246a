// Predictions: who is likely to stop being active and, for transactions, what each customer is
// worth (GET /api/v1/predictions, computed once per data set by the server): the risk
// distribution, how good the model is (ROC curve, calibration, gains, both models compared), what
// drives churn, the valuable customers most at risk to act on (with a CSV download of every scored
// user, /api/v1/predictions/export), value and risk by segment, persona and country, and the
// findings in words.
import * as api from '../lib/api.js';
import * as fmt from '../lib/format.js';
import * as state from '../lib/state.js';
import { h, clear, chartCard, card, kpi, skeleton, table, select, field, showError, empty } from '../lib/ui.js';
import { plot, withChart, emptyChart } from '../lib/charts.js';
import { palette, alpha } from '../lib/palette.js';
import { filterBar } from '../lib/filters.js';
import { noData } from './common.js';

const MODEL_WORDS = { boosted_trees: 'Decision-tree ensemble', logistic: 'Simple baseline' };
const BAND_COLORS = (p) => ({ high: p.series[3] || p.primary, medium: p.series[2], low: p.series[1] });

/** Quality numbers in plain words. */
function qualityWords(m) {
  return [
    `Ranks a churner above a staying user ${fmt.pct(m.roc_auc, 0)} of the time (ROC AUC ${fmt.num(m.roc_auc, 3)}).`,
    `Precision across thresholds ${fmt.num(m.pr_auc, 3)} against a churn rate of ${fmt.pct(m.churn_rate, 0)} (PR AUC).`,
    `Average squared error of the probabilities ${fmt.num(m.brier, 3)} (Brier; lower is better), log loss ${fmt.num(m.log_loss, 3)}.`,
  ];
}

export async function render(ctx) {
  const kind = ctx.kind;
  if (!kind) return noData(ctx);
  const d = state.dataset(kind);
  const dataset = state.dsParam(kind);
  const money = kind === 'transactions';
  const who = state.whoWord(kind);
  ctx.setSubtitle(`${state.KIND_LABEL[d.kind]} · ${d.source} · ${fmt.dateRange(d.first_day, d.last_day)}`);
  const p = palette();
  const errorEl = h('div');
  const body = h('div', { dataset: { testid: 'predictions' } }, h('div.card', h('div.row', h('span.spinner'), h('span', 'Learning who is likely to churn from the history of this data (the first time takes a few seconds)…'))));
  ctx.root.append(errorEl, body);

  let r;
  try {
    r = await ctx.track(api.get('predictions', { dataset }, { signal: ctx.signal }));
  } catch (err) {
    if (api.isAbort(err)) return;
    clear(body);
    showError(errorEl, err);
    return;
  }
  if (!r.available) {
    clear(body, h('div.card', { dataset: { testid: 'predictions-unavailable' } }, empty('Not enough history to predict churn', r.unavailable)));
    return;
  }
  const kept = r.models.find((m) => m.kept) || r.models[0];
  const bandColor = BAND_COLORS(p);

  // ---------- headline numbers and the findings ----------
  const kpis = h('div.kpis', { dataset: { testid: 'predictions-kpis' } },
    kpi('High risk', fmt.int(r.risk.high), `of ${fmt.int(r.risk.users)} current ${who}`, { accent: true, testid: 'high' }),
    kpi('Medium risk', fmt.int(r.risk.medium), null, { testid: 'medium' }),
    kpi('Low risk', fmt.int(r.risk.low), null, { testid: 'low' }),
    kpi('Model quality', kept ? fmt.pct(kept.roc_auc, 0) : fmt.DASH, 'churners ranked above stayers', { testid: 'auc' }),
    money && r.has_clv ? kpi('Value at risk', fmt.moneyCompact(r.clv.value_at_risk), `of ${fmt.moneyCompact(r.clv.total)} predicted ${r.clv.horizon_months}-month value`, { testid: 'value-at-risk' }) : null);
  const insights = card({ title: 'What the predictions say', testid: 'prediction-insights' },
    h('ul.insights', (r.insights || []).map((x) => h('li', { dataset: { key: x.key } }, h('strong', `${x.title}: `), x.text))));

  const risk = chartCard({ title: 'Churn risk', note: `How likely each current ${state.whoWord(kind, false)} is to have no activity in the next ${r.model.horizon_days} days`, chartId: 'churn-risk' });
  const drivers = chartCard({ title: 'What drives churn', note: 'How much each signal moves the predicted risk, on average', chartId: 'churn-drivers', size: 'tall' });
  const roc = chartCard({ title: 'How well the model separates', note: 'ROC curve: churners found against stayers wrongly flagged, both models', chartId: 'churn-roc' });
  const calibration = chartCard({ title: 'Are the probabilities right?', note: 'Predicted against observed churn, by tenth of users from riskiest', chartId: 'churn-calibration' });
  const gains = chartCard({ title: 'Who to contact first', note: 'Share of all churners found by contacting the riskiest users first', chartId: 'churn-gains' });
  const compare = card({ title: 'Both models compared', note: `Checked on what happened after ${fmt.date(r.model.evaluation_cutoff || r.model.validation_cutoff)}; the better one is kept`, testid: 'models' },
    table([
      { key: 'model', label: 'Model', format: (v) => MODEL_WORDS[v] || v },
      { key: 'kept', label: 'Kept', format: (v) => (v ? 'yes' : '') },
      { key: 'roc_auc', label: 'Ranking (ROC AUC)', num: true, format: (v) => fmt.num(v, 3) },
      { key: 'pr_auc', label: 'Precision (PR AUC)', num: true, format: (v) => fmt.num(v, 3) },
      { key: 'brier', label: 'Error (Brier)', num: true, format: (v) => fmt.num(v, 3) },
    ], r.models, { testid: 'models' }),
    kept ? h('ul.small', qualityWords(kept).map((t) => h('li', t))) : null,
    h('p.small.muted', r.model.saved_model ? `The saved model “${r.model.saved_model}” is used.` : `Learned from ${fmt.int(r.model.train_users)} ${who} on this data.`),
    (r.model.saved_models_not_used || []).length
      ? h('ul.small.muted', { dataset: { testid: 'saved-models-not-used' } }, r.model.saved_models_not_used.map((m) => h('li', `The saved model “${m.name}” was not used: ${m.reason}`)))
      : null);

  // ---------- the scored users, filterable, with a download ----------
  const band = ctx.params.get('band') || 'all';
  const segment = ctx.params.get('segment') || '';
  const groups = [...(r.by_segment || []).map((g) => g.name), ...(r.by_persona || []).map((g) => g.name)];
  const bar = filterBar(
    field('Risk', select([['all', 'Any risk'], ['high', 'High'], ['medium', 'Medium'], ['low', 'Low']], band, (v) => ctx.setParams({ band: v === 'all' ? null : v }), { dataset: { param: 'band' } })),
    field('Segment or persona', select([['', 'Any'], ...groups.map((g) => [g, g])], segment, (v) => ctx.setParams({ segment: v || null }), { dataset: { param: 'segment' } })));
  const q = { dataset, band: band === 'all' ? '' : band, segment };
  const listEl = h('div', skeleton(6));
  const download = h('a.button', { href: api.url('predictions/export', q), download: 'churn_predictions.csv', dataset: { testid: 'predictions-export' } }, 'Download CSV');
  const list = card({ title: money ? 'Valuable customers most at risk' : 'Users most at risk', note: money ? 'Predicted value × churn probability: who to win back first' : 'Highest churn probability first', actions: download, testid: 'action-list' }, bar, listEl);

  const clvCharts = money && r.has_clv
    ? {
      dist: chartCard({ title: 'Predicted customer value', note: `Customers by predicted ${r.clv.horizon_months}-month value`, chartId: 'clv-distribution' }),
      segment: chartCard({ title: 'Value and risk by RFM segment', note: 'Predicted value, the part at risk, and the average churn risk', chartId: 'clv-segment' }),
      persona: chartCard({ title: 'Value and risk by persona', note: '', chartId: 'clv-persona' }),
      country: chartCard({ title: 'Value and risk by country', note: 'Top 12 countries by value at risk', chartId: 'clv-country' }),
    }
    : null;
  const riskGroups = !clvCharts ? chartCard({ title: 'Churn risk by segment', note: 'Average churn probability and users per RFM segment', chartId: 'risk-segment' }) : null;

  clear(body,
    kpis,
    h('div', { style: { marginTop: '16px' } }, insights),
    h('div.grid.cols-2', { style: { marginTop: '16px' } }, risk.card, drivers.card),
    h('div', { style: { marginTop: '16px' } }, list),
    clvCharts ? h('div.grid.cols-2', { style: { marginTop: '16px' } }, clvCharts.dist.card, clvCharts.segment.card) : null,
    clvCharts ? h('div.grid.cols-2', { style: { marginTop: '16px' } }, clvCharts.persona.card, clvCharts.country.card) : null,
    riskGroups ? h('div', { style: { marginTop: '16px' } }, riskGroups.card) : null,
    h('div.grid.cols-2', { style: { marginTop: '16px' } }, roc.card, calibration.card),
    h('div.grid.cols-2', { style: { marginTop: '16px' } }, gains.card, compare));

  const bins = r.risk.histogram;
  const highFrom = r.risk.high_from ?? 0.6;
  const mediumFrom = r.risk.medium_from ?? 0.3;
  ctx.track(withChart(risk.chart, async () => bins, async (rows) => {
    await plot(risk.chart, [{
      type: 'bar', x: rows.map((b) => (b.from + b.to) / 2), y: rows.map((b) => b.users), width: 0.048,
      marker: { color: rows.map((b) => bandColor[b.from >= highFrom - 1e-9 ? 'high' : b.from >= mediumFrom - 1e-9 ? 'medium' : 'low']) },
      customdata: rows.map((b) => [b.from, b.to]),
      hovertemplate: `%{customdata[0]:.0%}–%{customdata[1]:.0%}: %{y:,} ${who}<extra></extra>`,
    }], { xaxis: { title: { text: 'churn probability' }, tickformat: '.0%', range: [0, 1] }, yaxis: { title: { text: who } }, showlegend: false, bargap: 0.05 });
    const pct = (x) => fmt.pct(x, 0);
    risk.setNote(`${fmt.int(r.risk.high)} high (${pct(highFrom)} or more), ${fmt.int(r.risk.medium)} medium (${pct(mediumFrom)}–${pct(highFrom)}), ${fmt.int(r.risk.low)} low`);
  }).catch(() => {}));

  ctx.track(withChart(drivers.chart, async () => r.drivers, async (rows) => {
    const top = [...rows].slice(0, 12).reverse();
    await plot(drivers.chart, [{ type: 'bar', orientation: 'h', y: top.map((x) => x.label), x: top.map((x) => x.importance), marker: { color: p.primary }, hovertemplate: '%{y}<br>moves the log-odds by %{x:.3f} on average<extra></extra>' }],
      { xaxis: { title: { text: 'average effect on the predicted risk' } }, margin: { l: 260 }, showlegend: false });
  }).catch(() => {}));

  ctx.track(withChart(roc.chart, async () => r.models, async (models) => {
    await plot(roc.chart, [
      ...models.map((m, i) => ({ type: 'scatter', mode: 'lines', name: `${MODEL_WORDS[m.model] || m.model} (${fmt.num(m.roc_auc, 3)})`, x: m.roc.map((x) => x.false_positive_rate), y: m.roc.map((x) => x.true_positive_rate), line: { color: p.series[i], width: m.kept ? 3 : 1.5 }, hovertemplate: '%{y:.0%} of churners found, %{x:.0%} of stayers flagged<extra></extra>' })),
      { type: 'scatter', mode: 'lines', name: 'guessing', x: [0, 1], y: [0, 1], line: { color: p.faint, dash: 'dot', width: 1 }, hoverinfo: 'skip' },
    ], { xaxis: { title: { text: 'stayers wrongly flagged' }, tickformat: '.0%', range: [0, 1] }, yaxis: { title: { text: 'churners found' }, tickformat: '.0%', range: [0, 1] }, legend: { y: -0.25 } });
  }).catch(() => {}));

  if (!kept) emptyChart(calibration.chart, 'No check of the model', 'The model could not be checked against what happened later on this data.');
  else ctx.track(withChart(calibration.chart, async () => kept.deciles, async (rows) => {
    const top = Math.max(...rows.map((x) => Math.max(x.mean_predicted, x.observed_churn_rate)), 0.1);
    await plot(calibration.chart, [
      { type: 'scatter', mode: 'lines+markers', name: 'observed', x: rows.map((x) => x.mean_predicted), y: rows.map((x) => x.observed_churn_rate), line: { color: p.series[0], width: 2.5 }, customdata: rows.map((x) => x.decile), hovertemplate: 'tenth %{customdata}: predicted %{x:.0%}, observed %{y:.0%}<extra></extra>' },
      { type: 'scatter', mode: 'lines', name: 'perfect', x: [0, top], y: [0, top], line: { color: p.faint, dash: 'dot', width: 1 }, hoverinfo: 'skip' },
    ], { xaxis: { title: { text: 'predicted churn' }, tickformat: '.0%' }, yaxis: { title: { text: 'observed churn' }, tickformat: '.0%' }, legend: { y: -0.25 } });
  }).catch(() => {}));

  if (!kept) emptyChart(gains.chart, 'No check of the model', 'The model could not be checked against what happened later on this data.');
  else ctx.track(withChart(gains.chart, async () => kept.deciles, async (rows) => {
    const n = rows.length;
    await plot(gains.chart, [
      { type: 'scatter', mode: 'lines+markers', name: 'riskiest first', x: [0, ...rows.map((_, i) => (i + 1) / n)], y: [0, ...rows.map((x) => x.cumulative_gain)], line: { color: p.series[0], width: 2.5 }, customdata: [1, ...rows.map((x) => x.lift)], hovertemplate: 'contact %{x:.0%}: find %{y:.0%} of churners (this tenth %{customdata:.1f}× average)<extra></extra>' },
      { type: 'scatter', mode: 'lines', name: 'at random', x: [0, 1], y: [0, 1], line: { color: p.faint, dash: 'dot', width: 1 }, hoverinfo: 'skip' },
    ], { xaxis: { title: { text: `share of ${who} contacted` }, tickformat: '.0%' }, yaxis: { title: { text: 'share of churners found' }, tickformat: '.0%', range: [0, 1.02] }, legend: { y: -0.25 } });
  }).catch(() => {}));

  const groupChart = (c, rows, limit) => withChart(c.chart, async () => rows, async (all) => {
    const top = all.slice(0, limit).reverse();
    await plot(c.chart, [
      { type: 'bar', orientation: 'h', name: 'predicted value', y: top.map((g) => g.name), x: top.map((g) => g.clv), marker: { color: alpha(p.series[1], 0.5) }, hovertemplate: `%{y}<br>predicted value ${fmt.currencyHover('x')}<extra></extra>` },
      { type: 'bar', orientation: 'h', name: 'value at risk', y: top.map((g) => g.name), x: top.map((g) => g.value_at_risk), marker: { color: bandColor.high }, customdata: top.map((g) => [g.mean_churn_probability, g.users]), hovertemplate: `%{y}<br>at risk ${fmt.currencyHover('x')}<br>average churn risk %{customdata[0]:.0%}, %{customdata[1]:,} customers<extra></extra>` },
    ], { barmode: 'overlay', xaxis: { title: { text: 'predicted value' }, tickformat: '~s', tickprefix: fmt.currencySymbol() }, margin: { l: 150 }, legend: { y: -0.2 } });
  });
  if (clvCharts) {
    ctx.track(withChart(clvCharts.dist.chart, async () => r.clv.histogram, async (rows) => {
      await plot(clvCharts.dist.chart, [{ type: 'bar', x: rows.map((b) => (b.to === null ? `${fmt.money(b.from)}+` : `${fmt.money(b.from)}–${fmt.money(b.to)}`)), y: rows.map((b) => b.customers), marker: { color: p.series[1] }, hovertemplate: '%{x}: %{y:,} customers<extra></extra>' }],
        { xaxis: { type: 'category', title: { text: 'predicted value' }, tickangle: -45 }, yaxis: { title: { text: 'customers' } }, showlegend: false });
    }).catch(() => {}));
    ctx.track(groupChart(clvCharts.segment, r.by_segment, 11).catch(() => {}));
    ctx.track(groupChart(clvCharts.persona, r.by_persona, 8).catch(() => {}));
    ctx.track(groupChart(clvCharts.country, r.by_country || [], 12).catch(() => {}));
  }
  if (riskGroups) {
    ctx.track(withChart(riskGroups.chart, async () => r.by_segment, async (rows) => {
      await plot(riskGroups.chart, [{ type: 'bar', x: rows.map((g) => g.name), y: rows.map((g) => g.mean_churn_probability), marker: { color: p.primary }, customdata: rows.map((g) => [g.users, g.high_risk]), hovertemplate: `%{x}<br>average risk %{y:.0%}<br>%{customdata[0]:,} ${who}, %{customdata[1]:,} high risk<extra></extra>` }],
        { xaxis: { type: 'category' }, yaxis: { title: { text: 'average churn probability' }, tickformat: '.0%' }, showlegend: false });
    }).catch(() => {}));
  }

  try {
    const u = await ctx.track(api.get('predictions', { ...q, view: 'users', 'page-size': 25 }, { signal: ctx.signal }));
    if (!u.users.length) {
      clear(listEl, empty(`No ${who} here`, 'Clear a filter.'));
      return;
    }
    clear(listEl, table([
      { key: 'user_id', label: money ? 'Customer' : 'User', render: (x) => h('a', { href: ctx.link('user', { id: x.user_id }) }, x.user_id) },
      { key: 'churn_probability', label: 'Churn risk', num: true, format: (v) => fmt.pct(v, 0) },
      { key: 'risk_band', label: 'Band' },
      ...(money ? [{ key: 'clv', label: 'Predicted value', num: true, format: (v) => fmt.money(v) }, { key: 'value_at_risk', label: 'Value at risk', num: true, format: (v) => fmt.money(v) }] : []),
      { key: 'driver_1', label: 'Main reason' },
      { key: 'segment', label: 'Segment' },
      { key: 'persona', label: 'Persona' },
    ], u.users, { testid: 'prediction-users' }), h('div.small.muted', `${fmt.int(u.total)} ${who} match; the download has all of them.`));
  } catch (err) {
    if (api.isAbort(err)) return;
    clear(listEl);
    showError(errorEl, err);
  }
}
