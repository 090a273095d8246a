// Cohorts: retention heatmap with period, mode and value switches and the retention curves
// (/cohorts), growth accounting (/lifecycle) and weekly stickiness (/lifecycle?view=stickiness).
import * as api from '../lib/api.js';
import * as fmt from '../lib/format.js';
import * as state from '../lib/state.js';
import { h, clear, card, chartCard, segmented, field, showError, markInvalid, dataNotes } from '../lib/ui.js';
import { plot, withChart, emptyChart, heatmapTrace, onPointClick } from '../lib/charts.js';
import { filterBar } from '../lib/filters.js';
import { sequentialScale, palette, alpha, seriesColor } from '../lib/palette.js';
import { eventNames, eventInput } from '../lib/events.js';
import { noData, rangeOf, rangeFilter } from './common.js';

const DEFAULT_MAX = { month: '', week: 26, day: 30 };
const options = { period: 'month', mode: 'on', values: 'percent', maxPeriods: '', lifecycle: 'month' };

export async function render(ctx) {
  const kind = ctx.kind;
  if (!kind) return noData(ctx);
  const d = state.dataset(kind);
  const who = state.whoWord(kind);
  if (kind !== 'transactions' && options.values === 'revenue') options.values = 'percent';
  ctx.setSubtitle(`${state.KIND_LABEL[d.kind]} · ${d.source} · ${fmt.dateRange(d.first_day, d.last_day)}`);

  const errorEl = h('div');
  const range = rangeOf(ctx);
  const maxInput = h('input', { type: 'number', min: 1, step: 1, value: options.maxPeriods, placeholder: 'all', dataset: { param: 'max-periods', filter: 'max-periods' }, style: { width: '90px' } });
  maxInput.addEventListener('change', () => { options.maxPeriods = maxInput.value; refreshCohorts(); });
  const valueChoices = [['percent', 'Share'], ['count', `${who[0].toUpperCase()}${who.slice(1)}`]];
  if (kind === 'transactions') valueChoices.push(['revenue', 'Revenue']);
  const bar = filterBar(
    rangeFilter(ctx, d),
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

  const heat = chartCard({ title: 'Retention by cohort', note: '', chartId: 'cohort-heatmap', size: 'tall', scroll: true });
  const curves = chartCard({ title: 'Retention curves', note: 'The size-weighted average and the latest cohorts', chartId: 'cohort-curves' });
  const life = chartCard({
    title: 'Growth accounting',
    note: `New, returning and resurrecting ${who} above zero, dormant below; quick ratio = (new + resurrecting) / dormant`,
    chartId: 'lifecycle',
    actions: segmented([['month', 'Month'], ['week', 'Week']], options.lifecycle, (v) => { options.lifecycle = v; refreshLifecycle(); }, { name: 'lifecycle-period' }),
  });
  const sticky = chartCard({ title: 'Weekly stickiness', note: `How many days a week active ${who} come back`, chartId: 'stickiness' });

  const heatNotes = h('div');
  const lifeNotes = h('div');
  heat.card.append(heatNotes);
  life.card.append(lifeNotes);
  ctx.root.append(
    bar, errorEl,
    h('div', { style: { marginTop: '16px' } }, heat.card),
    h('div.grid.cols-2', { style: { marginTop: '16px' } }, curves.card, sticky.card),
    h('div', { style: { marginTop: '16px' } }, life.card),
  );

  const onError = (err, where = errorEl) => {
    if (api.isAbort(err)) return;
    markInvalid(bar, err.parameter);
    showError(where, err);
  };
  // With an event log held: retention by behaviour, below the activity retention.
  const behaviour = state.dataset('events') ? await behaviourSection(ctx, { options, range, onError }) : null;
  if (behaviour) curves.card.parentElement.after(behaviour.section);

  const refreshCohorts = () => {
    clear(errorEl);
    markInvalid(bar, null);
    // Defaults are left out (month, on, percent) so the first view is the one the server warmed.
    const params = { dataset: state.dsParam(kind), from: range.from, to: range.to, period: options.period === 'month' ? '' : options.period, mode: options.mode === 'on' ? '' : options.mode, values: options.values === 'percent' ? '' : options.values, 'max-periods': options.maxPeriods };
    const load = api.get('cohorts', params, { signal: ctx.signal });
    const unit = options.period;
    ctx.track(withChart(heat.chart, () => load, async (c) => {
      clear(heatNotes, dataNotes(c.notes, 'cohort-notes'));
      const cohorts = await drawHeatmap(heat.chart, c, { unit, who });
      if (!cohorts) return;
      // A cell lists the cohort's users active in that period.
      onPointClick(heat.chart, (pt) => {
        const [row, col] = Array.isArray(pt.pointIndex) ? pt.pointIndex : [pt.pointNumber[0], pt.pointNumber[1]];
        const cohort = cohorts[row];
        if (!cohort || pt.z === null || pt.z === undefined) return;
        ctx.navigate(ctx.link('users', { cohort: cohort.cohort, age: col, 'cohort-period': unit === 'month' ? null : unit }));
      });
      const signup = kind === 'usage' && d.cleaning && d.cleaning.columns && d.cleaning.columns.signup;
      heat.setNote(`${c.mode === 'on' ? 'Active in' : 'Active in or after'} each ${unit} since the ${signup ? 'signup' : 'first activity'}; ${valuesText(c, who)}. Empty cells lie outside the data; * marks a ${unit} the data covers in part.`);
    }).catch(onError));

    ctx.track(withChart(curves.chart, () => load, (c) => drawCurves(curves, c, { unit, who })).catch(() => {}));
    if (behaviour) behaviour.refresh();
  };

  const refreshLifecycle = () => {
    ctx.track(withChart(life.chart, () => api.get('lifecycle', { dataset: state.dsParam(kind), from: range.from, to: range.to, period: options.lifecycle === 'month' ? '' : options.lifecycle }, { signal: ctx.signal }), async (l) => {
      const rows = l.periods || [];
      const p = palette().lifecycle;
      const x = rows.map((r) => r.period);
      const isPartial = rows.map((r) => r.days_in_data < r.days);
      const partial = rows.map((r, i) => (isPartial[i] ? ` (partial: ${fmt.int(r.days_in_data)} of ${fmt.int(r.days)} days)` : ''));
      // A period the data covers in part is drawn faded, its quick ratio as an open marker.
      const bar = (key, color, sign = 1) => ({
        type: 'bar', name: key, x, y: rows.map((r) => sign * r[key]), marker: { color, opacity: isPartial.map((f) => (f ? 0.4 : 1)) },
        customdata: partial, hovertemplate: `%{x}%{customdata}<br>${key}: %{y:,}<extra></extra>`,
      });
      const flagged = rows.map((r, i) => ({ r, i })).filter(({ i }) => isPartial[i]);
      clear(lifeNotes, dataNotes(flagged.map(({ r }) => `${fmt.date(r.period)} is partial: the data covers ${fmt.int(r.days_in_data)} of its ${fmt.int(r.days)} days, so it has fewer active ${who}, more dormant ones and a quick ratio that reads low.`), 'lifecycle-notes'));
      await plot(life.chart, [
        bar('new', p.new), bar('returning', p.returning), bar('resurrecting', p.resurrecting), bar('dormant', p.dormant, -1),
        { type: 'scatter', mode: 'lines+markers', name: 'quick ratio', yaxis: 'y2', x, y: rows.map((r) => r.quick_ratio), line: { color: palette().text, width: 2 }, marker: { size: isPartial.map((f) => (f ? 9 : 5)), symbol: isPartial.map((f) => (f ? 'circle-open' : 'circle')) }, customdata: partial, connectgaps: false, hovertemplate: '%{x}%{customdata}<br>quick ratio %{y:.2f}<extra></extra>' },
      ], {
        annotations: flagged.map(({ r }) => ({ x: r.period, yref: 'paper', y: 1, yanchor: 'bottom', text: 'partial', showarrow: false, font: { size: 10, color: palette().muted } })),
        barmode: 'relative',
        xaxis: { type: 'category', tickangle: rows.length > 14 ? -45 : 0 },
        yaxis: { title: { text: who } },
        yaxis2: { title: { text: 'quick ratio' }, overlaying: 'y', side: 'right', showgrid: false, rangemode: 'tozero', tickformat: '.1f' },
        shapes: [{ type: 'line', xref: 'paper', x0: 0, x1: 1, yref: 'y2', y0: 1, y1: 1, line: { color: palette().faint, dash: 'dot', width: 1 } }],
        legend: { y: -0.2 },
      });
    }).catch(onError));
  };

  ctx.track(withChart(sticky.chart, () => api.get('lifecycle', { dataset: state.dsParam(kind), from: range.from, to: range.to, view: 'stickiness' }, { signal: ctx.signal }), async (s) => {
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

/** What the cells hold, in words. */
function valuesText(c, who) {
  return c.values === 'percent' ? 'share of the cohort' : c.values === 'revenue' ? 'revenue' : who;
}

/**
 * The retention heatmap of a /cohorts answer: cohorts that started before the data in a grey
 * layer of their own. Returns the cohorts drawn (null when there are none).
 */
async function drawHeatmap(el, c, { unit, who }) {
  const cohorts = c.cohorts || [];
  if (!cohorts.length) { emptyChart(el, 'No cohorts', 'No activity to group into cohorts.'); return null; }
  const width = Math.max(...cohorts.map((r) => r.values.length));
  const x = Array.from({ length: width }, (_, i) => String(i));
  // Cohorts that started before the data show only their survivors: greyed, apart from the average.
  const y = cohorts.map((r) => `${r.cohort} (${fmt.int(r.size)})${r.left_censored ? ' · before data' : ''}`);
  const cell = (r, i) => (r.values[i] === undefined ? null : r.values[i]);
  const z = cohorts.map((r) => x.map((_, i) => (r.left_censored ? null : cell(r, i))));
  const zGrey = cohorts.map((r) => x.map((_, i) => (r.left_censored ? cell(r, i) : null)));
  const partial = cohorts.map((r) => x.map((_, i) => ((r.partial_periods || []).includes(i) ? ' (partial)' : '')));
  const cells = z.length * width;
  const isShare = c.values === 'percent';
  const label = (v, flag) => (v === null ? '' : `${isShare ? fmt.pct(v, 0) : c.values === 'revenue' ? fmt.moneyCompact(v) : fmt.compact(v)}${flag ? '*' : ''}`);
  const texts = (grid) => (cells <= 700 ? grid.map((row, ri) => row.map((v, i) => label(v, partial[ri][i]))) : undefined);
  let zmax;
  if (isShare) {
    // Activity retention is 100% in period 0 by construction: scale the colours on the later
    // periods. Retention by behaviour is not (a return event in period 0 is a result).
    const behaviour = Boolean(c.start_event || c.return_event);
    const scaled = z.flatMap((row) => (behaviour ? row : row.slice(1))).filter((v) => v !== null);
    zmax = Math.max(0.05, ...scaled);
  }
  const value = isShare ? '%{z:.1%}' : c.values === 'revenue' ? fmt.currencyHover('z') : '%{z:,.0f}';
  const traces = [heatmapTrace({
    x, y, z, zmin: 0, zmax,
    text: texts(z),
    colorscale: sequentialScale(),
    hovertemplate: `cohort %{y}<br>${unit} %{x}: ${value}%{customdata}<extra></extra>`,
    colorbarTitle: isShare ? 'retained' : c.values === 'revenue' ? 'revenue' : who,
  })].map((t) => ({ ...t, customdata: partial, ...(isShare ? { colorbar: { ...t.colorbar, tickformat: '.0%' } } : {}) }));
  if (cohorts.some((r) => r.left_censored)) {
    const p = palette();
    traces.push({
      ...heatmapTrace({
        x, y, z: zGrey, zmin: 0, zmax, text: texts(zGrey), showscale: false,
        colorscale: [[0, alpha(p.faint, 0.15)], [1, alpha(p.faint, 0.6)]],
        hovertemplate: `cohort %{y}: started before the data, only its ${who} still active then are seen; not in the average<br>${unit} %{x}: ${value}<extra></extra>`,
      }),
      name: 'before data',
    });
  }
  await plot(el, traces, {
    xaxis: { title: { text: `${unit}s since the cohort's first ${unit}` }, side: 'top', showgrid: false, type: 'category' },
    yaxis: { autorange: 'reversed', showgrid: false, type: 'category', tickfont: { size: cohorts.length > 40 ? 8 : 11 } },
    margin: { t: 40, l: cohorts.some((r) => r.left_censored) ? 190 : 120 },
  }, { responsive: true });
  return cohorts;
}

/** The retention curves of a /cohorts answer: the size-weighted average and the latest cohorts. */
async function drawCurves(chartCardObj, c, { unit, who }) {
  const el = chartCardObj.chart;
  // The cohorts the average is over: started inside the data.
  const cohorts = (c.cohorts || []).filter((r) => !r.left_censored && r.values.some((v) => v !== null));
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
  if (!traces.length) { emptyChart(el, 'No curves'); return; }
  await plot(el, traces, {
    xaxis: { title: { text: `${unit}s since the start` }, dtick: avg.length > 12 ? undefined : 1, rangemode: 'tozero' },
    yaxis: { tickformat: c.values === 'revenue' ? ',.0f' : '.0%', rangemode: 'tozero', title: { text: c.values === 'revenue' ? 'revenue per cohort customer' : 'retained' } },
    legend: { y: -0.25 },
  });
  const left = (c.cohorts || []).filter((r) => r.left_censored).length;
  chartCardObj.setNote(`The size-weighted average (bold, ${fmt.int(c.average_users)} ${who}) and the latest ${latest.length} cohorts${left ? `; ${fmt.plural(left, 'cohort')} that started before the data ${left === 1 ? 'is' : 'are'} left out` : ''}${(c.partial_periods || []).length ? `; partial ${unit}s left out of the average` : ''}`);
}

/**
 * Retention by behaviour (event logs): cohorts of the users who did a start event, by the period
 * of their first one, retained in a period when they did the return event in it. The events are
 * the view's (URL start-event, return-event); period, mode, values and periods shown the page's.
 */
async function behaviourSection(ctx, { options, range, onError }) {
  // Without the names the fields still take them (the API checks them); the section never stops the page.
  const names = await ctx.track(eventNames(ctx.signal).catch(() => []));
  const startEvent = ctx.params.get('start-event') || '';
  const returnEvent = ctx.params.get('return-event') || '';
  const startInput = eventInput({ names, value: startEvent, param: 'start-event', label: 'Users who did', placeholder: 'any event (first activity)', onChange: (v) => ctx.setParams({ 'start-event': v }) });
  const returnInput = eventInput({ names, value: returnEvent, param: 'return-event', label: 'came back and did', placeholder: 'any event', onChange: (v) => ctx.setParams({ 'return-event': v }) });
  const controls = h('div.row', { role: 'group', 'aria-label': 'Retention by behaviour', dataset: { testid: 'behaviour-controls' }, style: { gap: '16px', flexWrap: 'wrap' } },
    field('Users who did', startInput), field('came back and did', returnInput));
  const errorEl = h('div');
  const heat = chartCard({ title: 'Return by cohort of the first event', note: '', chartId: 'behaviour-heatmap', size: 'tall', scroll: true });
  const curves = chartCard({ title: 'Return curves', note: '', chartId: 'behaviour-curves' });
  const notes = h('div');
  heat.card.append(notes);
  const section = h('div', { dataset: { testid: 'behaviour-retention' }, style: { marginTop: '24px' } },
    card({ title: 'Retention by behaviour', note: 'From the event log: the users who did one event, by the period they first did it, and whether they came back and did another. The period, active and values switches above apply.' }, controls, errorEl),
    h('div', { style: { marginTop: '16px' } }, heat.card),
    h('div', { style: { marginTop: '16px' } }, curves.card));

  const refresh = () => {
    clear(errorEl);
    markInvalid(controls, null);
    const unit = options.period;
    // Revenue is not a behaviour: the section shows shares then.
    const values = options.values === 'count' ? 'count' : '';
    const load = api.get('cohorts', {
      dataset: state.dsParam('events'), from: range.from, to: range.to, period: unit === 'month' ? '' : unit,
      mode: options.mode === 'on' ? '' : options.mode, values, 'max-periods': options.maxPeriods,
      'start-event': startEvent, 'return-event': returnEvent,
    }, { signal: ctx.signal });
    const fail = (err) => { if (!api.isAbort(err)) { markInvalid(controls, err.parameter); onError(err, errorEl); } };
    ctx.track(withChart(heat.chart, () => load, async (c) => {
      clear(notes, dataNotes(c.notes, 'behaviour-notes'));
      await drawHeatmap(heat.chart, c, { unit, who: 'users' });
      const did = c.start_event ? `did ${c.start_event}` : 'were first active';
      const back = c.return_event ? `did ${c.return_event}` : 'were active';
      heat.setNote(`Users who ${did}, by the ${unit} they first did; those who ${back} ${c.mode === 'on' ? 'in' : 'in or after'} each ${unit} since; ${valuesText(c, 'users')}. Empty cells lie outside the data; * marks a ${unit} the data covers in part.`);
    }).catch(fail));
    ctx.track(withChart(curves.chart, () => load, (c) => drawCurves(curves, c, { unit, who: 'users' })).catch(() => {}));
  };
  return { section, refresh };
}
