// Overview: KPI cards (/kpis), personas per cluster (/segment), insights in words (/insights).
import * as api from '../lib/api.js';
import * as fmt from '../lib/format.js';
import * as state from '../lib/state.js';
import { h, clear, card, chartCard, kpi, empty, skeleton, table, swatch, showError } from '../lib/ui.js';
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

  const personasChart = chartCard({ title: 'Personas: share of users and of value', note: 'KMeans on recency, frequency and monetary value', chartId: 'overview-personas', size: 'tall' });
  const personasTable = h('div', skeleton(4));
  const insightsEl = h('div.insights', { dataset: { testid: 'insights' } }, skeleton(4), skeleton(4));

  ctx.root.append(
    filters,
    h('div', { style: { marginTop: '12px' } }, kpisEl),
    h('div.grid.cols-2-1', { style: { marginTop: '16px' } },
      card({ title: 'What the data says', note: 'Each sentence is computed from the data (docs/ANALYTICS.md, Insights).' }, insightsEl),
      personasChart.card),
    card({ title: 'RFM summary per persona', note: `Each persona's ${who}, recency, frequency and value; the action fits its tier.`, cls: 'personas' }, personasTable),
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
      rangeNote.textContent = `${fmt.dateRange(k.from, k.to)}: ${fmt.int(k.days)} days`;
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
    personasChart.setNote(`k = ${t.k}${t.k_from_silhouette ? ' (best silhouette' : ' (chosen'}${t.silhouette !== undefined ? `, ${fmt.num(t.silhouette, 3)})` : ')'} on ${fmt.int(t.users)} ${who}`);
    clear(personasTable, personaTable(personas, kind));
  }).catch((err) => showError(personasTable, err)));
}

function drawKpis(el, k) {
  const cards = k.kind === 'transactions'
    ? [
      kpi('Revenue', fmt.compact(k.revenue), `${fmt.money(k.revenue)} total`, { accent: true, testid: 'revenue' }),
      kpi('Orders', fmt.int(k.orders), null, { testid: 'orders' }),
      kpi('Customers', fmt.int(k.customers ?? k.users), k.active_customers !== undefined && k.active_customers !== k.customers ? `${fmt.int(k.active_customers)} active` : null, { testid: 'users' }),
      kpi('Average order', fmt.money(k.average_order_value, 2), 'revenue / orders', { testid: 'aov' }),
      kpi('Repeat purchase', fmt.pct(k.repeat_purchase_rate), 'customers with 2+ orders', { testid: 'repeat' }),
      kpi('Rows', fmt.int(k.rows), 'invoice lines', { testid: 'rows' }),
    ]
    : [
      kpi('Users', fmt.int(k.users), `${fmt.int(k.active_users)} active in the period`, { accent: true, testid: 'users' }),
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
    { key: 'name', label: 'Persona', render: (p) => h('span.row', { style: { flexWrap: 'nowrap' } }, swatch(personaColor(p.id ?? personas.indexOf(p), n)), h('strong', p.name ?? p.persona)) },
    { key: 'users', label: kind === 'transactions' ? 'Customers' : 'Users', num: true, render: (p) => h('span', fmt.int(p.users), h('div.small.muted', fmt.pct(p.share))) },
    { key: 'median_recency', label: 'Recency (median)', num: true, format: (v) => `${fmt.smart(v, 0)} days` },
    { key: 'mean_frequency', label: kind === 'transactions' ? 'Orders (mean)' : 'Active days (mean)', num: true, format: (v) => fmt.num(v, 1) },
    { key: 'mean_monetary', label: `${value} (mean)`, num: true, format: (v) => fmt.smart(v, 1) },
    { key: 'monetary_share', label: `${value} share`, num: true, format: (v) => fmt.pct(v) },
    { key: 'action', label: 'What to do', render: (p) => h('div', { title: p.description }, p.action) },
  ], personas, { testid: 'personas' });
}
