// Overview: KPI cards (/kpis), personas per cluster (/segment), insights in words (/insights).
import * as api from '../lib/api.js';
import * as fmt from '../lib/format.js';
import * as state from '../lib/state.js';
import { h, clear, card, chartCard, kpi, empty, skeleton, table, swatch, showError, dataNotes } from '../lib/ui.js';
import { plot, withChart } from '../lib/charts.js';
import { dateRange, filterBar } from '../lib/filters.js';
import { personaColor, palette } from '../lib/palette.js';
import { noData } from './common.js';

const range = { from: '', to: '' };

export async function render(ctx) {
  const kind = ctx.kind;
  if (!kind) return noData(ctx);
  const d = state.dataset(kind);
  const dataset = state.dsParam(kind);
  const who = state.whoWord(kind);
  ctx.setSubtitle(`${state.KIND_LABEL[kind]} · ${d.source} · ${fmt.dateRange(d.first_day, d.last_day)}`);

  const kpisEl = h('div.kpis', { dataset: { testid: 'kpis' } }, Array.from({ length: 6 }, () => h('div.kpi', skeleton(2))));
  const rangeNote = h('span.small.muted');
  const filters = filterBar(
    dateRange({
      from: range.from, to: range.to, min: d.first_day, max: d.last_day, label: 'KPI period',
      onChange: (r) => { Object.assign(range, r); loadKpis(); },
    }),
    rangeNote);

  // The KPI period applies to the cards only: insights and personas are of all the data, and
  // say so (the period filter cannot move them).
  const allTime = `All time: ${fmt.dateRange(d.first_day, d.last_day)}`;
  const personasChart = chartCard({ title: 'Personas: share of users and of value', note: 'KMeans on recency, frequency and monetary value', chartId: 'overview-personas', size: 'tall' });
  personasChart.card.querySelector('h2').append(h('span.scope', { dataset: { testid: 'scope-personas' } }, 'all time'));
  const personasAdvice = h('div');
  personasChart.card.append(personasAdvice);
  const personasTable = h('div', skeleton(4));
  const insightsEl = h('div.insights', { dataset: { testid: 'insights' } }, skeleton(4), skeleton(4));
  const insightsCard = card({ title: 'What the data says', note: `${allTime}; the KPI period does not apply. Each sentence is computed from the data.` }, insightsEl);
  insightsCard.querySelector('h2').append(h('span.scope', { dataset: { testid: 'scope-insights' } }, 'all time'));
  const personaCard = card({ title: 'RFM summary per persona', note: `${allTime}. Each persona's ${who}, recency, frequency and value; the action fits its tier.`, cls: 'personas' }, personasTable);
  personaCard.querySelector('h2').append(h('span.scope', 'all time'));

  ctx.root.append(
    filters,
    h('div', { style: { marginTop: '12px' } }, kpisEl),
    h('div.grid.cols-2-1', { style: { marginTop: '16px' } }, insightsCard, personasChart.card),
    personaCard,
  );
  ctx.root.lastChild.style.marginTop = '16px';

  const kpiErr = h('div');
  kpisEl.after(kpiErr);
  const loadKpis = () => ctx.track((async () => {
    clear(kpiErr);
    kpisEl.style.opacity = '0.6';
    try {
      const k = await api.get('kpis', { dataset, from: range.from, to: range.to }, { signal: ctx.signal });
      drawKpis(kpisEl, k);
      const w = k.window || {};
      rangeNote.textContent = `Cards: ${w.all_time ? 'all time, ' : ''}${fmt.dateRange(k.from, k.to)} (${fmt.int(k.days)} days). Insights and personas below are all time.`;
    } catch (err) {
      showError(kpiErr, err);
    } finally {
      kpisEl.style.opacity = '';
    }
  })());
  loadKpis();

  ctx.track((async () => {
    try {
      const r = await api.get('insights', { dataset }, { signal: ctx.signal });
      const list = r.insights || [];
      clear(insightsEl, list.length
        ? list.map((i, n) => h('div.insight', { dataset: { insight: i.key }, style: { borderLeftColor: palette().series[n % 10] } },
          h('div.insight-title', i.title), h('div.insight-text', i.text)))
        : empty('No findings', 'The data is too small for the insight rules.'));
    } catch (err) {
      showError(insightsEl, err);
    }
  })());

  ctx.track(withChart(personasChart.chart, () => api.get('segment', { dataset }, { signal: ctx.signal }), async (model) => {
    const personas = model.personas || [];
    const names = personas.map((x) => x.name.replace(' ', '<br>'));
    const p = palette();
    await plot(personasChart.chart, [
      { type: 'bar', name: `Share of ${who}`, x: names, y: personas.map((x) => x.share), marker: { color: p.series[0] }, hovertemplate: `%{x}<br>%{y:.1%} of ${who}<extra></extra>` },
      { type: 'bar', name: `Share of ${state.valueWord(kind)}`, x: names, y: personas.map((x) => x.monetary_share), marker: { color: p.series[1] }, hovertemplate: `%{x}<br>%{y:.1%} of ${state.valueWord(kind)}<extra></extra>` },
    ], { barmode: 'group', yaxis: { tickformat: '.0%' }, legend: { y: -0.25 } });
    const t = model.training || {};
    personasChart.setNote(`${personaModelText(t)} on ${fmt.int(t.users)} ${who}`);
    clear(personasAdvice, dataNotes([t.advice, ...smallPersonaNotes(personas, who)], 'persona-advice'));
    clear(personasTable, personaTable(personas, kind));
  }).catch((err) => showError(personasTable, err)));
}

/** "The four tiers (k = 4, silhouette 0.432)", or the best-silhouette / chosen k. */
export function personaModelText(t) {
  const how = t.k_choice === 'four tiers' ? 'The four tiers' : t.k_from_silhouette ? 'Best silhouette' : 'Chosen';
  return `${how} (k = ${t.k}${t.silhouette !== undefined ? `, silhouette ${fmt.num(t.silhouette, 3)}` : ''})`;
}

/** A note per persona under 2% of the users: too small to act on as a tier of its own. */
export function smallPersonaNotes(personas, who) {
  return personas.filter((p) => p.small).map((p) => `${p.name} holds ${fmt.pct(p.share)} of the ${who}, under 2%: too few to run a campaign on alone; handle them with the neighbouring tier.`);
}

function drawKpis(el, k) {
  const cards = k.kind === 'transactions'
    ? [
      kpi('Revenue', fmt.compact(k.revenue), `${fmt.money(k.revenue)} total`, { accent: true, testid: 'revenue' }),
      kpi('Orders', fmt.int(k.orders), null, { testid: 'orders' }),
      kpi('Customers', fmt.int(k.active_customers), `who ordered in the period; ${fmt.int(k.customers)} all time`, { testid: 'users' }),
      kpi('Average order', fmt.money(k.average_order_value, 2), 'revenue / orders', { testid: 'aov' }),
      kpi('Repeat purchase', fmt.pct(k.repeat_purchase_rate), 'customers with 2+ orders', { testid: 'repeat' }),
      kpi('Rows', fmt.int(k.rows), 'invoice lines', { testid: 'rows' }),
    ]
    : [
      kpi('Active users', fmt.int(k.active_users), `in the period; ${fmt.int(k.users)} all time`, { accent: true, testid: 'users' }),
      kpi('Events', fmt.compact(k.events), `${fmt.int(k.events)} in ${fmt.int(k.rows)} rows`, { testid: 'events' }),
      kpi('Events / user', fmt.num(k.events_per_user, 1), 'per active user', { testid: 'events_per_user' }),
      kpi('Active days / user', fmt.num(k.active_days_per_user, 1), 'per active user', { testid: 'active_days' }),
      kpi('Daily active', fmt.smart(k.average_dau, 0), `average DAU; WAU ${fmt.int(k.average_wau)}, MAU ${fmt.int(k.average_mau)}`, { testid: 'dau' }),
      kpi('Stickiness', fmt.pct(k.stickiness), 'average DAU / MAU', { testid: 'stickiness' }),
    ];
  clear(el, cards);
}

export function personaTable(personas, kind) {
  const n = personas.length;
  const value = kind === 'transactions' ? 'Revenue' : 'Events';
  return table([
    { key: 'name', label: 'Persona', render: (p) => h('span.row', { style: { flexWrap: 'nowrap' } }, swatch(personaColor(p.id ?? personas.indexOf(p), n)), h('strong', p.name ?? p.persona), p.small ? h('span.flag-small', { title: 'Under 2% of the users' }, 'under 2%') : null) },
    { key: 'users', label: kind === 'transactions' ? 'Customers' : 'Users', num: true, render: (p) => h('span', fmt.int(p.users), h('div.small.muted', fmt.pct(p.share))) },
    { key: 'median_recency', label: 'Recency (median)', num: true, format: (v) => `${fmt.smart(v, 0)} days` },
    { key: 'mean_frequency', label: kind === 'transactions' ? 'Orders (mean)' : 'Active days (mean)', num: true, format: (v) => fmt.num(v, 1) },
    { key: 'mean_monetary', label: `${value} (mean)`, num: true, format: (v) => fmt.smart(v, 1) },
    { key: 'monetary_share', label: `${value} share`, num: true, format: (v) => fmt.pct(v) },
    { key: 'action', label: 'What to do', render: (p) => h('div', { title: p.description }, p.action) },
  ], personas, { testid: 'personas' });
}
