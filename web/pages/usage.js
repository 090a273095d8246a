// Feature Usage: totals and adoption, series per feature, engagement matrix, correlation heatmap;
// filters on dates, features, RFM segments and the period (GET /api/v1/usage views).
import * as api from '../lib/api.js';
import * as fmt from '../lib/format.js';
import * as state from '../lib/state.js';
import { h, clear, chartCard, card, kpi, skeleton, table, segmented, field, showError, markInvalid, swatch } from '../lib/ui.js';
import { plot, withChart, emptyChart, loading, heatmapTrace, declutterLabels, onPointClick } from '../lib/charts.js';
import { multiSelect, filterBar } from '../lib/filters.js';
import { seriesColor, divergingScale, palette, alpha } from '../lib/palette.js';
import { rfmSegments } from '../lib/meta.js';
import * as view from '../lib/view.js';
import { needs, rangeOf, rangeFilter } from './common.js';

// The dates, features and segments are the view's (in the URL, shared with the other pages);
// the period and metric switches redraw one chart.
const filters = { from: '', to: '', features: null, segment: null, period: 'month', metric: 'events' };

export async function render(ctx) {
  if (needs(ctx, 'usage', 'Feature usage')) return;
  const d = state.dataset('usage');
  Object.assign(filters, rangeOf(ctx), { features: view.list(ctx.params, 'features'), segment: view.list(ctx.params, 'segment') });
  ctx.setSubtitle(`${state.KIND_LABEL[d.kind]} · ${d.source} · ${fmt.int(d.users)} users · ${fmt.dateRange(d.first_day, d.last_day)}`);
  const dataset = state.dsParam('usage');

  // All features (unfiltered) fix the order and the colour of each feature on every chart.
  const all = await ctx.track(api.get('usage', { dataset }, { signal: ctx.signal }));
  const featureNames = all.features.map((f) => f.feature);
  const colorOf = new Map(featureNames.map((f, i) => [f, seriesColor(i)]));
  const color = (f) => colorOf.get(f) || palette().faint;

  const errorEl = h('div');
  const filterEl = filterBar(
    rangeFilter(ctx, d),
    multiSelect({ label: 'Features', name: 'features', noun: 'features', options: featureNames, selected: filters.features, colors: (f) => color(f), signal: ctx.signal, onChange: (list) => ctx.setParams({ features: list }) }),
    multiSelect({ label: 'RFM segment', name: 'segment', noun: 'segments', options: rfmSegments(), selected: filters.segment, signal: ctx.signal, onChange: (list) => ctx.setParams({ segment: list }) }),
    field('Period', segmented([['day', 'Day'], ['week', 'Week'], ['month', 'Month']], filters.period, (p) => { filters.period = p; refreshSeries(); }, { name: 'period' })),
  );

  const kpisEl = h('div.kpis', { dataset: { testid: 'usage-kpis' } }, Array.from({ length: 4 }, () => h('div.kpi', skeleton(2))));
  const totals = chartCard({ title: 'Events and adoption per feature', note: 'Bars: events; dots: adoption (share of active users who used it)', chartId: 'usage-totals' });
  const series = chartCard({
    title: 'Usage over time',
    note: 'Per feature and period',
    chartId: 'usage-series',
    actions: segmented([['events', 'Events'], ['users', 'Users']], filters.metric, (m) => { filters.metric = m; refreshSeries(); }, { name: 'metric' }),
  });
  const engagement = chartCard({ title: 'Engagement matrix', note: 'Breadth (adoption) against frequency (days of use per user); bubble size: events per user', chartId: 'usage-engagement' });
  const correlation = chartCard({ title: 'Feature correlation', note: 'Pearson correlation of per-user event totals', chartId: 'usage-correlation', size: 'tall', scroll: true });
  const tableEl = h('div', skeleton(5));

  ctx.root.append(
    filterEl, errorEl,
    h('div', { style: { marginTop: '12px' } }, kpisEl),
    h('div.grid.cols-2', { style: { marginTop: '16px' } }, totals.card, series.card),
    h('div.grid.cols-2', { style: { marginTop: '16px' } }, engagement.card, correlation.card),
    h('div', { style: { marginTop: '16px' } }, card({ title: 'Feature table' }, tableEl)),
  );

  const params = () => ({ dataset, from: filters.from, to: filters.to, features: filters.features, segment: filters.segment });
  const noFeatures = () => filters.features && filters.features.length === 0;
  const onError = (err) => {
    if (api.isAbort(err)) return;
    markInvalid(filterEl, err.parameter);
    showError(errorEl, err, { title: err.parameter ? `Check the ${err.parameter} filter` : undefined });
  };

  const refreshSeries = () => ctx.track((async () => {
    if (noFeatures()) { emptyChart(series.chart, 'No feature selected', 'Pick one or more features in the filter above.'); return; }
    series.setNote(`${filters.metric === 'users' ? 'Distinct users' : 'Events'} per feature and ${filters.period}`);
    await withChart(series.chart, () => api.get('usage', { ...params(), view: 'series', period: filters.period === 'month' ? '' : filters.period }, { signal: ctx.signal }), async (s) => {
      const byFeature = new Map();
      for (const row of s.series) {
        if (!byFeature.has(row.feature)) byFeature.set(row.feature, { x: [], y: [] });
        const t = byFeature.get(row.feature);
        t.x.push(row.period);
        t.y.push(row[filters.metric]);
      }
      if (!byFeature.size) { emptyChart(series.chart, 'Nothing in this selection', 'No activity matches the filters; widen the dates or the segments.'); return; }
      const order = featureNames.filter((f) => byFeature.has(f));
      const traces = order.map((f) => ({
        type: 'scatter', mode: s.series.length / order.length > 60 ? 'lines' : 'lines+markers', name: f,
        x: byFeature.get(f).x, y: byFeature.get(f).y, line: { color: color(f), width: 2 }, marker: { size: 5 },
        hovertemplate: `${f}<br>%{x}: %{y:,}<extra></extra>`,
      }));
      // A period the shown days cover in part (the data or the date filter cuts it) reads low: shaded.
      const partial = s.partial_periods || [];
      const periods = [...new Set(s.series.map((row) => row.period))];
      series.setNote(`${filters.metric === 'users' ? 'Distinct users' : 'Events'} per feature and ${filters.period}${partial.length ? `; shaded: partial ${filters.period}s, ${partial.map((x) => fmt.partialText(x)).join(', ')}` : ''}`);
      await plot(series.chart, traces, {
        shapes: partial.filter((x) => periods.includes(x.period)).map((x) => ({ type: 'rect', xref: 'x', yref: 'paper', x0: periods.indexOf(x.period) - 0.5, x1: periods.indexOf(x.period) + 0.5, y0: 0, y1: 1, fillcolor: palette().faint, opacity: 0.18, line: { width: 0 } })),
        xaxis: { type: 'category', tickangle: -30, nticks: 14 },
        yaxis: { rangemode: 'tozero', title: { text: filters.metric === 'users' ? 'users' : 'events' } },
        legend: { y: -0.3 },
        hovermode: 'x unified',
      });
    }).catch(onError);
  })());

  const refresh = () => {
    clear(errorEl);
    markInvalid(filterEl, null);
    refreshSeries();
    if (noFeatures()) {
      emptyChart(totals.chart, 'No feature selected', 'Pick one or more features in the filter above.');
      emptyChart(engagement.chart, 'No feature selected');
      emptyChart(correlation.chart, 'No feature selected');
      clear(tableEl);
      clear(kpisEl);
      return;
    }
    ctx.track(withChart(totals.chart, () => api.get('usage', params(), { signal: ctx.signal }), async (u) => {
      drawKpis(kpisEl, u, all);
      if (!u.features.length || !u.active_users) {
        emptyChart(totals.chart, 'Nothing in this selection', 'No activity matches the filters; widen the dates or the segments.');
        clear(tableEl);
        return;
      }
      const f = [...u.features].reverse();
      await plot(totals.chart, [
        { type: 'bar', orientation: 'h', name: 'Events', y: f.map((x) => x.feature), x: f.map((x) => x.events), marker: { color: f.map((x) => color(x.feature)) }, hovertemplate: '%{y}: %{x:,} events<extra></extra>' },
        { type: 'scatter', mode: 'markers', name: 'Adoption', xaxis: 'x2', y: f.map((x) => x.feature), x: f.map((x) => x.adoption), marker: { color: palette().text, size: 9, symbol: 'diamond' }, hovertemplate: '%{y}: %{x:.1%} adoption<extra></extra>' },
      ], {
        margin: { l: 110, t: 36 },
        xaxis: { title: { text: 'events' } },
        xaxis2: { overlaying: 'x', side: 'top', tickformat: '.0%', range: [0, 1.02], showgrid: false, tickfont: { color: palette().muted, size: 11 } },
        yaxis: { automargin: true },
        showlegend: false,
        bargap: 0.35,
      });
      // A feature's bar lists its users (in the dates and segments chosen).
      onPointClick(totals.chart, (pt) => { if (pt.data.type === 'bar') ctx.navigate(ctx.link('users', { feature: pt.y })); });
      clear(tableEl, table([
        { key: 'feature', label: 'Feature', render: (r) => h('span.row', swatch(color(r.feature)), h('a', { href: ctx.link('users', { feature: r.feature }), dataset: { featureLink: r.feature } }, r.feature)) },
        { key: 'events', label: 'Events', num: true, format: fmt.int },
        { key: 'events_share', label: 'Share of events', num: true, format: (v) => fmt.pct(v) },
        { key: 'users', label: 'Users', num: true, format: fmt.int },
        { key: 'adoption', label: 'Adoption', num: true, format: (v) => fmt.pct(v) },
      ], u.features, { testid: 'features' }));
    }).catch(onError));

    ctx.track(withChart(engagement.chart, () => api.get('usage', { ...params(), view: 'engagement' }, { signal: ctx.signal }), async (e) => {
      const rows = e.features.filter((r) => r.users > 0);
      if (!rows.length) { emptyChart(engagement.chart, 'Nothing in this selection'); return; }
      const maxEpu = Math.max(...rows.map((r) => r.events_per_user));
      const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
      const mb = median(rows.map((r) => r.breadth));
      const mf = median(rows.map((r) => r.frequency));
      const p = palette();
      await plot(engagement.chart, [{
        type: 'scatter', mode: 'markers+text', cliponaxis: false, x: rows.map((r) => r.breadth), y: rows.map((r) => r.frequency),
        text: rows.map((r) => r.feature), textposition: 'top center', textfont: { size: 11, color: p.muted },
        customdata: rows.map((r) => [r.users, r.events_per_user]),
        marker: { size: rows.map((r) => 12 + 34 * Math.sqrt(r.events_per_user / (maxEpu || 1))), color: rows.map((r) => alpha(color(r.feature), 0.75)), line: { color: rows.map((r) => color(r.feature)), width: 1 } },
        hovertext: rows.map((r) => r.feature),
        hovertemplate: '<b>%{hovertext}</b><br>breadth %{x:.1%}<br>%{y:.1f} days of use per user<br>%{customdata[0]:,} users, %{customdata[1]:.1f} events each<extra></extra>',
      }], {
        xaxis: { title: { text: 'breadth: share of active users' }, tickformat: '.0%', range: [-0.06, Math.min(1.1, Math.max(...rows.map((r) => r.breadth)) + 0.12)] },
        yaxis: { title: { text: 'frequency: days of use per user' }, rangemode: 'tozero' },
        showlegend: false,
        shapes: [
          { type: 'line', xref: 'x', yref: 'paper', x0: mb, x1: mb, y0: 0, y1: 1, line: { color: p.border, dash: 'dot' } },
          { type: 'line', xref: 'paper', yref: 'y', x0: 0, x1: 1, y0: mf, y1: mf, line: { color: p.border, dash: 'dot' } },
        ],
        annotations: [
          { xref: 'paper', yref: 'paper', x: 1, y: 1, xanchor: 'right', yanchor: 'top', text: 'core', showarrow: false, font: { color: p.faint, size: 11 } },
          { xref: 'paper', yref: 'paper', x: 0, y: 1, xanchor: 'left', yanchor: 'top', text: 'niche but deep', showarrow: false, font: { color: p.faint, size: 11 } },
          { xref: 'paper', yref: 'paper', x: 1, y: 0, xanchor: 'right', yanchor: 'bottom', text: 'broad but shallow', showarrow: false, font: { color: p.faint, size: 11 } },
          { xref: 'paper', yref: 'paper', x: 0, y: 0, xanchor: 'left', yanchor: 'bottom', text: 'adoption gap', showarrow: false, font: { color: p.faint, size: 11 } },
        ],
      });
      await declutterLabels(engagement.chart);
    }).catch(onError));

    ctx.track(withChart(correlation.chart, () => api.get('usage', { ...params(), view: 'correlation' }, { signal: ctx.signal }), async (c) => {
      if (!c.features || c.features.length < 2) { emptyChart(correlation.chart, 'Needs two features or more', 'Select at least two features to see how their use goes together.'); return; }
      const z = c.matrix.map((row) => row.map((v) => (v === null || v === undefined ? null : v)));
      await plot(correlation.chart, [heatmapTrace({
        x: c.features, y: c.features, z, zmin: -1, zmax: 1, colorscale: divergingScale(),
        text: z.map((row) => row.map((v) => (v === null ? '' : v.toFixed(2)))),
        hovertemplate: '%{y} × %{x}: %{z:.2f}<extra></extra>',
      })], { margin: { l: 100, b: 90, t: 8 }, xaxis: { tickangle: -40, showgrid: false }, yaxis: { autorange: 'reversed', showgrid: false } });
      correlation.setNote(`Pearson correlation of per-user event totals over ${fmt.int(c.users)} users`);
    }).catch(onError));
  };

  for (const el of [totals.chart, series.chart, engagement.chart, correlation.chart]) loading(el);
  refresh();
}

function drawKpis(el, u, all) {
  const top = u.features[0];
  const lowest = [...u.features].sort((a, b) => a.adoption - b.adoption)[0];
  clear(el,
    kpi('Active users', fmt.int(u.active_users), u.filters && (u.filters.users !== null || u.filters.from || u.filters.to) ? `of ${fmt.int(all.active_users)} in all the data` : 'in the selection', { accent: true, testid: 'active_users' }),
    kpi('Events', fmt.compact(u.events), `${fmt.pct(all.events ? u.events / all.events : null)} of all events`, { testid: 'events' }),
    kpi('Most used', top ? top.feature : fmt.DASH, top ? `${fmt.pct(top.events_share)} of events` : null, { testid: 'top' }),
    kpi('Lowest adoption', lowest ? lowest.feature : fmt.DASH, lowest ? `${fmt.pct(lowest.adoption)} of active users` : null, { testid: 'lowest' }),
  );
}
