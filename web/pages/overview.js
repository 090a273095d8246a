// Overview: KPI cards (/kpis), personas per cluster (/segment), insights in words (/insights).
import * as api from '../lib/api.js';
import * as fmt from '../lib/format.js';
import * as state from '../lib/state.js';
import { h, clear, card, chartCard, kpi, empty, skeleton, table, swatch, showError, dataNotes } from '../lib/ui.js';
import { plot, withChart, onPointClick } from '../lib/charts.js';
import { filterBar } from '../lib/filters.js';
import { personaColor, palette } from '../lib/palette.js';
import * as view from '../lib/view.js';
import { noData, rangeOf, rangeFilter } from './common.js';

export async function render(ctx) {
  const kind = ctx.kind;
  if (!kind) return noData(ctx);
  const d = state.dataset(kind);
  const dataset = state.dsParam(kind);
  const who = state.whoWord(kind);
  ctx.setSubtitle(`${state.KIND_LABEL[d.kind]} · ${d.source} · ${fmt.dateRange(d.first_day, d.last_day)}`);

  const range = rangeOf(ctx);
  const compare = ctx.params.get('compare') === '1';
  const kpisEl = h('div.kpis', { dataset: { testid: 'kpis' } }, Array.from({ length: 6 }, () => h('div.kpi', skeleton(2))));
  const rangeNote = h('span.small.muted', { dataset: { testid: 'range-note' } });
  const compareBox = h('input', { type: 'checkbox', checked: compare, dataset: { filter: 'compare' } });
  compareBox.addEventListener('change', () => ctx.setParams({ compare: compareBox.checked ? 1 : null }));
  const filters = filterBar(
    rangeFilter(ctx, d),
    h('label.check', compareBox, 'Compare with the previous period'),
    rangeNote);
  const trend = chartCard({
    title: kind === 'transactions' ? 'Revenue and customers over time' : 'Active users over time',
    note: '', chartId: 'overview-trend',
  });

  // The KPI period applies to the cards only: insights and personas are of all the data, and
  // say so (the period filter cannot move them).
  const allTime = `All time: ${fmt.dateRange(d.first_day, d.last_day)}`;
  const personasChart = chartCard({ title: 'Personas: share of users and of value', note: 'KMeans on recency, frequency and monetary value', chartId: 'overview-personas', size: 'tall' });
  personasChart.card.querySelector('h2').append(h('span.scope', { dataset: { testid: 'scope-personas' } }, 'all time'));
  const personasAdvice = h('div');
  personasChart.card.append(personasAdvice);
  const personasTable = h('div', skeleton(4));
  const insightsEl = h('div.insights', { dataset: { testid: 'insights' } }, skeleton(4), skeleton(4));
  const insightsCard = card({ title: 'What the data says', note: `${allTime}; the date range does not apply. Each sentence is computed from the data.` }, insightsEl);
  insightsCard.querySelector('h2').append(h('span.scope', { dataset: { testid: 'scope-insights' } }, 'all time'));
  const personaCard = card({ title: 'RFM summary per persona', note: `${allTime}. Each persona's ${who}, recency, frequency and value; the action fits its tier.`, cls: 'personas' }, personasTable);
  personaCard.querySelector('h2').append(h('span.scope', 'all time'));

  ctx.root.append(
    filters,
    h('div', { style: { marginTop: '12px' } }, kpisEl),
    h('div', { style: { marginTop: '16px' } }, trend.card),
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
      // The previous period: as many days, just before this one.
      let prev = null;
      let prevWindow = null;
      if (compare) {
        const to = view.addDays(k.from, -1);
        const from = view.addDays(k.from, -k.days);
        prevWindow = { from, to };
        if (to >= d.first_day) prev = await api.get('kpis', { dataset, from, to }, { signal: ctx.signal });
      }
      drawKpis(kpisEl, k, compare ? { prev, window: prevWindow } : null);
      const w = k.window || {};
      rangeNote.textContent = `${w.all_time ? 'All time, ' : ''}${fmt.dateRange(k.from, k.to)} (${fmt.int(k.days)} days)${compare && prevWindow ? `, against ${fmt.dateRange(prevWindow.from, prevWindow.to)}${prev ? '' : ' (before the data: no comparison)'}` : ''}. Insights and personas below are all time.`;
    } catch (err) {
      showError(kpiErr, err);
    } finally {
      kpisEl.style.opacity = '';
    }
  })());
  loadKpis();

  ctx.track(withChart(trend.chart, () => api.get('kpis', { dataset, view: 'trend', from: range.from, to: range.to }, { signal: ctx.signal }), async (t) => {
    const days = t.days || [];
    const x = days.map((r) => r.day);
    const p = palette();
    const line = (key, name, color, width = 2) => ({ type: 'scatter', mode: 'lines', name, x, y: days.map((r) => r[key]), line: { color, width }, hovertemplate: `%{x|%-d %b %Y}<br>${name}: %{y:,}<extra></extra>` });
    if (kind === 'transactions') {
      await plot(trend.chart, [
        { type: 'bar', name: 'revenue per day', x, y: days.map((r) => r.revenue), marker: { color: p.series[0] }, hovertemplate: `%{x|%-d %b %Y}<br>revenue ${fmt.currencyHover()}<extra></extra>` },
        { ...line('monthly_active_users', 'customers in the last 30 days', p.series[2], 2.5), yaxis: 'y2' },
      ], {
        xaxis: { type: 'date' },
        yaxis: { title: { text: 'revenue' }, tickformat: '~s', tickprefix: fmt.currencySymbol(), rangemode: 'tozero' },
        yaxis2: { title: { text: 'customers' }, overlaying: 'y', side: 'right', showgrid: false, rangemode: 'tozero', tickformat: ',d' },
        legend: { y: -0.2 },
      });
      trend.setNote(`Revenue per day and the customers who ordered in the 30 days up to each day; ${fmt.dateRange(x[0], x[x.length - 1])}`);
    } else {
      await plot(trend.chart, [
        line('monthly_active_users', 'MAU (30 days)', p.series[2]),
        line('weekly_active_users', 'WAU (7 days)', p.series[1]),
        line('daily_active_users', 'DAU', p.series[0], 1.5),
      ], { xaxis: { type: 'date' }, yaxis: { title: { text: 'users' }, rangemode: 'tozero', tickformat: ',d' }, legend: { y: -0.2 }, hovermode: 'x unified' });
      trend.setNote(`Users active each day (DAU) and in the 7 and 30 days up to it; ${fmt.dateRange(x[0], x[x.length - 1])}`);
    }
  }).catch(() => {}));

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
    onPointClick(personasChart.chart, (pt) => ctx.navigate(ctx.link('users', { persona: personas[pt.pointIndex].name })));
    const t = model.training || {};
    personasChart.setNote(`${personaModelText(t)} on ${fmt.int(t.users)} ${who}`);
    clear(personasAdvice, dataNotes([t.advice, ...smallPersonaNotes(personas, who)], 'persona-advice'));
    clear(personasTable, personaTable(personas, kind, ctx));
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

/**
 * The KPI cards; with `comparison` ({prev, window}) each card shows its change against the
 * previous period (rates in points, counts and amounts in per cent).
 */
function drawKpis(el, k, comparison) {
  const delta = (key, { points = false } = {}) => {
    if (!comparison) return {};
    const prev = comparison.prev;
    if (!prev) return { delta: h('div.kpi-delta.none', { dataset: { delta: key } }, 'no earlier data to compare') };
    const now = k[key];
    const before = prev[key];
    if (!Number.isFinite(now) || !Number.isFinite(before)) return {};
    const change = points ? now - before : before === 0 ? null : (now - before) / Math.abs(before);
    const text = change === null ? 'new' : points ? `${change >= 0 ? '+' : ''}${fmt.num(change * 100, 1)} pts` : fmt.signedPct(change, 1);
    const tone = change === null || Math.abs(change) < 1e-9 ? 'flat' : change > 0 ? 'up' : 'down';
    return { delta: h(`div.kpi-delta.${tone}`, { dataset: { delta: key }, title: `previous period: ${points ? fmt.pct(before) : fmt.smart(before)}` }, `${tone === 'up' ? '▲' : tone === 'down' ? '▼' : ''} ${text} vs previous`) };
  };
  const cards = k.kind === 'transactions'
    ? [
      kpi('Revenue', fmt.moneyCompact(k.revenue), `${fmt.money(k.revenue)} total`, { accent: true, testid: 'revenue', ...delta('revenue') }),
      kpi('Orders', fmt.int(k.orders), null, { testid: 'orders', ...delta('orders') }),
      kpi('Customers', fmt.int(k.active_customers), `who ordered in the period; ${fmt.int(k.customers)} all time`, { testid: 'users', ...delta('active_customers') }),
      kpi('Average order', fmt.money(k.average_order_value, 2), 'revenue / orders', { testid: 'aov', ...delta('average_order_value') }),
      kpi('Repeat purchase', fmt.pct(k.repeat_purchase_rate), 'customers with 2+ orders', { testid: 'repeat', ...delta('repeat_purchase_rate', { points: true }) }),
      kpi('Rows', fmt.int(k.rows), 'invoice lines', { testid: 'rows', ...delta('rows') }),
    ]
    : [
      kpi('Active users', fmt.int(k.active_users), `in the period; ${fmt.int(k.users)} all time`, { accent: true, testid: 'users', ...delta('active_users') }),
      kpi('Events', fmt.compact(k.events), `${fmt.int(k.events)} in ${fmt.int(k.rows)} rows`, { testid: 'events', ...delta('events') }),
      kpi('Events / user', fmt.num(k.events_per_user, 1), 'per active user', { testid: 'events_per_user', ...delta('events_per_user') }),
      kpi('Active days / user', fmt.num(k.active_days_per_user, 1), 'per active user', { testid: 'active_days', ...delta('active_days_per_user') }),
      kpi('Daily active', fmt.int(k.average_dau), `average DAU; WAU ${fmt.int(k.average_wau)}, MAU ${fmt.int(k.average_mau)}`, { testid: 'dau', ...delta('average_dau') }),
      kpi('Stickiness', fmt.pct(k.stickiness), 'average DAU / MAU', { testid: 'stickiness', ...delta('stickiness', { points: true }) }),
    ];
  clear(el, cards);
}

/** The persona table; with `ctx` each name links to the persona's users. */
export function personaTable(personas, kind, ctx = null) {
  const n = personas.length;
  const money = kind === 'transactions';
  const value = money ? 'Revenue' : 'Events';
  const name = (p) => (ctx ? h('a', { href: ctx.link('users', { persona: p.name }), dataset: { personaLink: p.name } }, h('strong', p.name)) : h('strong', p.name ?? p.persona));
  return table([
    { key: 'name', label: 'Persona', render: (p) => h('span.row', { style: { flexWrap: 'nowrap' } }, swatch(personaColor(p.id ?? personas.indexOf(p), n)), name(p), p.small ? h('span.flag-small', { title: 'Under 2% of the users' }, 'under 2%') : null) },
    { key: 'users', label: kind === 'transactions' ? 'Customers' : 'Users', num: true, render: (p) => h('span', fmt.int(p.users), h('div.small.muted', fmt.pct(p.share))) },
    { key: 'median_recency', label: 'Recency (median)', num: true, format: (v) => `${fmt.int(v)} days` },
    { key: 'mean_frequency', label: kind === 'transactions' ? 'Orders (mean)' : 'Active days (mean)', num: true, format: (v) => fmt.num(v, 1) },
    { key: 'mean_monetary', label: `${value} (mean)`, num: true, format: (v) => (money ? fmt.money(v, 2) : fmt.int(v)) },
    { key: 'monetary_share', label: `${value} share`, num: true, format: (v) => fmt.pct(v) },
    { key: 'action', label: 'What to do', render: (p) => h('div', { title: p.description }, p.action) },
  ], personas, { testid: 'personas' });
}
