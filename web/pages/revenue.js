// Revenue (transactions): monthly revenue, orders and AOV with new vs returning revenue, countries,
// the product Pareto and seasonality (/revenue views).
import * as api from '../lib/api.js';
import * as fmt from '../lib/format.js';
import * as state from '../lib/state.js';
import { h, clear, chartCard, card, kpi, skeleton, table, segmented, showError, dataNotes } from '../lib/ui.js';
import { plot, withChart, onPointClick } from '../lib/charts.js';
import { palette, alpha } from '../lib/palette.js';
import { filterBar } from '../lib/filters.js';
import { needs, rangeOf, rangeFilter } from './common.js';

const options = { season: 'month_of_year', monthly: 'revenue' };

export async function render(ctx) {
  if (needs(ctx, 'transactions', 'Revenue analysis')) return;
  const d = state.dataset('transactions');
  ctx.setSubtitle(`${d.source} · ${fmt.int(d.users)} customers · ${fmt.dateRange(d.first_day, d.last_day)}`);
  const p = palette();
  const range = rangeOf(ctx);
  const get = (view) => api.get('revenue', { view: view === 'monthly' ? '' : view, from: range.from, to: range.to }, { signal: ctx.signal });
  const rangeNote = h('span.small.muted', { dataset: { testid: 'range-note' } });
  const bar = filterBar(rangeFilter(ctx, d), rangeNote);

  const errorEl = h('div');
  const kpisEl = h('div.kpis', { dataset: { testid: 'revenue-kpis' } }, Array.from({ length: 5 }, () => h('div.kpi', skeleton(2))));
  const monthly = chartCard({
    title: 'Monthly revenue',
    note: 'Revenue from customers in their first month (new) and after (returning)',
    chartId: 'revenue-monthly',
    actions: segmented([['revenue', 'Revenue'], ['orders', 'Orders and AOV']], options.monthly, (v) => { options.monthly = v; drawMonthly(); }, { name: 'monthly' }),
  });
  const countries = chartCard({ title: 'Countries', note: 'Revenue by country', chartId: 'revenue-countries', size: 'tall' });
  const pareto = chartCard({ title: 'Product Pareto', note: '', chartId: 'revenue-pareto', size: 'tall' });
  const season = chartCard({
    title: 'Seasonality',
    note: 'Revenue and orders by',
    chartId: 'revenue-seasonality',
    actions: segmented([['month_of_year', 'Month'], ['weekday', 'Weekday'], ['hour', 'Hour']], options.season, (v) => { options.season = v; drawSeason(); }, { name: 'season' }),
  });
  const products = h('div', skeleton(6));
  const others = h('div');
  const monthlyNotes = h('div');
  monthly.card.append(monthlyNotes);

  ctx.root.append(
    bar, errorEl, h('div', { style: { marginTop: '12px' } }, kpisEl),
    h('div', { style: { marginTop: '16px' } }, monthly.card),
    h('div.grid.cols-2', { style: { marginTop: '16px' } }, pareto.card, countries.card),
    h('div.grid.cols-2', { style: { marginTop: '16px' } }, season.card, card({ title: 'Top products', note: 'By revenue; postage, fees and adjustments are not products and are listed apart' }, products, others)),
  );

  let monthlyData = null;
  const drawMonthly = () => ctx.track(withChart(monthly.chart, async () => monthlyData || (monthlyData = await get('monthly')), async (m) => {
    const months = m.months || [];
    const x = months.map((r) => r.month);
    // A month the data covers in part is drawn faded and named: its totals read low.
    const faded = months.map((r) => (r.partial ? 0.4 : 1));
    const partial = months.map((r) => (r.partial ? ` (partial: ${fmt.int(r.days_in_data)} of ${fmt.int(r.days)} days)` : ''));
    clear(monthlyNotes, dataNotes(months.filter((r) => r.partial).map((r) => `${fmt.date(r.month)} is partial: the data covers ${fmt.int(r.days_in_data)} of its ${fmt.int(r.days)} days, so its totals read low.`), 'monthly-notes'));
    const annotations = months.filter((r) => r.partial).map((r) => ({ x: r.month, yref: 'paper', y: 1, yanchor: 'bottom', text: 'partial', showarrow: false, font: { size: 10, color: p.muted } }));
    if (options.monthly === 'revenue') {
      await plot(monthly.chart, [
        { type: 'bar', name: 'new customers', x, y: months.map((r) => r.new_revenue), marker: { color: p.series[0], opacity: faded }, customdata: partial, hovertemplate: `%{x}%{customdata}<br>new: ${fmt.currencyHover()}<extra></extra>` },
        { type: 'bar', name: 'returning customers', x, y: months.map((r) => r.returning_revenue), marker: { color: p.series[1], opacity: faded }, customdata: partial, hovertemplate: `%{x}%{customdata}<br>returning: ${fmt.currencyHover()}<extra></extra>` },
        { type: 'scatter', mode: 'lines+markers', name: 'customers', yaxis: 'y2', x, y: months.map((r) => r.customers), line: { color: p.text, width: 2 }, customdata: partial, hovertemplate: '%{x}%{customdata}<br>%{y:,} customers<extra></extra>' },
      ], {
        annotations,
        barmode: 'stack', xaxis: { type: 'category' },
        legend: { y: -0.2, traceorder: 'normal' },
        yaxis: { title: { text: 'revenue' }, tickformat: '~s', tickprefix: fmt.currencySymbol() },
        yaxis2: { title: { text: 'customers' }, overlaying: 'y', side: 'right', showgrid: false, rangemode: 'tozero' },
      });
    } else {
      await plot(monthly.chart, [
        { type: 'bar', name: 'orders', x, y: months.map((r) => r.orders), marker: { color: alpha(p.series[0], 0.8), opacity: faded }, customdata: partial, hovertemplate: '%{x}%{customdata}<br>%{y:,} orders<extra></extra>' },
        { type: 'scatter', mode: 'lines+markers', name: 'average order value', yaxis: 'y2', x, y: months.map((r) => r.aov), line: { color: p.series[2], width: 2.5 }, customdata: partial, hovertemplate: `%{x}%{customdata}<br>AOV ${fmt.currencyHover('y', 2)}<extra></extra>` },
      ], {
        annotations,
        xaxis: { type: 'category' },
        yaxis: { title: { text: 'orders' }, tickformat: ',d' },
        yaxis2: { title: { text: 'average order value' }, overlaying: 'y', side: 'right', showgrid: false, rangemode: 'tozero', tickprefix: fmt.currencySymbol(), tickformat: ',.0f' },
        legend: { y: -0.2 },
      });
    }
  }).catch((err) => showError(errorEl, err)));

  ctx.track(get('monthly').then((m) => {
    monthlyData = m;
    const months = m.months || [];
    // The best whole month: a partial one cannot be compared.
    const best = months.filter((r) => !r.partial).reduce((a, b) => (b.revenue > (a ? a.revenue : -Infinity) ? b : a), null);
    rangeNote.textContent = m.window ? `Every number on this page: ${fmt.windowText(m.window)}` : '';
    clear(kpisEl,
      kpi('Revenue', fmt.moneyCompact(m.revenue), `${fmt.money(m.revenue)} in ${months.length} months`, { accent: true, testid: 'revenue' }),
      kpi('Orders', fmt.int(m.orders), 'distinct invoices', { testid: 'orders' }),
      kpi('Customers', fmt.int(m.customers), null, { testid: 'customers' }),
      kpi('Average order', fmt.money(m.orders ? m.revenue / m.orders : null, 2), 'revenue / orders', { testid: 'aov' }),
      kpi('Best month', best ? fmt.date(best.month) : fmt.DASH, best ? `${fmt.moneyCompact(best.revenue)} revenue` : null, { testid: 'best_month' }));
  }).catch((err) => { clear(kpisEl); showError(errorEl, err); }));
  drawMonthly();

  ctx.track(withChart(countries.chart, () => get('countries'), async (c) => {
    const list = c.countries || [];
    const top = list.slice(0, 15).reverse();
    const rest = list.slice(15);
    const restRevenue = rest.reduce((s, r) => s + r.revenue, 0);
    await plot(countries.chart, [{
      type: 'bar', orientation: 'h', y: top.map((r) => r.country), x: top.map((r) => r.revenue),
      marker: { color: top.map((_, i) => alpha(p.primary, 0.45 + (0.55 * i) / Math.max(1, top.length - 1))) },
      text: top.map((r) => fmt.pct(r.revenue_share)), textposition: 'outside', cliponaxis: false,
      customdata: top.map((r) => [r.orders, r.customers]),
      hovertemplate: `%{y}<br>revenue ${fmt.currencyHover('x')} (%{text})<br>%{customdata[0]:,} orders, %{customdata[1]:,} customers<extra></extra>`,
    }], { xaxis: { title: { text: 'revenue' }, tickformat: '~s', tickprefix: fmt.currencySymbol() }, margin: { l: 130, r: 50 }, showlegend: false });
    // A country's bar lists its customers.
    onPointClick(countries.chart, (pt) => ctx.navigate(ctx.link('users', { country: pt.y, data: 'transactions' })));
    countries.setNote(`${list.length} countries by revenue${rest.length ? `; the ${rest.length} not shown bring ${fmt.pct(c.revenue ? restRevenue / c.revenue : 0)}` : ''}`);
  }).catch(() => {}));

  ctx.track(withChart(pareto.chart, () => get('products'), async (r) => {
    const list = r.products || [];
    const n = r.product_count || list.length;
    // The cumulative share of revenue over every product ranked (thinned above 2,000 points).
    const step = Math.max(1, Math.floor(list.length / 2000));
    const curve = list.filter((_, i) => i % step === 0 || i === list.length - 1);
    await plot(pareto.chart, [
      { type: 'scatter', mode: 'lines', name: 'products', x: [0, ...curve.map((x) => x.rank / n)], y: [0, ...curve.map((x) => x.cumulative_share)], fill: 'tozeroy', fillcolor: alpha(p.series[1], 0.15), line: { color: p.series[1], width: 3 }, customdata: [0, ...curve.map((x) => x.rank)], hovertemplate: 'top %{customdata:,} products (%{x:.1%})<br>%{y:.1%} of product revenue<extra></extra>' },
      { type: 'scatter', mode: 'lines', name: 'equal shares', x: [0, 1], y: [0, 1], line: { color: p.faint, dash: 'dot', width: 1 }, hoverinfo: 'skip' },
    ], {
      xaxis: { title: { text: 'share of products, ranked by revenue' }, tickformat: '.0%', range: [0, 1] },
      yaxis: { title: { text: 'cumulative share of product revenue' }, tickformat: '.0%', range: [0, 1.02] },
      shapes: [
        { type: 'line', xref: 'x', yref: 'y', x0: 0.2, x1: 0.2, y0: 0, y1: r.top_share, line: { color: p.text, dash: 'dash', width: 1 } },
        { type: 'line', xref: 'x', yref: 'y', x0: 0, x1: 0.2, y0: r.top_share, y1: r.top_share, line: { color: p.text, dash: 'dash', width: 1 } },
      ],
      annotations: [{ x: 0.2, y: r.top_share, text: `top 20% of products → ${fmt.pct(r.top_share)} of revenue`, showarrow: true, ax: 90, ay: 40, font: { size: 12 } }],
      showlegend: false,
    });
    pareto.setNote(`The top 20% of ${fmt.int(n)} products (${fmt.int(r.top_count)}) bring ${fmt.pct(r.top_share)} of product revenue; the top 20% of customers ${fmt.pct(r.top_customer_share)} of all revenue`);
    clear(products, table([
      { key: 'rank', label: '#', num: true },
      { key: 'description', label: 'Product', render: (x) => h('div.clip', { title: `${x.description || ''} (${x.stock_code})` }, x.description || x.stock_code, h('span.small.muted', ` ${x.stock_code}`)) },
      { key: 'quantity', label: 'Units', num: true, format: fmt.int },
      { key: 'revenue', label: 'Revenue', num: true, format: (v) => fmt.money(v) },
      { key: 'cumulative_share', label: 'Cumulative', num: true, format: (v) => fmt.pct(v) },
    ], list, { maxRows: 12, testid: 'products' }));
    const lines = r.non_products || [];
    clear(others, lines.length
      ? h('div', { style: { marginTop: '12px' } },
        h('h3', `Not products: ${fmt.money(r.non_product_revenue)} of revenue`),
        table([
          { key: 'description', label: 'Line', render: (x) => h('div.clip', { title: `${x.description || ''} (${x.stock_code})` }, x.description || x.stock_code, h('span.small.muted', ` ${x.stock_code}`)) },
          { key: 'revenue', label: 'Revenue', num: true, format: (v) => fmt.money(v) },
          { key: 'revenue_share', label: 'Share of revenue', num: true, format: (v) => fmt.pct(v) },
        ], lines, { maxRows: 8, testid: 'non-products' }))
      : null);
  }).catch((err) => showError(products, err)));

  let seasonData = null;
  const drawSeason = () => ctx.track(withChart(season.chart, async () => seasonData || (seasonData = await get('seasonality')), async (s) => {
    const rows = s[options.season] || [];
    const x = rows.map((r) => r.name);
    const mean = rows.length ? rows.reduce((a, r) => a + r.revenue, 0) / rows.length : 0;
    await plot(season.chart, [
      { type: 'bar', name: 'revenue', x, y: rows.map((r) => r.revenue), marker: { color: rows.map((r) => (r.revenue >= mean ? p.series[0] : alpha(p.series[0], 0.45))) }, customdata: rows.map((r) => r.revenue_share), hovertemplate: `%{x}<br>revenue ${fmt.currencyHover()} (%{customdata:.1%})<extra></extra>` },
      { type: 'scatter', mode: 'lines+markers', name: 'orders', yaxis: 'y2', x, y: rows.map((r) => r.orders), line: { color: p.series[2], width: 2 }, hovertemplate: '%{x}<br>%{y:,} orders<extra></extra>' },
    ], {
      xaxis: { type: 'category', tickangle: options.season === 'hour' ? -45 : 0 },
      yaxis: { title: { text: 'revenue' }, tickformat: '~s', tickprefix: fmt.currencySymbol() },
      yaxis2: { title: { text: 'orders' }, overlaying: 'y', side: 'right', showgrid: false, rangemode: 'tozero' },
      legend: { y: -0.22 },
    });
    season.setNote(`Revenue and orders by ${{ month_of_year: 'month of the year', weekday: 'weekday', hour: 'hour of the day' }[options.season]}; darker bars are above the mean`);
  }).catch(() => {}));
  drawSeason();
}
