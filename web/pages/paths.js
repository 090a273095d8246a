// Paths: what users do after an event (or before one), as a Sankey of the flows step by step and
// a table of the most frequent paths (GET /api/v1/paths on the event log). The options are the
// view's, in the URL: anchor (start/end), event, steps, repeats, min-share (%), exclude, gap
// (minutes), top (paths listed).
import * as api from '../lib/api.js';
import * as fmt from '../lib/format.js';
import * as state from '../lib/state.js';
import * as view from '../lib/view.js';
import { h, clear, chartCard, card, kpi, skeleton, table, segmented, field, select, showError, markInvalid, empty } from '../lib/ui.js';
import { plot, withChart, emptyChart, onPointClick } from '../lib/charts.js';
import { multiSelect, filterBar } from '../lib/filters.js';
import { seriesColor, palette, alpha } from '../lib/palette.js';
import { eventNames, eventInput } from '../lib/events.js';
import { needs, rangeOf, rangeFilter } from './common.js';

const OTHER = '(other)';
const TOPS = [10, 20, 50, 100]; // paths listed; 20 is the API's default

/** The options of the view, from the URL, with the API's defaults. */
function optionsOf(params) {
  const steps = Number(params.get('steps'));
  const minShare = Number(params.get('min-share'));
  return {
    anchor: params.get('anchor') === 'end' ? 'end' : 'start',
    event: params.get('event') || '',
    steps: Number.isInteger(steps) && steps >= 1 && steps <= 10 ? steps : 4,
    collapse: params.get('repeats') === 'collapse',
    minShare: params.has('min-share') && Number.isFinite(minShare) && minShare >= 0 && minShare <= 100 ? minShare : 1,
    exclude: view.list(params, 'exclude') || [],
    top: TOPS.includes(Number(params.get('top'))) ? Number(params.get('top')) : 20,
    gap: Number.isInteger(Number(params.get('gap'))) && Number(params.get('gap')) > 0 ? Number(params.get('gap')) : 0,
  };
}

export async function render(ctx) {
  if (needs(ctx, 'events', 'Paths')) return;
  const d = state.dataset('events');
  const o = optionsOf(ctx.params);
  const range = rangeOf(ctx);
  ctx.setSubtitle(`${state.KIND_LABEL[d.kind]} · ${d.source} · ${fmt.int(d.users)} users · ${fmt.dateRange(d.first_day, d.last_day)}`);

  const names = await ctx.track(eventNames(ctx.signal));
  const colorOf = new Map(names.map((n, i) => [n, seriesColor(i)]));
  const color = (n) => colorOf.get(n) || palette().faint;

  const errorEl = h('div');
  const eventField = eventInput({
    names, value: o.event, param: o.anchor, label: o.anchor === 'end' ? 'End event' : 'Start event',
    placeholder: o.anchor === 'end' ? 'pick an event' : 'their first event',
    onChange: (v) => ctx.setParams({ event: v }),
  });
  const stepsInput = h('input', { type: 'number', min: 1, max: 10, step: 1, value: o.steps, dataset: { param: 'steps', filter: 'steps' }, style: { width: '70px' } });
  stepsInput.addEventListener('change', () => {
    const n = Number(stepsInput.value);
    if (Number.isInteger(n) && n >= 1 && n <= 10) ctx.setParams({ steps: n === 4 ? null : n });
    else stepsInput.setAttribute('aria-invalid', 'true');
  });
  const shareInput = h('input', { type: 'number', min: 0, max: 100, step: 0.5, value: o.minShare, dataset: { param: 'min-share', filter: 'min-share' }, style: { width: '70px' } });
  shareInput.addEventListener('change', () => {
    const v = Number(shareInput.value);
    if (shareInput.value !== '' && v >= 0 && v <= 100) ctx.setParams({ 'min-share': v === 1 ? null : v });
    else shareInput.setAttribute('aria-invalid', 'true');
  });
  const gapInput = h('input', { type: 'number', min: 0, max: 525600, step: 1, value: o.gap || '', placeholder: 'none', dataset: { param: 'max-gap', filter: 'gap' }, style: { width: '80px' } });
  gapInput.addEventListener('change', () => {
    const v = gapInput.value === '' ? 0 : Number(gapInput.value);
    if (Number.isInteger(v) && v >= 0 && v <= 525600) ctx.setParams({ gap: v || null });
    else gapInput.setAttribute('aria-invalid', 'true');
  });
  const collapseBox = h('input', { type: 'checkbox', checked: o.collapse, dataset: { param: 'collapse-repeats', filter: 'repeats' } });
  collapseBox.addEventListener('change', () => ctx.setParams({ repeats: collapseBox.checked ? 'collapse' : null }));
  const bar = filterBar(
    rangeFilter(ctx, d),
    field('Paths', segmented([['start', 'After an event'], ['end', 'Before an event']], o.anchor, (v) => ctx.setParams({ anchor: v === 'end' ? v : null }), { name: 'anchor' })),
    field(o.anchor === 'end' ? 'End event' : 'Start event', eventField),
    field('Steps', stepsInput),
    field('Repeats', h('label.row', collapseBox, 'Count an event repeated in a row once')),
    field('Smallest share (%)', shareInput),
    field('Pause ending a path (minutes)', gapInput),
    field('Paths listed', select(TOPS, o.top, (v) => ctx.setParams({ top: Number(v) === 20 ? null : v }), { dataset: { param: 'top', filter: 'top' } })),
    multiSelect({
      label: 'Events in the paths', name: 'exclude', noun: 'events', options: names, signal: ctx.signal,
      selected: o.exclude.length ? names.filter((n) => !o.exclude.includes(n)) : null, colors: (n) => color(n),
      onChange: (kept) => ctx.setParams({ exclude: kept ? names.filter((n) => !kept.includes(n)) : null }),
    }),
  );

  const kpisEl = h('div.kpis', { dataset: { testid: 'paths-kpis' } }, Array.from({ length: 4 }, () => h('div.kpi', skeleton(2))));
  const what = o.event ? `${o.anchor === 'end' ? 'before' : 'after'} ${o.event}` : 'from their first event';
  const sankey = chartCard({ title: `Where users go ${what}`, note: '', chartId: 'paths-sankey', size: 'tall', scroll: true });
  const tableEl = h('div', skeleton(6));
  ctx.root.append(
    bar, errorEl,
    h('div', { style: { marginTop: '12px' } }, kpisEl),
    h('div', { style: { marginTop: '16px' } }, sankey.card),
    h('div', { style: { marginTop: '16px' } }, card({ title: 'Most frequent paths', note: 'One path per user; shares of the users with a path' }, tableEl)),
  );

  if (o.anchor === 'end' && !o.event) {
    clear(kpisEl);
    emptyChart(sankey.chart, 'Pick the event the paths lead to', 'Type or choose an end event above: the paths show the steps users took before it.');
    clear(tableEl, empty('No end event yet', 'The most frequent paths to it are listed here.'));
    return;
  }

  const params = {
    dataset: state.dsParam('events'), from: range.from, to: range.to,
    [o.anchor]: o.event, steps: o.steps, 'collapse-repeats': o.collapse, 'min-share': o.minShare / 100, exclude: o.exclude, 'max-gap': o.gap || '', top: o.top === 20 ? '' : o.top,
  };
  const load = api.get('paths', params, { signal: ctx.signal });
  const onError = (err) => {
    if (api.isAbort(err)) return;
    markInvalid(bar, err.parameter === 'start' || err.parameter === 'end' ? o.anchor : err.parameter);
    showError(errorEl, err);
  };

  ctx.track(load.then((p) => {
    clear(kpisEl,
      kpi('Users with a path', fmt.int(p.users_with_path), `of ${fmt.int(p.users)} users in the dates`, { testid: 'users_with_path' }),
      kpi('Different paths', fmt.int(p.distinct_paths), null, { testid: 'distinct_paths' }),
      kpi('Most frequent path', p.paths.length ? fmt.pct(p.paths[0].share) : '–', p.paths.length ? `${fmt.int(p.paths[0].users)} users` : 'none', { testid: 'top_share', accent: true }),
      kpi('Listed paths cover', fmt.pct(1 - p.other.share), `${fmt.int(p.paths.length)} paths listed`, { testid: 'listed_share' }));
    const rows = p.paths.map((x, i) => ({ rank: i + 1, events: x.events, users: x.users, share: x.share }));
    if (p.other.users) rows.push({ rank: '', events: null, users: p.other.users, share: p.other.share, other: p.other.paths });
    clear(tableEl, table([
      { key: 'rank', label: '#', num: true },
      { key: 'events', label: 'Path', render: (r) => (r.events ? pathChips(r.events, color) : h('span.muted', `${fmt.int(r.other)} other paths (each with less than ${fmt.pct(o.minShare / 100, 1)} of the users${p.paths.length >= o.top ? ` or past the first ${o.top}` : ''})`)) },
      { key: 'users', label: 'Users', num: true, format: (v) => fmt.int(v) },
      { key: 'share', label: 'Share', num: true, format: (v) => fmt.pct(v) },
    ], rows, { testid: 'paths-top' }));
  }).catch((err) => {
    clear(kpisEl);
    clear(tableEl);
    onError(err);
  }));

  ctx.track(withChart(sankey.chart, () => load, async (p) => {
    const { nodes, links } = p.sankey;
    if (!links.length) { emptyChart(sankey.chart, 'No paths', 'No user has an event after the start in these dates.'); return; }
    await drawSankey(sankey.chart, nodes, links, color);
    sankey.setNote(`${fmt.int(p.users_with_path)} users, ${fmt.plural(p.steps, 'step')} ${o.anchor === 'end' ? 'before' : 'after'} ${o.event || 'their first event'}; ${o.gap ? `a pause of more than ${fmt.plural(o.gap, 'minute')} ends a path; ` : ''}events with less than ${fmt.pct(o.minShare / 100, 1)} of the users at a step are grouped as other. Click an event to see the paths after it.`);
    onPointClick(sankey.chart, (pt) => {
      // A node (not a link) names an event: the paths after its first occurrence.
      const node = pt.sourceLinks ? nodes[pt.pointNumber] : null;
      if (!node || node.event === OTHER || (o.anchor === 'start' && node.step === 0)) return;
      ctx.setParams({ anchor: null, event: node.event });
    });
  }).catch(() => {}));
}

/** A path as its events in a row with arrows. */
function pathChips(events, color) {
  const out = [];
  events.forEach((e, i) => {
    if (i) out.push(h('span.muted', ' → '));
    out.push(h('span.path-step', { style: { borderLeft: `3px solid ${color(e)}`, paddingLeft: '4px' } }, e));
  });
  return h('span.path', out);
}

/**
 * The Sankey: a column per step, its events stacked most users first ("other" last), placed by
 * hand so that a path ending early stays in its own step's column.
 */
async function drawSankey(el, nodes, links, color) {
  const steps = [...new Set(nodes.map((n) => n.step))].sort((a, b) => a - b);
  const col = new Map(steps.map((s, i) => [s, i]));
  const x = new Array(nodes.length);
  const y = new Array(nodes.length);
  const clamp = (v) => Math.min(0.999, Math.max(0.001, v));
  for (const s of steps) {
    const at = nodes.map((n, i) => ({ n, i })).filter(({ n }) => n.step === s)
      .sort((a, b) => (a.n.event === OTHER) - (b.n.event === OTHER) || b.n.users - a.n.users);
    const total = at.reduce((a, { n }) => a + n.users, 0);
    const pad = 0.03;
    const room = Math.max(0.2, 1 - pad * (at.length - 1));
    let cum = 0;
    at.forEach(({ n, i }, k) => {
      x[i] = clamp(steps.length > 1 ? col.get(s) / (steps.length - 1) : 0.5);
      y[i] = clamp(((cum + n.users / 2) / total) * room + pad * k);
      cum += n.users;
    });
  }
  const first = nodes.find((n) => n.step === steps[0]);
  const base = first ? first.users : 1;
  const label = (n) => (n.event === OTHER ? 'other events' : n.event);
  const nodeColor = (n) => (n.event === OTHER ? palette().faint : color(n.event));
  await plot(el, [{
    type: 'sankey',
    arrangement: 'fixed',
    valueformat: ',d',
    node: {
      label: nodes.map(label), x, y, pad: 12, thickness: 14,
      color: nodes.map(nodeColor),
      line: { width: 0 },
      customdata: nodes.map((n) => [n.step, fmt.pct(n.users / base)]),
      hovertemplate: 'step %{customdata[0]}: %{label}<br>%{value:,} users (%{customdata[1]})<extra></extra>',
    },
    link: {
      source: links.map((l) => l.source),
      target: links.map((l) => l.target),
      value: links.map((l) => l.users),
      color: links.map((l) => alpha(nodeColor(nodes[l.target]), 0.35)),
      hovertemplate: '%{source.label} → %{target.label}<br>%{value:,} users<extra></extra>',
    },
  }], { margin: { l: 8, r: 8, t: 8, b: 8 }, font: { size: 11 } });
}
