// Cohorts: retention heatmap with period, mode and value switches and the retention curves
// (/cohorts), growth accounting (/lifecycle) and weekly stickiness (/lifecycle?view=stickiness).
import * as api from '../lib/api.js';
import * as fmt from '../lib/format.js';
import * as state from '../lib/state.js';
import { h, clear, chartCard, segmented, field, showError, markInvalid } from '../lib/ui.js';
import { plot, withChart, emptyChart, heatmapTrace } from '../lib/charts.js';
import { filterBar } from '../lib/filters.js';
import { sequentialScale, palette, alpha, seriesColor } from '../lib/palette.js';
import { noData } from './common.js';

const DEFAULT_MAX = { month: '', week: 26, day: 30 };
const options = { period: 'month', mode: 'on', values: 'percent', maxPeriods: '', lifecycle: 'month' };

export async function render(ctx) {
  const kind = ctx.kind;
  if (!kind) return noData(ctx);
  const d = state.dataset(kind);
  const who = state.whoWord(kind);
  if (kind !== 'transactions' && options.values === 'revenue') options.values = 'percent';
  ctx.setSubtitle(`${state.KIND_LABEL[kind]} · ${d.source} · ${fmt.dateRange(d.first_day, d.last_day)}`);

  const errorEl = h('div');
  const maxInput = h('input', { type: 'number', min: 1, step: 1, value: options.maxPeriods, placeholder: 'all', dataset: { param: 'max-periods', filter: 'max-periods' }, style: { width: '90px' } });
  maxInput.addEventListener('change', () => { options.maxPeriods = maxInput.value; refreshCohorts(); });
  const valueChoices = [['percent', 'Share'], ['count', `${who[0].toUpperCase()}${who.slice(1)}`]];
  if (kind === 'transactions') valueChoices.push(['revenue', 'Revenue']);
  const bar = filterBar(
    field('Cohort period', segmented([['month', 'Month'], ['week', 'Week'], ['day', 'Day']], options.period, (v) => {
      options.period = v;
      options.maxPeriods = DEFAULT_MAX[v];
      maxInput.value = options.maxPeriods;
      refreshCohorts();
    }, { name: 'period' })),
    field('Active', segmented([['on', 'In period n'], ['on-or-after', 'In n or later']], options.mode, (v) => { options.mode = v; refreshCohorts(); }, { name: 'mode' })),
    field('Values', segmented(valueChoices, options.values, (v) => { options.values = v; refreshCohorts(); }, { name: 'values' })),
    field('Periods shown', maxInput),
  );

  const heat = chartCard({ title: 'Retention by cohort', note: '', chartId: 'cohort-heatmap', size: 'tall' });
  const curves = chartCard({ title: 'Retention curves', note: 'The size-weighted average and the latest cohorts', chartId: 'cohort-curves' });
  const life = chartCard({
    title: 'Growth accounting',
    note: `New, returning and resurrecting ${who} above zero, dormant below; quick ratio = (new + resurrecting) / dormant`,
    chartId: 'lifecycle',
    actions: segmented([['month', 'Month'], ['week', 'Week']], options.lifecycle, (v) => { options.lifecycle = v; refreshLifecycle(); }, { name: 'lifecycle-period' }),
  });
  const sticky = chartCard({ title: 'Weekly stickiness', note: `How many days a week active ${who} come back`, chartId: 'stickiness' });

  ctx.root.append(
    bar, errorEl,
    h('div', { style: { marginTop: '16px' } }, heat.card),
    h('div.grid.cols-2', { style: { marginTop: '16px' } }, curves.card, sticky.card),
    h('div', { style: { marginTop: '16px' } }, life.card),
  );

  const onError = (err) => {
    if (api.isAbort(err)) return;
    markInvalid(bar, err.parameter);
    showError(errorEl, err);
  };

  const refreshCohorts = () => {
    clear(errorEl);
    markInvalid(bar, null);
    // Defaults are left out (month, on, percent) so the first view is the one the server warmed.
    const params = { dataset: state.dsParam(kind), period: options.period === 'month' ? '' : options.period, mode: options.mode === 'on' ? '' : options.mode, values: options.values === 'percent' ? '' : options.values, 'max-periods': options.maxPeriods };
    const load = api.get('cohorts', params, { signal: ctx.signal });
    const unit = options.period;
    ctx.track(withChart(heat.chart, () => load, async (c) => {
      const cohorts = c.cohorts || [];
      if (!cohorts.length) { emptyChart(heat.chart, 'No cohorts', 'No activity to group into cohorts.'); return; }
      const width = Math.max(...cohorts.map((r) => r.values.length));
      const x = Array.from({ length: width }, (_, i) => String(i));
      const y = cohorts.map((r) => `${r.cohort} (${fmt.int(r.size)})`);
      const z = cohorts.map((r) => x.map((_, i) => (r.values[i] === undefined ? null : r.values[i])));
      const cells = z.length * width;
      const isShare = c.values === 'percent';
      const label = (v) => (v === null ? '' : isShare ? fmt.pct(v, 0) : fmt.compact(v));
      let zmax;
      if (isShare) {
        // Period 0 is 100% by construction; scale the colours on the later periods.
        const later = z.flatMap((row) => row.slice(1)).filter((v) => v !== null);
        zmax = Math.max(0.05, ...later);
      }
      await plot(heat.chart, [heatmapTrace({
        x, y, z, zmin: 0, zmax,
        text: cells <= 700 ? z.map((row) => row.map(label)) : undefined,
        colorscale: sequentialScale(),
        hovertemplate: `cohort %{y}<br>${unit} %{x}: %{z${isShare ? ':.1%' : ':,.0f'}}<extra></extra>`,
        colorbarTitle: isShare ? 'retained' : c.values === 'revenue' ? 'revenue' : who,
      })].map((t) => (isShare ? { ...t, colorbar: { ...t.colorbar, tickformat: '.0%' } } : t)), {
        xaxis: { title: { text: `${unit}s since the cohort's first ${unit}` }, side: 'top', showgrid: false, type: 'category' },
        yaxis: { autorange: 'reversed', showgrid: false, type: 'category', tickfont: { size: cohorts.length > 40 ? 8 : 11 } },
        margin: { t: 40, l: 120 },
      }, { responsive: true });
      const signup = kind === 'usage' && d.cleaning && d.cleaning.columns && d.cleaning.columns.signup;
      heat.setNote(`${c.mode === 'on' ? 'Active in' : 'Active in or after'} each ${unit} since the ${signup ? 'signup' : 'first activity'}; ${isShare ? 'share of the cohort' : c.values === 'revenue' ? 'revenue' : `${who}`}. Empty cells lie outside the data.`);
    }).catch(onError));

    ctx.track(withChart(curves.chart, () => load, async (c) => {
      const cohorts = (c.cohorts || []).filter((r) => r.values.some((v) => v !== null));
      const p = palette();
      // Curves always compare shares (or revenue per cohort customer), whatever the heatmap shows.
      const asShare = (r) => r.values.map((v) => (v === null ? null : c.values === 'percent' ? v : v / r.size));
      const latest = cohorts.slice(-8);
      const traces = latest.map((r, i) => ({
        type: 'scatter', mode: 'lines', name: r.cohort, x: asShare(r).map((_, n) => n), y: asShare(r),
        line: { color: alpha(seriesColor(i + 1), 0.55), width: 1.5 }, connectgaps: false,
        hovertemplate: `${r.cohort}<br>${unit} %{x}: %{y${c.values === 'revenue' ? ':,.2f' : ':.1%'}}<extra></extra>`,
      }));
      const avg = c.average || [];
      if (c.values !== 'revenue' || avg.length) {
        traces.push({
          type: 'scatter', mode: 'lines+markers', name: 'average', x: avg.map((_, n) => n), y: avg,
          line: { color: p.text, width: 3 }, marker: { size: 5 },
          hovertemplate: `average<br>${unit} %{x}: %{y${c.values === 'revenue' ? ':,.2f' : ':.1%'}}<extra></extra>`,
        });
      }
      if (!traces.length) { emptyChart(curves.chart, 'No curves'); return; }
      await plot(curves.chart, traces, {
        xaxis: { title: { text: `${unit}s since the start` }, dtick: avg.length > 12 ? undefined : 1, rangemode: 'tozero' },
        yaxis: { tickformat: c.values === 'revenue' ? ',.0f' : '.0%', rangemode: 'tozero', title: { text: c.values === 'revenue' ? 'revenue per cohort customer' : 'retained' } },
        legend: { y: -0.25 },
      });
      curves.setNote(`The size-weighted average (bold) and the latest ${latest.length} cohorts`);
    }).catch(() => {}));
  };

  const refreshLifecycle = () => {
    ctx.track(withChart(life.chart, () => api.get('lifecycle', { dataset: state.dsParam(kind), period: options.lifecycle === 'month' ? '' : options.lifecycle }, { signal: ctx.signal }), async (l) => {
      const rows = l.periods || [];
      const p = palette().lifecycle;
      const x = rows.map((r) => r.period);
      const partial = rows.map((r) => (r.days_in_data < r.days ? ' (partial)' : ''));
      const bar = (key, color, sign = 1) => ({
        type: 'bar', name: key, x, y: rows.map((r) => sign * r[key]), marker: { color },
        customdata: partial, hovertemplate: `%{x}%{customdata}<br>${key}: %{y:,}<extra></extra>`,
      });
      await plot(life.chart, [
        bar('new', p.new), bar('returning', p.returning), bar('resurrecting', p.resurrecting), bar('dormant', p.dormant, -1),
        { type: 'scatter', mode: 'lines+markers', name: 'quick ratio', yaxis: 'y2', x, y: rows.map((r) => r.quick_ratio), line: { color: palette().text, width: 2 }, marker: { size: 5 }, connectgaps: false, hovertemplate: '%{x}<br>quick ratio %{y:.2f}<extra></extra>' },
      ], {
        barmode: 'relative',
        xaxis: { type: 'category', tickangle: rows.length > 14 ? -45 : 0 },
        yaxis: { title: { text: who } },
        yaxis2: { title: { text: 'quick ratio' }, overlaying: 'y', side: 'right', showgrid: false, rangemode: 'tozero', tickformat: '.1f' },
        shapes: [{ type: 'line', xref: 'paper', x0: 0, x1: 1, yref: 'y2', y0: 1, y1: 1, line: { color: palette().faint, dash: 'dot', width: 1 } }],
        legend: { y: -0.2 },
      });
    }).catch(onError));
  };

  ctx.track(withChart(sticky.chart, () => api.get('lifecycle', { dataset: state.dsParam(kind), view: 'stickiness' }, { signal: ctx.signal }), async (s) => {
    const hist = s.histogram || [];
    await plot(sticky.chart, [{
      type: 'bar', x: hist.map((r) => String(r.active_days)), y: hist.map((r) => r.share),
      marker: { color: hist.map((r, i) => alpha(palette().primary, 0.35 + (0.65 * i) / 6)) },
      text: hist.map((r) => fmt.pct(r.share, 0)), textposition: 'outside', cliponaxis: false,
      customdata: hist.map((r) => r.user_weeks),
      hovertemplate: '%{x} active day(s) a week<br>%{y:.1%} of user-weeks (%{customdata:,})<extra></extra>',
    }], { xaxis: { title: { text: 'active days in the ISO week' }, dtick: 1 }, yaxis: { tickformat: '.0%', title: { text: 'share of user-weeks' } }, showlegend: false, margin: { t: 24 } });
    sticky.setNote(`${fmt.int(s.user_weeks)} user-weeks; ${fmt.num(s.mean_active_days, 2)} active days a week on average`);
  }).catch(() => {}));

  refreshCohorts();
  refreshLifecycle();
}
