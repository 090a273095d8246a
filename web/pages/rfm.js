// RFM Segments: 3D recency-frequency-monetary scatter by persona (/segment/users), persona sizes and
// interpretation (/segment), the named RFM segments (/rfm) as a treemap, the R x F heatmap
// (/rfm?view=grid) and the silhouette of each k (the k sweep of /segment).
import * as api from '../lib/api.js';
import * as fmt from '../lib/format.js';
import * as state from '../lib/state.js';
import { h, clear, chartCard, card, skeleton, table, segmented, field, select, showError, markInvalid, swatch, dataNotes, errorBox } from '../lib/ui.js';
import * as saved from '../lib/saved.js';
import { plot, withChart, loading, heatmapTrace, onPointClick } from '../lib/charts.js';
import { filterBar } from '../lib/filters.js';
import { personaColor, segmentColor, sequentialScale, palette, textOn } from '../lib/palette.js';
import { rfmSegments } from '../lib/meta.js';
import { personaTable, personaModelText, smallPersonaNotes } from './overview.js';
import { noData, rangeOf, rangeFilter } from './common.js';

const options = { k: '', features: 'rfm', log: true, ties: 'first' };

export async function render(ctx) {
  const kind = ctx.kind;
  if (!kind) return noData(ctx);
  const d = state.dataset(kind);
  const who = state.whoWord(kind);
  const value = state.valueWord(kind);
  if (kind !== 'usage') options.features = 'rfm';
  ctx.setSubtitle(`${state.KIND_LABEL[d.kind]} · ${d.source} · ${fmt.int(d.users)} ${who}`);

  const errorEl = h('div');
  const range = rangeOf(ctx);
  // The default is the dataset's persona model (the four tiers), the one every page shows; the
  // others are for exploring.
  const kSelect = select([['', 'Four tiers (default)'], ['auto', 'Best silhouette'], ...[2, 3, 4, 5, 6, 7, 8, 9, 10].map((k) => [String(k), `k = ${k}`])], options.k, (v) => { options.k = v; refreshPersonas(); }, { dataset: { param: 'k', filter: 'k' } });
  const bar = filterBar(
    rangeFilter(ctx, d),
    field('Personas', kSelect),
    kind === 'usage'
      ? field('Clustered on', segmented([['rfm', 'R, F, M'], ['rfm+usage', 'R, F, M + feature mix']], options.features, (v) => { options.features = v; refreshPersonas(); }, { name: 'features' }))
      : null,
    field('Scatter axes', segmented([['log', 'Log'], ['linear', 'Linear']], options.log ? 'log' : 'linear', (v) => { options.log = v === 'log'; refreshScatter(); }, { name: 'axes' })),
    field('RFM score ties', segmented([['first', 'By rank'], ['shared', 'Equal values share']], options.ties, (v) => { options.ties = v; refreshRfm(); }, { name: 'ties' })),
  );

  const scatter = chartCard({ title: `Recency, frequency and ${value} per ${state.whoWord(kind, false)}`, note: 'Coloured by persona; drag to rotate', chartId: 'rfm-scatter', size: 'tall' });
  const dist = chartCard({ title: 'Persona sizes', note: `${who[0].toUpperCase()}${who.slice(1)} per persona`, chartId: 'rfm-personas', size: 'tall' });
  const interp = h('div', skeleton(5));
  const treemap = chartCard({ title: 'RFM segments', note: `${who[0].toUpperCase()}${who.slice(1)} per named segment (scores 1-5)`, chartId: 'rfm-treemap' });
  const grid = chartCard({ title: 'Recency × frequency', note: `${who[0].toUpperCase()}${who.slice(1)} per R and F score (5 = best)`, chartId: 'rfm-grid', scroll: true });
  const sweep = chartCard({ title: 'Silhouette by k', note: 'KMeans for k = 2..10: the separation of each k, as advice; the personas keep the four tiers; inertia shows the elbow', chartId: 'rfm-silhouette' });
  const sweepAdvice = h('div');
  sweep.card.append(sweepAdvice);
  const distNotes = h('div');
  dist.card.append(distNotes);
  const segTable = h('div', skeleton(5));
  // The personas are the dataset's model, of all the data; the RFM segments follow the dates.
  if (range.from || range.to) {
    for (const c of [scatter.card, dist.card, sweep.card]) c.querySelector('h2').append(h('span.scope', { dataset: { testid: 'scope-personas' } }, 'all time'));
  }

  ctx.root.append(
    bar, errorEl,
    h('div.grid.cols-2-1', { style: { marginTop: '16px' } }, scatter.card, dist.card),
    h('div', { style: { marginTop: '16px' } }, card({ title: 'What each persona means', note: 'Medians and means per persona, their share of value, and what to do' }, interp)),
    h('div.grid.cols-2', { style: { marginTop: '16px' } }, treemap.card, grid.card),
    h('div.grid.cols-1-2', { style: { marginTop: '16px' } }, sweep.card, card({ title: 'Segment summary', note: 'The eleven RFM segments, best first' }, segTable)),
  );

  const segParams = () => ({ dataset: state.dsParam(kind), k: options.k, features: options.features === 'rfm' ? '' : options.features });
  const onError = (err) => {
    if (api.isAbort(err)) return;
    markInvalid(bar, err.parameter);
    showError(errorEl, err);
  };

  let personas = [];
  let users = null;
  let totalUsers = null;
  const personaIndex = (name) => personas.findIndex((p) => p.name === name);

  const refreshScatter = () => ctx.track(withChart(scatter.chart, async () => users, async (u) => {
    const list = u.users || [];
    const byPersona = new Map();
    for (const row of list) {
      const key = row.persona ?? `Persona ${row.persona_id}`;
      if (!byPersona.has(key)) byPersona.set(key, []);
      byPersona.get(key).push(row);
    }
    const names = [...byPersona.keys()].sort((a, b) => personaIndex(a) - personaIndex(b));
    const traces = names.map((name) => {
      const rows = byPersona.get(name);
      const i = personaIndex(name);
      return {
        type: 'scatter3d', mode: 'markers', name,
        x: rows.map((r) => r.recency), y: rows.map((r) => r.frequency), z: rows.map((r) => r.monetary),
        text: rows.map((r) => r.id),
        marker: { size: 2.6, opacity: 0.75, color: personaColor(i < 0 ? 0 : i, personas.length || names.length) },
        hovertemplate: `${name}<br>${state.whoWord(kind, false)} %{text}<br>recency %{x} days<br>${kind === 'transactions' ? 'orders' : 'active days'} %{y:,}<br>${kind === 'transactions' ? `revenue ${fmt.currencyHover('z', 2)}` : 'events %{z:,}'}<extra></extra>`,
      };
    });
    const type = options.log ? 'log' : 'linear';
    const axis = (t, ty) => ({ title: { text: t }, type: ty, dtick: ty === 'log' ? 1 : undefined, exponentformat: 'none', gridcolor: palette().border, backgroundcolor: 'rgba(0,0,0,0)', tickfont: { size: 10 } });
    await plot(scatter.chart, traces, {
      margin: { l: 0, r: 0, t: 0, b: 0 },
      scene: {
        xaxis: axis('recency (days)', 'linear'),
        yaxis: axis(kind === 'transactions' ? 'frequency (orders)' : 'frequency (active days)', type),
        zaxis: axis(kind === 'transactions' ? `revenue (${fmt.currencySymbol() || 'money'})` : 'events', type),
        camera: { eye: { x: 1.6, y: 1.5, z: 0.9 } },
        aspectmode: 'cube',
      },
      legend: { orientation: 'h', y: 0, x: 0, itemsizing: 'constant' },
    });
    const total = u.total_users ?? totalUsers ?? list.length;
    scatter.setNote(`${fmt.int(list.length)} of ${fmt.int(total)} ${who}${list.length < total ? ' (a random sample)' : ''}, coloured by persona; drag to rotate`);
  }));

  const refreshPersonas = () => {
    clear(errorEl);
    markInvalid(bar, null);
    loading(scatter.chart);
    const load = ctx.track(api.get('segment', segParams(), { signal: ctx.signal }));
    ctx.track(withChart(dist.chart, () => load, async (model) => {
      personas = model.personas || [];
      const n = personas.length;
      await plot(dist.chart, [{
        type: 'bar', x: personas.map((p) => p.name.replace(' ', '<br>')), y: personas.map((p) => p.users),
        marker: { color: personas.map((p, i) => personaColor(i, n)) },
        text: personas.map((p) => fmt.pct(p.share)), textposition: 'outside', cliponaxis: false,
        customdata: personas.map((p) => [p.monetary_share]),
        hovertemplate: `%{x}<br>%{y:,} ${who} (%{text})<br>%{customdata[0]:.1%} of ${value}<extra></extra>`,
      }], { xaxis: { tickangle: n > 5 ? -30 : 0 }, yaxis: { title: { text: who }, tickformat: ',d' }, showlegend: false, margin: { t: 24 } });
      // A persona's bar lists its users (the default model's; other k are for exploring).
      if (!options.k) onPointClick(dist.chart, (pt) => ctx.navigate(ctx.link('users', { persona: personas[pt.pointIndex].name })));
      const t = model.training || {};
      totalUsers = t.users ?? null;
      dist.setNote(`${personaModelText(t)}${options.k ? ': exploring, the other pages show the four tiers' : ''}`);
      clear(distNotes, dataNotes(smallPersonaNotes(personas, who), 'small-personas'));
      clear(interp, personaTable(personas, kind, options.k ? null : ctx));
      users = await api.get('segment/users', segParams(), { signal: ctx.signal });
      await refreshScatter();
    }).catch((err) => { showError(interp, err); onError(err); }));
  };

  const refreshRfm = () => {
    ctx.track(withChart(treemap.chart, () => api.get('rfm', { dataset: state.dsParam(kind), from: range.from, to: range.to, ties: options.ties === 'first' ? '' : options.ties }, { signal: ctx.signal }), async (r) => {
      const segs = (r.segments || []).filter((s) => s.users > 0);
      const total = r.total_users;
      await plot(treemap.chart, [{
        type: 'treemap', branchvalues: 'total',
        labels: [`All ${who}`, ...segs.map((s) => s.segment)],
        parents: ['', ...segs.map(() => `All ${who}`)],
        values: [total, ...segs.map((s) => s.users)],
        marker: { colors: [palette().surface, ...segs.map((s) => segmentColor(s.segment))], line: { width: 2, color: palette().surface } },
        customdata: [[null, null, null, null], ...segs.map((s) => [s.mean_recency, s.mean_frequency, s.mean_monetary, s.monetary_share])],
        texttemplate: '<b>%{label}</b><br>%{value:,} · %{percentRoot:.1%}',
        // Readable on every tile: dark text on light tiles, white on dark ones, never shrunk
        // below 11px (a tile too small for its name shows it on hover).
        textfont: { size: 13, color: [palette().text, ...segs.map((s) => textOn(segmentColor(s.segment)))] },
        textposition: 'middle center',
        insidetextfont: { size: 13 },
        hovertemplate: `<b>%{label}</b><br>%{value:,} ${who} (%{percentRoot:.1%})<br>mean recency %{customdata[0]:.0f} days, ${kind === 'transactions' ? 'orders' : 'active days'} %{customdata[1]:.1f}<br>%{customdata[3]:.1%} of ${value}<br>click to list them<extra></extra>`,
        pathbar: { visible: false },
        root: { color: palette().surface },
      }], { margin: { l: 4, r: 4, t: 4, b: 4 }, uniformtext: { minsize: 11, mode: 'hide' } });
      onPointClick(treemap.chart, (pt) => { if (pt.parent) ctx.navigate(ctx.link('users', { segment: pt.label })); });
      treemap.setNote(`${fmt.int(total)} ${who}, scored 1-5 against the reference day ${fmt.date(r.reference_day)}`);
      clear(segTable, table([
        { key: 'segment', label: 'Segment', render: (s) => h('span.row', { style: { flexWrap: 'nowrap' } }, swatch(segmentColor(s.segment)), s.users ? h('a', { href: ctx.link('users', { segment: s.segment }), dataset: { segmentLink: s.segment } }, s.segment) : s.segment) },
        { key: 'users', label: who[0].toUpperCase() + who.slice(1), num: true, render: (x) => h('span', fmt.int(x.users), h('div.small.muted', fmt.pct(x.user_share))) },
        { key: 'mean_recency', label: 'Recency (days)', num: true, format: (v) => fmt.int(v) },
        { key: 'mean_frequency', label: kind === 'transactions' ? 'Orders' : 'Active days', num: true, format: (v) => fmt.num(v, 1) },
        { key: 'mean_monetary', label: kind === 'transactions' ? 'Revenue' : 'Events', num: true, format: (v) => (kind === 'transactions' ? fmt.money(v, 2) : fmt.int(v)) },
        { key: 'monetary_share', label: `Share of ${value}`, num: true, format: (v) => fmt.pct(v) },
      ], [...(r.segments || [])].sort((a, b) => rfmSegments().indexOf(a.segment) - rfmSegments().indexOf(b.segment)), { testid: 'rfm-segments' }));
    }).catch((err) => { showError(segTable, err); }));

    ctx.track(withChart(grid.chart, () => api.get('rfm', { dataset: state.dsParam(kind), from: range.from, to: range.to, view: 'grid', ties: options.ties === 'first' ? '' : options.ties }, { signal: ctx.signal }), async (g) => {
      const z = [1, 2, 3, 4, 5].map(() => [0, 0, 0, 0, 0]);
      for (const c of g.cells || []) z[c.r - 1][c.f - 1] += c.users;
      const total = g.total_users || 1;
      await plot(grid.chart, [heatmapTrace({
        x: ['F1', 'F2', 'F3', 'F4', 'F5'], y: ['R1', 'R2', 'R3', 'R4', 'R5'], z,
        text: z.map((row) => row.map((v) => (v ? fmt.int(v) : ''))),
        colorscale: sequentialScale(),
        customdata: z.map((row) => row.map((v) => v / total)),
        hovertemplate: `recency %{y}, frequency %{x}<br>%{z:,} ${who} (%{customdata:.1%})<extra></extra>`,
        colorbarTitle: who,
      })], { xaxis: { title: { text: 'frequency score' }, showgrid: false }, yaxis: { title: { text: 'recency score' }, showgrid: false }, margin: { t: 8 } });
    }).catch(() => {}));
  };

  ctx.track(withChart(sweep.chart, () => api.get('segment', { dataset: state.dsParam(kind), features: options.features === 'rfm' ? '' : options.features }, { signal: ctx.signal }), async (model) => {
    const s = (model.training && model.training.sweep) || [];
    const chosen = model.training && model.training.k;
    const best = model.training && model.training.best_silhouette_k;
    clear(sweepAdvice, dataNotes([model.training && model.training.advice], 'sweep-advice'));
    const p = palette();
    await plot(sweep.chart, [
      { type: 'scatter', mode: 'lines+markers', name: 'silhouette', x: s.map((r) => r.k), y: s.map((r) => r.silhouette), line: { color: p.series[0], width: 2.5 }, marker: { size: s.map((r) => (r.k === chosen ? 14 : 7)), symbol: s.map((r) => (r.k === chosen ? 'star' : 'circle')) }, hovertemplate: 'k = %{x}<br>silhouette %{y:.3f}<extra></extra>' },
      { type: 'scatter', mode: 'lines', name: 'inertia', yaxis: 'y2', x: s.map((r) => r.k), y: s.map((r) => r.inertia), line: { color: p.faint, dash: 'dot' }, hovertemplate: 'k = %{x}<br>inertia %{y:,.0f}<extra></extra>' },
    ], {
      xaxis: { title: { text: 'k (personas)' }, dtick: 1 },
      yaxis: { title: { text: 'silhouette' }, range: s.length ? [Math.min(...s.map((r) => r.silhouette)) - 0.02, Math.max(...s.map((r) => r.silhouette)) + 0.04] : undefined },
      yaxis2: { title: { text: 'inertia', font: { color: p.faint } }, overlaying: 'y', side: 'right', showgrid: false, tickfont: { color: p.faint, size: 11 } },
      annotations: [
        ...(chosen ? [{ x: chosen, y: (s.find((r) => r.k === chosen) || {}).silhouette, text: `used: k = ${chosen}`, showarrow: false, xanchor: 'left', xshift: 10, yanchor: 'top', yshift: -8, font: { size: 11, color: p.muted } }] : []),
        ...(best && best !== chosen ? [{ x: best, y: (s.find((r) => r.k === best) || {}).silhouette, text: `best separated: k = ${best}`, showarrow: false, xanchor: 'left', xshift: 10, yanchor: 'bottom', yshift: 6, font: { size: 11, color: p.muted } }] : []),
      ],
      margin: { l: 50, r: 56 },
      legend: { y: -0.25 },
    });
  }).catch(() => {}));

  loading(scatter.chart);
  refreshPersonas();
  refreshRfm();
  if (ctx.status && ctx.status.workspace) ctx.track(savedModels(ctx, kind));
}

/**
 * The persona models saved in the workspace for this kind of data, each applied to the data
 * loaded now: how many of today's users fall in each of its personas, against the share it had
 * when it was fitted. Shown only when there is one.
 */
async function savedModels(ctx, kind) {
  const { items } = await saved.list('persona_model', ctx.signal).catch(() => ({ items: [] }));
  const mine = items.filter((m) => (m.data_kind === 'transactions') === (kind === 'transactions'));
  if (!mine.length || ctx.signal.aborted) return;
  const who = state.whoWord(kind);
  const result = h('div', { dataset: { testid: 'saved-model-result' } });
  const describe = (m) => `${m.name} (${fmt.int(m.k)} personas, fitted on ${fmt.int(m.users)} ${who}, saved ${m.saved_at.slice(0, 10)})`;
  const show = async (name) => {
    clear(result, skeleton(4));
    try {
      const r = await saved.applyModel(name, state.actualKind(kind), ctx.signal);
      clear(result,
        h('div.small.muted', { style: { marginBottom: '8px' } }, `${fmt.int(r.users)} ${who} of the data loaded now, each placed in the nearest persona of the saved model.`),
        table([
          { key: 'persona', label: 'Persona' },
          { key: 'users', label: who[0].toUpperCase() + who.slice(1), num: true, format: (v) => fmt.int(v) },
          { key: 'share', label: 'Share now', num: true, format: (v) => fmt.pct(v) },
          { key: 'training_share', label: 'Share when saved', num: true, format: (v) => fmt.pct(v) },
        ], r.personas, { testid: 'saved-model-personas' }));
    } catch (err) {
      if (!api.isAbort(err)) clear(result, errorBox(err, { title: `The saved model “${name}” could not be applied` }));
    }
  };
  const picker = select(mine.map((m) => [m.name, describe(m)]), mine[0].name, (v) => ctx.track(show(v)), { dataset: { testid: 'saved-model-open' } });
  ctx.root.append(h('div', { style: { marginTop: '16px' } },
    card({ title: 'Saved persona models', note: 'Models kept in this workspace, applied to the data loaded now without fitting them again', testid: 'saved-models' },
      field('Model', picker), h('div', { style: { marginTop: '10px' } }, result))));
  await show(mine[0].name);
}
