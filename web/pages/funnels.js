// Funnels (event logs): steps picked from the event names, window and mode; the funnel with
// conversion and drop-off, time to convert, a breakdown, the trend by entry period and the users
// who dropped off at each step to download (GET /api/v1/funnel and /api/v1/funnel/export).
import * as api from '../lib/api.js';
import * as fmt from '../lib/format.js';
import * as state from '../lib/state.js';
import { h, clear, chartCard, card, kpi, skeleton, table, segmented, field, select, showError, markInvalid } from '../lib/ui.js';
import { plot, withChart, emptyChart, loading, onPointClick } from '../lib/charts.js';
import { filterBar } from '../lib/filters.js';
import { palette, seriesColor, alpha } from '../lib/palette.js';
import { paramValues } from '../lib/meta.js';
import { eventSteps } from '../lib/event_steps.js';
import { eventNames } from '../lib/events.js';
import * as view from '../lib/view.js';
import { needs } from './common.js';

/** The onboarding funnel of the demo data and of most products: the default when present. */
const ONBOARDING = ['sign_up', 'create_project', 'invite_teammate', 'first_report'];
const MODES = [
  ['default', 'In order', 'Each step at or after the previous one'],
  ['strict_order', 'Nothing between', 'The chain ends at any other event after the first step'],
  ['strict_increase', 'Strictly later', 'Each step strictly later than the previous one'],
  ['any_order', 'Any order', 'All the steps within the window, in any order'],
];
const UNITS = [['m', 'minutes'], ['h', 'hours'], ['d', 'days'], ['w', 'weeks']];
const OTHER_PROPERTY = 'property:';
const BY_LABEL = { cohort_month: 'Cohort month', rfm_segment: 'RFM segment', persona: 'Persona' };

/** The funnel the URL asks for, with the defaults filled in. */
function readView(params, names) {
  const steps = view.list(params, 'steps');
  const found = ONBOARDING.filter((e) => names.includes(e));
  const window = /^(\d+)([smhdw])$/.exec(params.get('window') || '') || [null, '14', 'd'];
  return {
    steps: steps && steps.length ? steps : found.length >= 2 ? found : names.slice(0, 3),
    exclude: view.list(params, 'exclude') || [],
    windowN: window[1],
    windowUnit: window[2],
    mode: MODES.some(([m]) => m === params.get('mode')) ? params.get('mode') : 'default',
    by: params.get('by') || '',
    trend: params.get('trend') === 'month' ? 'month' : 'week',
    pair: params.get('pair') || '',
  };
}

/** "sign_up → create_project". */
const arrow = (a, b) => `${a} → ${b}`;

export async function render(ctx) {
  if (needs(ctx, 'events', 'Funnels')) return;
  const d = state.dataset('events');
  const dataset = state.dsParam('events');
  ctx.setSubtitle(`${state.KIND_LABEL[d.kind]} · ${d.source} · ${fmt.int(d.users)} users · ${fmt.dateRange(d.first_day, d.last_day)}`);

  // The event names, most frequent first, for the suggestions and the default funnel.
  const names = await ctx.track(eventNames(ctx.signal));
  const v = readView(ctx.params, names);
  const properties = (d.cleaning && d.cleaning.properties && d.cleaning.properties.kept) || [];
  const byChoices = [
    ...paramValues('funnel', 'by').filter((b) => b !== 'none' && b !== 'property').map((b) => [b, BY_LABEL[b] || fmt.label(b)]),
    ...properties.map((p) => [`property:${p}`, fmt.label(p)]),
  ];
  // A property typed by hand (the data's report may not list its properties) is a choice too.
  if (/^property:./.test(v.by) && !byChoices.some(([b]) => b === v.by)) byChoices.push([v.by, fmt.label(v.by.slice(9))]);
  if (!byChoices.some(([b]) => b === v.by)) v.by = properties.length ? `property:${properties[0]}` : (byChoices[0] || [''])[0];
  byChoices.push([OTHER_PROPERTY, 'Another event property…']);
  const windowText = `${v.windowN}${v.windowUnit}`;
  const base = { dataset, steps: v.steps, window: windowText === '14d' ? '' : windowText, mode: v.mode === 'default' ? '' : v.mode, exclude: v.exclude };

  // ---------- the form: every change is a new view in the URL ----------
  const windowN = h('input', { type: 'number', min: 1, step: 1, value: v.windowN, dataset: { param: 'window', filter: 'window' }, 'aria-label': 'Window', style: { width: '80px' } });
  const windowUnit = select(UNITS, v.windowUnit, null, { 'aria-label': 'Window unit', dataset: { filter: 'window-unit' } });
  const setWindow = () => ctx.setParams({ window: `${Math.max(1, Math.round(Number(windowN.value) || 1))}${windowUnit.value}` });
  windowN.addEventListener('change', setWindow);
  windowUnit.addEventListener('change', setWindow);
  const modeSwitch = segmented(MODES.map(([m, text]) => [m, text]), v.mode, (m) => ctx.setParams({ mode: m === 'default' ? null : m }), { name: 'mode', label: 'Mode' });
  modeSwitch.dataset.param = 'mode';
  for (const b of modeSwitch.children) b.title = MODES.find(([m]) => m === b.dataset.value)[2];
  const bar = filterBar(
    field('Steps, in order', eventSteps({ names, value: v.steps, param: 'steps', label: 'Add a step', onChange: (list) => ctx.setParams({ steps: list, pair: null }) }),
      properties.length ? `An event name; only the events with one value of a property: ${v.steps[0] || names[0]}[${properties[0]}=value]` : null),
    field('Within', h('div.row', windowN, windowUnit), 'of the first step'),
    field('Mode', modeSwitch),
    field('Not done between steps', eventSteps({ names, value: v.exclude, param: 'exclude', placeholder: 'Add an event…', label: 'Add an event that breaks the funnel', ordered: false, onChange: (list) => ctx.setParams({ exclude: list }) })),
  );
  const errorEl = h('div', { dataset: { testid: 'funnel-error' } });

  const kpisEl = h('div.kpis', { dataset: { testid: 'funnel-kpis' } }, Array.from({ length: 4 }, () => h('div.kpi', skeleton(2))));
  const funnel = chartCard({ title: 'Funnel', note: '', chartId: 'funnel-steps' });
  const stepsTable = h('div', skeleton(4));
  const pairSelect = h('select', { 'aria-label': 'Step pair', dataset: { filter: 'pair' } });
  const times = chartCard({ title: 'Time to convert', note: '', chartId: 'funnel-times', actions: pairSelect });
  const timeStats = h('div.row.small', { dataset: { testid: 'funnel-time-stats' } });
  times.card.append(timeStats);
  const propertyInput = h('input', { type: 'text', placeholder: 'Property name', 'aria-label': 'Event property', hidden: true, dataset: { filter: 'by-property' }, style: { width: '140px' } });
  propertyInput.addEventListener('change', () => { if (propertyInput.value.trim()) ctx.setParams({ by: `property:${propertyInput.value.trim()}` }); });
  const bySelect = select(byChoices, v.by, (b) => {
    if (b !== OTHER_PROPERTY) { ctx.setParams({ by: b }); return; }
    propertyInput.hidden = false;
    propertyInput.focus();
  }, { 'aria-label': 'Break down by', dataset: { filter: 'by', param: 'by-property' } });
  const breakdown = chartCard({ title: 'Breakdown', note: '', chartId: 'funnel-breakdown', actions: h('div.row', bySelect, propertyInput) });
  const groupsTable = h('div');
  breakdown.card.append(groupsTable);
  const trend = chartCard({
    title: 'Conversion by entry period', note: '', chartId: 'funnel-trend',
    actions: segmented([['week', 'Week'], ['month', 'Month']], v.trend, (t) => ctx.setParams({ trend: t === 'week' ? null : t }), { name: 'trend' }),
  });

  ctx.root.append(
    bar, errorEl,
    h('div', { style: { marginTop: '12px' } }, kpisEl),
    h('div', { style: { marginTop: '16px' } }, funnel.card),
    h('div', { style: { marginTop: '16px' } }, card({ title: 'Steps', note: 'Download who stopped at a step to reach out to them' }, stepsTable)),
    h('div.grid.cols-2', { style: { marginTop: '16px' } }, times.card, trend.card),
    h('div', { style: { marginTop: '16px' } }, breakdown.card),
  );

  const onError = (err) => {
    if (api.isAbort(err)) return;
    markInvalid(ctx.root, err.parameter);
    showError(errorEl, err);
    // The error sits by the field it names.
    const target = err.parameter && ctx.root.querySelector(`[data-param="${CSS.escape(err.parameter)}"]`);
    const f = target && target.closest('.field');
    const head = target && !f && target.closest('.card') && target.closest('.card').querySelector('.card-head');
    if (f) f.append(errorEl);
    else if (head) head.after(errorEl);
  };
  for (const el of [funnel.chart, times.chart, breakdown.chart, trend.chart]) loading(el);
  if (v.steps.length < 2) {
    const hint = 'Add at least two steps: type an event name above and pick it from the suggestions.';
    for (const el of [funnel.chart, times.chart, breakdown.chart, trend.chart]) emptyChart(el, 'A funnel needs two steps or more', hint);
    clear(kpisEl);
    clear(stepsTable);
    return;
  }

  // ---------- the funnel, its steps and the time to convert ----------
  ctx.track(withChart(funnel.chart, () => api.get('funnel', base, { signal: ctx.signal }), async (f) => {
    const steps = f.steps;
    const first = steps[0].users;
    const last = steps[steps.length - 1];
    clear(kpisEl,
      kpi('Entered', fmt.int(first), `did ${steps[0].event}`, { accent: true, testid: 'entered' }),
      kpi('Completed', fmt.int(last.users), `did all ${steps.length} steps`, { testid: 'completed' }),
      kpi('Conversion', fmt.pct(last.conversion_from_first), 'from the first step to the last', { testid: 'conversion' }),
      kpi('Median time', fmt.duration(f.time_overall.median_seconds), `first to last step; p90 ${fmt.duration(f.time_overall.p90_seconds)}`, { testid: 'median-time' }),
    );
    const x = steps.map((s) => `${s.step}. ${s.event}`);
    const p = palette();
    await plot(funnel.chart, [
      {
        type: 'bar', name: 'Reached the step', x, y: steps.map((s) => s.users), marker: { color: p.primary },
        text: steps.map((s) => `${fmt.int(s.users)}<br>${fmt.pct(s.conversion_from_first)}`), textposition: 'inside', insidetextanchor: 'start',
        customdata: steps.map((s) => [s.conversion_from_previous, s.conversion_from_first]),
        hovertemplate: '%{x}<br>%{y:,} users<br>%{customdata[0]:.1%} of the previous step<br>%{customdata[1]:.1%} of the first<extra></extra>',
      },
      {
        type: 'bar', name: 'Dropped off before it', x, y: steps.map((s) => s.dropped), marker: { color: alpha(p.faint, 0.35) },
        text: steps.map((s, i) => (i && s.dropped ? `−${fmt.int(s.dropped)}` : '')), textposition: 'inside',
        customdata: steps.map((s) => 1 - s.conversion_from_previous),
        hovertemplate: '%{x}<br>%{y:,} users stopped before it (%{customdata:.1%})<extra></extra>',
      },
    ], { barmode: 'stack', bargap: 0.25, yaxis: { title: { text: 'users' }, rangemode: 'tozero' }, xaxis: { type: 'category' }, legend: { y: -0.22 } });
    funnel.setNote(`Users who did each step within ${fmt.duration(f.window_seconds)} of the first, ${MODES.find(([m]) => m === f.mode)[1].toLowerCase()}; grey: who stopped before the step (click to download them)`);
    clear(stepsTable, stepsTableOf(f, ctx, base));
    // A grey bar is the previous step's drop-off: its users to download.
    onPointClick(funnel.chart, (pt) => {
      const link = pt.curveNumber === 1 && pt.pointNumber > 0 && stepsTable.querySelector(`a[data-dropoff="${pt.pointNumber}"]`);
      if (link) link.click();
    });
    drawTimes(f);
  }).catch(onError));

  const drawTimes = (f) => {
    const steps = f.steps;
    const pairs = [...steps.slice(1).map((s, i) => [String(s.step), arrow(steps[i].event, s.event), s.time_from_previous]),
      ['all', `${arrow(steps[0].event, steps[steps.length - 1].event)} (whole funnel)`, f.time_overall]];
    const chosen = pairs.find(([k]) => k === v.pair) || pairs[pairs.length - 1];
    clear(pairSelect, pairs.map(([k, text]) => h('option', { value: k }, text)));
    pairSelect.value = chosen[0];
    // The pair chosen is kept in the URL without drawing the page again.
    pairSelect.onchange = () => {
      v.pair = pairSelect.value;
      ctx.setParams({ pair: v.pair }, { replace: true });
      drawTimes(f);
    };
    return ctx.track(drawHistogram(times, timeStats, chosen[2], f.window_seconds, chosen[1]));
  };

  // ---------- the breakdown ----------
  const [by, byProperty] = v.by.startsWith('property:') ? ['property', v.by.slice(9)] : [v.by, ''];
  if (by) {
    ctx.track(withChart(breakdown.chart, () => api.get('funnel', { ...base, by, 'by-property': byProperty }, { signal: ctx.signal }), async (f) => {
      const groups = f.groups || [];
      const label = (g) => g.group.replace(/^[a-z_]+=/, '');
      if (!groups.length) { emptyChart(breakdown.chart, 'No groups', 'No user in the funnel has a value to split by.'); clear(groupsTable); return; }
      const x = groups.map(label);
      await plot(breakdown.chart, f.steps.slice(1).map((s, i) => ({
        type: 'bar', name: `${s.step}. ${s.event}`, x, y: groups.map((g) => g.steps[i + 1].conversion_from_first),
        marker: { color: seriesColor(i) },
        customdata: groups.map((g) => [g.steps[i + 1].users, g.steps[0].users]),
        hovertemplate: `%{x}<br>${s.event}: %{y:.1%} (%{customdata[0]:,} of %{customdata[1]:,})<extra></extra>`,
      })), {
        barmode: 'group', yaxis: { tickformat: '.0%', title: { text: 'reached, of who entered' }, rangemode: 'tozero' },
        xaxis: { type: 'category', tickangle: groups.length > 8 ? -30 : 0 }, legend: { y: -0.25 },
      });
      const name = byChoices.find(([b]) => b === v.by)[1];
      breakdown.setNote(`Share of each group's entrants who reached each step, by ${name.toLowerCase()}${by === 'property' ? ' at the first step' : ''}`);
      clear(groupsTable, table([
        { key: 'group', label: name, render: (g) => label(g) },
        { key: 'entered', label: 'Entered', num: true, render: (g) => fmt.int(g.steps[0].users) },
        { key: 'completed', label: 'Completed', num: true, render: (g) => fmt.int(g.steps[g.steps.length - 1].users) },
        { key: 'conversion', label: 'Conversion', num: true, render: (g) => fmt.pct(g.steps[g.steps.length - 1].conversion_from_first) },
        { key: 'median', label: 'Median time', num: true, render: (g) => fmt.duration(g.time_overall.median_seconds) },
      ], groups, { testid: 'funnel-groups' }));
    }).catch(onError));
  } else {
    emptyChart(breakdown.chart, 'Nothing to break down by');
  }

  // ---------- the trend by entry period ----------
  ctx.track(withChart(trend.chart, () => api.get('funnel', { ...base, trend: v.trend }, { signal: ctx.signal }), async (f) => {
    const rows = f.trend || [];
    if (!rows.length) { emptyChart(trend.chart, 'Nobody entered the funnel'); return; }
    const x = rows.map((r) => r.period);
    const p = palette();
    // Users who entered less than a window before the data ends may still convert: open markers.
    const open = rows.map((r) => periodEnd(r.period, f.trend_period) + f.window_seconds * 1000 > Date.parse(`${d.last_day}T00:00:00Z`) + 86400000);
    const openCount = open.filter(Boolean).length;
    await plot(trend.chart, [
      { type: 'bar', name: 'entered', x, y: rows.map((r) => r.entered), yaxis: 'y2', marker: { color: alpha(p.faint, 0.3) }, hovertemplate: '%{x}<br>%{y:,} entered<extra></extra>' },
      {
        type: 'scatter', mode: 'lines+markers', name: 'conversion', x, y: rows.map((r) => r.conversion), line: { color: p.primary, width: 2 },
        marker: { size: open.map((o) => (o ? 8 : 5)), symbol: open.map((o) => (o ? 'circle-open' : 'circle')) },
        customdata: rows.map((r, i) => [r.completed, r.entered, open[i] ? '<br>still converting: the data ends within the window' : '']),
        hovertemplate: '%{x}<br>%{y:.1%} converted (%{customdata[0]:,} of %{customdata[1]:,})%{customdata[2]}<extra></extra>',
      },
    ], {
      xaxis: { type: 'category', tickangle: -30, nticks: 14 },
      yaxis: { tickformat: '.0%', title: { text: 'converted' }, rangemode: 'tozero' },
      yaxis2: { title: { text: 'entered' }, overlaying: 'y', side: 'right', showgrid: false, rangemode: 'tozero' },
      legend: { y: -0.3 },
    });
    trend.setNote(`Share of the users who did the first step in each ${f.trend_period} and completed the funnel; bars: how many entered.${openCount ? ` Open markers: the last ${fmt.plural(openCount, f.trend_period)}, whose users had less than the window to convert before the data ends.` : ''}`);
  }).catch(onError));
}

/** When an entry period ("2025-03" or a week's Monday "2025-03-03") ends, in ms since 1970 (UTC). */
function periodEnd(period, unit) {
  if (unit === 'month') {
    const [y, m] = period.split('-').map(Number);
    return Date.UTC(y, m, 1);
  }
  return Date.parse(`${period}T00:00:00Z`) + 7 * 86400000;
}

/** The steps' table: numbers as the API gives them, and each step's drop-off users to download. */
function stepsTableOf(f, ctx, base) {
  const steps = f.steps;
  const n = steps.length;
  // Who reached step i and went no further: the next step's drop-off (the last step: who completed).
  const stopped = (i) => (i + 1 < n ? steps[i + 1].dropped : steps[i].users);
  const link = (s) => {
    const i = s.step - 1;
    const count = stopped(i);
    if (!count) return fmt.DASH;
    const what = i + 1 < n ? `${fmt.int(count)} stopped here` : `${fmt.int(count)} completed`;
    return h('a', { href: api.url('funnel/export', { ...base, 'dropoff-users': s.step }), download: `funnel_step${s.step}_${s.event.replace(/[^\w-]+/g, '_')}.csv`, dataset: { dropoff: String(s.step), count: String(count) }, title: 'Download these users as a CSV file' }, `⤓ ${what}`);
  };
  return table([
    { key: 'step', label: 'Step', num: true },
    { key: 'event', label: 'Event' },
    { key: 'users', label: 'Users', num: true, format: fmt.int },
    { key: 'conversion_from_previous', label: 'Of previous', num: true, format: (x) => fmt.pct(x) },
    { key: 'conversion_from_first', label: 'Of first', num: true, format: (x) => fmt.pct(x) },
    { key: 'dropped', label: 'Dropped before', num: true, format: (x, s) => (s.step === 1 ? fmt.DASH : fmt.int(x)) },
    { key: 'median_seconds', label: 'Median time', num: true, format: fmt.duration, title: 'From the previous step' },
    { key: 'p90_seconds', label: 'p90 time', num: true, format: fmt.duration, title: 'From the previous step' },
    { key: 'download', label: 'Users who stopped', render: link },
  ], steps, { testid: 'funnel-steps' });
}

/** Bin labels of the API's histogram: "< 1m", "1m–1h", ..., "≥ 90d". */
function binLabels(bins) {
  return bins.map((b, i) => {
    const lo = i ? bins[i - 1].under_seconds : 0;
    if (b.under_seconds === null) return `≥ ${fmt.duration(lo)}`;
    return i ? `${fmt.duration(lo)}–${fmt.duration(b.under_seconds)}` : `< ${fmt.duration(b.under_seconds)}`;
  });
}

/** Where a time falls on the category axis of the bins (linear inside its bin). */
function binPosition(bins, seconds) {
  for (let i = 0; i < bins.length; i += 1) {
    const lo = i ? bins[i - 1].under_seconds : 0;
    const hi = bins[i].under_seconds;
    if (hi === null || seconds < hi) return hi === null ? i : i - 0.5 + (seconds - lo) / (hi - lo);
  }
  return bins.length - 1;
}

async function drawHistogram(times, statsEl, t, windowSeconds, pairText) {
  const stat = (key, text) => h('span.badge', { dataset: { stat: key } }, `${text} ${fmt.duration(t[`${key}_seconds`])}`);
  clear(statsEl, t.users ? [stat('p25', 'p25'), stat('median', 'median'), stat('p75', 'p75'), stat('p90', 'p90'), h('span.muted', `${fmt.int(t.users)} users`)] : null);
  if (!t.users) { emptyChart(times.chart, 'Nobody converted', 'No user went from one step to the next here.'); return; }
  // Bins that start past the window hold nobody: left out.
  const bins = t.histogram.filter((b, i) => i === 0 || t.histogram[i - 1].under_seconds < windowSeconds);
  const p = palette();
  const marks = [['p25', 'p25'], ['median', 'median'], ['p75', 'p75'], ['p90', 'p90']].map(([key, text]) => ({ x: binPosition(bins, t[`${key}_seconds`]), text, strong: key === 'median' }));
  await plot(times.chart, [{
    type: 'bar', x: binLabels(bins).map((l, i) => i), y: bins.map((b) => b.users), marker: { color: alpha(p.primary, 0.8) },
    customdata: binLabels(bins), hovertemplate: '%{customdata}: %{y:,} users<extra></extra>',
  }], {
    xaxis: { tickmode: 'array', tickvals: bins.map((_, i) => i), ticktext: binLabels(bins), title: { text: 'time from one step to the next' }, range: [-0.6, bins.length - 0.4] },
    yaxis: { title: { text: 'users' }, rangemode: 'tozero' },
    showlegend: false, margin: { t: 28 },
    shapes: marks.map((m) => ({ type: 'line', xref: 'x', yref: 'paper', x0: m.x, x1: m.x, y0: 0, y1: 1, line: { color: m.strong ? p.text : p.muted, width: m.strong ? 2 : 1, dash: m.strong ? 'solid' : 'dot' } })),
    annotations: marks.map((m, i) => ({ x: m.x, xref: 'x', yref: 'paper', y: 1, yanchor: 'bottom', yshift: (i % 2) * 12, text: m.text, showarrow: false, font: { size: 10, color: p.muted } })),
  });
  times.setNote(`${pairText}: how long the ${fmt.int(t.users)} users who made it took`);
}
