// Plotly helpers: one base layout and config for every chart, and a loading / empty / error
// state per chart container. Plotly is the global from /vendor/plotly.min.js.
import { palette } from './palette.js';
import { errorBox, h, clear } from './ui.js';
import { isAbort } from './api.js';

const CONFIG = {
  responsive: true,
  displaylogo: false,
  modeBarButtonsToRemove: ['select2d', 'lasso2d', 'autoScale2d', 'toggleSpikelines'],
  toImageButtonOptions: { format: 'png', scale: 2 },
};

function merge(base, extra) {
  const out = { ...base };
  for (const [k, v] of Object.entries(extra || {})) {
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && base[k] && typeof base[k] === 'object' ? merge(base[k], v) : v;
  }
  return out;
}

export function baseLayout() {
  const p = palette();
  const axis = {
    gridcolor: p.border,
    linecolor: p.border,
    zerolinecolor: p.border,
    tickfont: { color: p.muted, size: 11 },
    title: { font: { color: p.muted, size: 12 } },
    automargin: true,
    // One number format everywhere: 12,345 on the axes as in the cards, never 1.2345e4.
    separatethousands: true,
    exponentformat: 'none',
  };
  return {
    font: { family: p.font, size: 12, color: p.text },
    colorway: p.series,
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    margin: { l: 56, r: 18, t: 12, b: 44 },
    hoverlabel: { font: { family: p.font, size: 12 } },
    legend: { orientation: 'h', y: -0.18, x: 0, font: { size: 11 } },
    xaxis: { ...axis },
    yaxis: { ...axis },
    hovermode: 'closest',
  };
}

/** Draw (or redraw) traces into a chart container. */
export async function plot(el, traces, layout = {}, config = {}) {
  clearState(el);
  const finalLayout = merge(baseLayout(), layout);
  // A right-hand axis needs room for its ticks and title.
  if (layout.yaxis2 && !(layout.margin && layout.margin.r !== undefined)) finalLayout.margin = { ...finalLayout.margin, r: 64 };
  // A right-hand axis gets round ticks of its own (Plotly syncs an overlaying axis to the left
  // one's grid by default: 83, 166, 249...).
  if (layout.yaxis2 && layout.yaxis2.overlaying && !layout.yaxis2.tickmode) finalLayout.yaxis2 = { ...finalLayout.yaxis2, tickmode: 'auto' };
  await Plotly.react(el, traces, finalLayout, { ...CONFIG, ...config });
  el.dataset.points = String(countPoints(traces));
  el.dataset.traces = String(traces.length);
  return el;
}

/** Points drawn: x (or labels, or z cells) summed over the traces; used by the tests too. */
export function countPoints(traces) {
  let n = 0;
  for (const t of traces) {
    if (t.z && Array.isArray(t.z) && (!t.x || t.type === 'heatmap')) {
      for (const row of t.z) n += Array.isArray(row) ? row.filter((v) => v !== null && v !== undefined).length : 1;
    } else if (t.labels) n += t.labels.length;
    else if (t.x) n += t.x.length;
    else if (t.y) n += t.y.length;
    else if (t.values) n += t.values.length;
  }
  return n;
}

function clearState(el) {
  for (const s of el.querySelectorAll(':scope > .chart-state')) s.remove();
  el.classList.remove('skeleton');
  delete el.dataset.state;
}

/** Grey placeholder while the data is fetched; keeps the previous drawing under a spinner if any. */
export function loading(el) {
  clearState(el);
  el.dataset.state = 'loading';
  if (el.classList.contains('js-plotly-plot') && el.data && el.data.length) {
    el.append(h('div.chart-state.busy-overlay', h('span.spinner', { role: 'status', 'aria-label': 'Loading' })));
  } else {
    purge(el);
    el.classList.add('skeleton');
  }
}

/** An empty state inside a chart area. */
export function emptyChart(el, title, hint) {
  purge(el);
  clear(el);
  el.dataset.state = 'empty';
  el.dataset.points = '0';
  el.append(h('div.chart-state.empty', { style: { paddingTop: '60px' } }, h('div.empty-title', title), hint ? h('div.empty-hint', hint) : null));
}

export function errorChart(el, err) {
  if (isAbort(err)) return;
  purge(el);
  clear(el);
  el.dataset.state = 'error';
  el.append(h('div.chart-state', { style: { padding: '24px 8px' } }, errorBox(err)));
}

export function purge(el) {
  if (el.classList.contains('js-plotly-plot')) Plotly.purge(el);
  el.classList.remove('skeleton');
}

export function purgeAll(root) {
  for (const el of root.querySelectorAll('.js-plotly-plot')) Plotly.purge(el);
}

/**
 * Fetch then draw: shows a skeleton, calls `load()` (a promise of the data), then `draw(data)`.
 * Errors are shown in the chart area; aborts are ignored.
 */
export async function withChart(el, load, draw) {
  loading(el);
  try {
    const data = await load();
    await draw(data);
  } catch (err) {
    errorChart(el, err);
    if (!isAbort(err)) throw err;
  }
}

/** Heatmap helper with text annotations drawn in each cell. */
export function heatmapTrace({ x, y, z, text, colorscale, zmin, zmax, hovertemplate, showscale = true, colorbarTitle }) {
  return {
    type: 'heatmap', x, y, z, text, zmin, zmax, colorscale,
    texttemplate: text ? '%{text}' : undefined,
    textfont: { size: 10 },
    hoverongaps: false,
    xgap: 1, ygap: 1,
    hovertemplate,
    showscale,
    colorbar: { thickness: 10, outlinewidth: 0, title: colorbarTitle ? { text: colorbarTitle, side: 'right' } : undefined },
  };
}

/**
 * Drill-through: fn(point) when a point (bar, cell, tile) of the chart is clicked. The chart
 * says so: a pointer cursor and data-drill for the tests. Bound once per chart element.
 */
export function onPointClick(el, fn) {
  el.dataset.drill = 'true';
  el.classList.add('clickable');
  if (el.drillBound) { el.drillFn = fn; return; }
  el.drillBound = true;
  el.drillFn = fn;
  el.on('plotly_click', (e) => {
    if (e && e.points && e.points.length) el.drillFn(e.points[0]);
  });
  // A treemap zooms into a clicked tile unless told not to.
  el.on('plotly_treemapclick', () => false);
}

const LABEL_POSITIONS = ['top center', 'bottom center', 'middle right', 'middle left', 'top right', 'top left', 'bottom right', 'bottom left'];

function overlaps(a, b) {
  return a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
}

/**
 * Moves the text labels of a scatter's trace 0 around their markers until none overlaps another
 * (each tries the eight positions around its point), then hides those that still collide: their
 * name stays in the hover.
 */
export async function declutterLabels(el) {
  const trace = el.data && el.data[0];
  if (!trace || !trace.text) return;
  const n = trace.text.length;
  const positions = Array.from({ length: n }, () => 0);
  const hidden = Array.from({ length: n }, () => false);
  const boxes = () => [...el.querySelectorAll('.scatterlayer .trace:first-child .textpoint text')].map((t) => t.getBoundingClientRect());
  for (let round = 0; round < LABEL_POSITIONS.length; round += 1) {
    const b = boxes();
    if (b.length !== n) return;
    const clash = new Set();
    for (let i = 0; i < n; i += 1) {
      for (let j = 0; j < i; j += 1) if (!hidden[i] && !hidden[j] && overlaps(b[i], b[j])) clash.add(i);
    }
    if (!clash.size) break;
    for (const i of clash) {
      if (positions[i] + 1 < LABEL_POSITIONS.length) positions[i] += 1; else hidden[i] = true;
    }
    await Plotly.restyle(el, {
      textposition: [positions.map((p) => LABEL_POSITIONS[p])],
      text: [trace.text.map((t, i) => (hidden[i] ? '' : t))],
    }, [0]);
  }
  // Whatever still collides after every position is left to the hover.
  const b = boxes();
  let changed = false;
  for (let i = 0; i < b.length; i += 1) {
    for (let j = 0; j < i; j += 1) if (!hidden[i] && !hidden[j] && overlaps(b[i], b[j])) { hidden[i] = true; changed = true; }
  }
  if (changed) await Plotly.restyle(el, { text: [el.data[0].text.map((t, i) => (hidden[i] ? '' : t))] }, [0]);
}
