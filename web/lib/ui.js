// Small DOM helpers: elements, cards, KPI cards, tables, loading, empty and error states.
import { ApiError, isAbort } from './api.js';

/**
 * h('div.card#id', {onclick, dataset: {...}, ...attrs}, ...children)
 * Children: strings, numbers, nodes, arrays, null/false (skipped).
 */
export function h(spec, attrs, ...children) {
  if (attrs === null || typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs)) {
    if (attrs !== undefined) children.unshift(attrs);
    attrs = {};
  }
  const m = /^([a-z0-9-]+)?((?:[.#][\w-]+)*)$/i.exec(spec);
  const el = document.createElement((m && m[1]) || 'div');
  if (m && m[2]) {
    for (const part of m[2].match(/[.#][\w-]+/g)) {
      if (part[0] === '.') el.classList.add(part.slice(1));
      else el.id = part.slice(1);
    }
  }
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'style' && typeof value === 'object') Object.assign(el.style, value);
    else if (key === 'class') el.className += ` ${value}`;
    else if (key in el && key !== 'list' && typeof value !== 'string') el[key] = value;
    else el.setAttribute(key, value === true ? '' : value);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A card with a title, an optional note and actions, and a body. */
export function card({ title, note, actions, cls = '', id, testid } = {}, ...body) {
  const head = title || actions
    ? h('div.card-head',
      h('div.titles', title ? h('h2', title) : null, note ? h('div.note', note) : null),
      actions ? h('div.card-actions', actions) : null)
    : null;
  return h(`section.card${cls ? `.${cls.split(' ').join('.')}` : ''}`, { id, dataset: testid ? { testid } : undefined }, head, ...body);
}

/**
 * A card holding one chart; returns {card, chart, note(text)}. With `scroll` (heatmaps) the chart
 * keeps a readable width on a phone and scrolls sideways inside its card.
 */
export function chartCard({ title, note, actions, chartId, size = '', cls = '', scroll = false }) {
  const chart = h(`div.chart${size ? `.${size}` : ''}`, { dataset: { chart: chartId } });
  const noteEl = h('div.note', note || '');
  const head = h('div.card-head',
    h('div.titles', h('h2', title), noteEl),
    actions ? h('div.card-actions', actions) : null);
  const el = h(`section.card${cls ? `.${cls}` : ''}`, { dataset: { card: chartId } }, head, scroll ? h('div.chart-scroll', chart) : chart);
  return { card: el, chart, setNote: (t) => { noteEl.textContent = t || ''; } };
}

export function kpi(labelText, value, sub, { accent = false, testid, delta, words = false } = {}) {
  // `words`: a name rather than a number (a segment, a persona): smaller, and it may wrap.
  return h(`div.kpi${accent ? '.accent' : ''}${words ? '.words' : ''}`, { dataset: testid ? { kpi: testid } : undefined },
    h('div.kpi-label', labelText),
    h('div.kpi-value', { title: String(value) }, value),
    sub ? h('div.kpi-sub', sub) : null,
    delta || null);
}

export function badge(text, tone = '') {
  return h(`span.badge${tone ? `.${tone}` : ''}`, text);
}

export function swatch(color) {
  return h('span.swatch', { style: { background: color } });
}

export function spinner(text) {
  return h('span.row', h('span.spinner', { role: 'status', 'aria-label': 'Loading' }), text ? h('span.muted', text) : null);
}

/** Grey shimmering placeholder lines. */
export function skeleton(lines = 3) {
  const out = [];
  for (let i = 0; i < lines; i += 1) out.push(h('div.skeleton.skeleton-line', { style: { width: `${90 - ((i * 17) % 40)}%` } }));
  return h('div.skeleton-block', { 'aria-busy': 'true' }, out);
}

export function empty(title, hint, ...actions) {
  return h('div.empty', { dataset: { empty: '' } },
    h('div.empty-title', title),
    hint ? h('div.empty-hint', hint) : null,
    actions.length ? h('div.row', { style: { justifyContent: 'center' } }, actions) : null);
}

// What the form fields are called on the pages, for the API's parameters (the server names
// options as the command line does: --from, parameter 'k').
const PARAM_LABELS = {
  from: 'From', to: 'To', dataset: 'Data set', data: 'Data set', k: 'Personas', features: 'Features', segment: 'RFM segment',
  period: 'Period', mode: 'Active', values: 'Values', 'max-periods': 'Periods shown', ties: 'RFM score ties', view: 'View',
  file: 'File', kind: 'Kind', name: 'File name', users: 'Users', customers: 'Customers', seed: 'Seed',
  metric: 'Metric', solve: 'Solve for', baseline: 'Baseline', 'std-dev': 'Standard deviation', effect: 'Effect',
  'relative-effect': 'Effect', n: 'Users in control', alpha: 'Significance α', power: 'Power', alternative: 'Alternative',
  ratio: 'Allocation ratio', arms: 'Treatment arms', 'daily-traffic': 'Daily eligible users', 'traffic-share': 'Share in the test',
  control: 'Control group', metrics: 'Goal metrics', guardrails: 'Guardrail metrics', 'lower-is-better': 'Lower is better',
  margin: 'Guardrail margin', weights: 'Weights', correction: 'Correction', covariate: 'Covariate', sequential: 'Sequential looks',
  winsorize: 'Winsorize', segments: 'Segments', campaign: 'Campaign', runs: 'Runs', 'window-days': 'Window (days)', split: 'Split',
  'min-users': 'Smallest segment', 'guardrail-effect': 'Guardrail effect', relative: 'Relative effect', page: 'Page', 'page-size': 'Rows per page',
  'user-col': 'User column', 'date-col': 'Date column', 'signup-col': 'Signup column', 'feature-col': 'Feature column',
  'events-col': 'Events column', 'invoice-col': 'Invoice column', 'stock-code-col': 'Item code column',
  'description-col': 'Description column', 'quantity-col': 'Quantity column', 'price-col': 'Unit price column',
  'customer-col': 'Customer column', 'country-col': 'Country column', 'invoice-date-col': 'Invoice date column',
};

/** The label of the form field for an API parameter: the field on the page if there is one. */
export function fieldLabel(param) {
  const el = document.querySelector(`#page [data-param="${CSS.escape(param)}"]`);
  if (el) {
    const own = el.getAttribute('aria-label');
    const f = el.closest('.field');
    const l = f && f.querySelector(':scope > label, :scope > .label');
    if (own && !PARAM_LABELS[param]) return own;
    if (l && l.textContent.trim() && !el.closest('.range')) return l.textContent.trim();
  }
  if (PARAM_LABELS[param]) return PARAM_LABELS[param];
  const s = param.replace(/-col$/, ' column').replace(/-/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * An API message in the page's words: options (--from, parameter 'k') become the fields' labels,
 * and references to routes, files of the documentation and the command line are left out.
 */
export function plainMessage(text) {
  return String(text)
    .replace(/\s*\((?:POST|GET) \/api\/v1\/[^)]*\)/g, '')
    .replace(/;?\s*(?:the routes are )?(?:listed |described )?(?:in|see) docs\/[A-Z_]+\.md(?:, [A-Z][^.;]*)?/g, '')
    .replace(/\s*\(?docs\/[A-Z_]+\.md\)?/g, '')
    .replace(/\bparameter '([a-z][a-z0-9-]*)'/g, (_, p) => `“${fieldLabel(p)}”`)
    .replace(/(^|[\s(,;:'"])--([a-z][a-z0-9-]*)/g, (_, pre, p) => `${pre}“${fieldLabel(p)}”`)
    .replace(/`?growthlens serve`?/g, 'the GrowthLens server')
    // The statement a ClickHouse error quotes is for the logs, not the page.
    .replace(/\b(the (?:query|statement)) '.*?' (failed)/g, '$1 $2');
}

/** A readable error box for an ApiError (message, parameter) or any Error. */
export function errorBox(err, { title } = {}) {
  const api = err instanceof ApiError;
  const heading = title || (api ? (err.parameter && err.status === 400 ? `Check “${fieldLabel(err.parameter)}”` : err.title) : 'Something went wrong');
  return h('div.error-box', { role: 'alert', dataset: { error: api && err.parameter ? err.parameter : '' } },
    h('div',
      h('strong', heading),
      h('div.msg', plainMessage(err && err.message ? err.message : String(err)))));
}

/** Show an error inside `el`, unless it is the abort of a page change. Returns true if shown. */
export function showError(el, err, opts) {
  if (isAbort(err)) return false;
  clear(el, errorBox(err, opts));
  return true;
}

/**
 * A data table.
 * columns: [{key, label, num, format(value, row), html(row) -> Node}]
 */
export function table(columns, rows, { maxRows = Infinity, foot, testid } = {}) {
  const shown = rows.slice(0, maxRows);
  const thead = h('thead', h('tr', columns.map((c) => h(`th${c.num ? '.num' : ''}`, { title: c.title || '' }, c.label ?? c.key))));
  const tbody = h('tbody', shown.map((row) => h('tr', columns.map((c) => {
    const v = row[c.key];
    const content = c.render ? c.render(row) : c.format ? c.format(v, row) : v ?? '';
    return h(`td${c.num ? '.num' : ''}`, content);
  }))));
  const more = rows.length > shown.length ? `Showing ${shown.length} of ${rows.length} rows.` : null;
  return h('div', { dataset: testid ? { table: testid } : undefined },
    h('div.table-wrap', h('table.data', thead, tbody)),
    more || foot ? h('div.table-foot', [more, foot].filter(Boolean).join(' ')) : null);
}

export function segmented(options, value, onChange, { label: aria, name } = {}) {
  const el = h('div.segmented', { role: 'group', 'aria-label': aria || name || '', dataset: { control: name || '' } });
  const set = (v) => {
    for (const b of el.children) b.setAttribute('aria-pressed', String(b.dataset.value === String(v)));
  };
  for (const opt of options) {
    const [v, text] = Array.isArray(opt) ? opt : [opt, opt];
    el.append(h('button', {
      type: 'button',
      dataset: { value: String(v) },
      onclick: () => { set(v); onChange(v); },
    }, text));
  }
  set(value);
  el.setValue = set;
  return el;
}

export function field(labelText, control, hint) {
  const id = control.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  if (!control.id && ['INPUT', 'SELECT', 'TEXTAREA'].includes(control.tagName)) control.id = id;
  return h('div.field',
    ['INPUT', 'SELECT', 'TEXTAREA'].includes(control.tagName) ? h('label', { for: control.id }, labelText) : h('span.label', labelText),
    control,
    hint ? h('div.hint', hint) : null);
}

export function select(options, value, onChange, attrs = {}) {
  const el = h('select', attrs, options.map((o) => {
    const [v, text] = Array.isArray(o) ? o : [o, o];
    return h('option', { value: String(v) }, text);
  }));
  el.value = String(value);
  if (onChange) el.addEventListener('change', () => onChange(el.value));
  return el;
}

/** Debounce a function by `ms`. */
export function debounce(fn, ms = 250) {
  let t = null;
  const d = (...args) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...args), ms);
  };
  d.cancel = () => clearTimeout(t);
  return d;
}

/**
 * Debounce for live forms: the page counts as busy (ctx.track) from the first keystroke until the
 * debounced call has finished, so "ready" never means "a request is about to start".
 */
export function trackedDebounce(ctx, fn, ms = 200) {
  let timer = null;
  let resolve = null;
  return () => {
    if (!resolve) ctx.track(new Promise((r) => { resolve = r; }));
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const done = resolve;
      resolve = null;
      try { await fn(); } finally { done(); }
    }, ms);
  };
}

/** Mark inputs whose `name` (data-param) is the API error's parameter. */
export function markInvalid(root, parameter) {
  for (const el of root.querySelectorAll('[data-param]')) {
    el.setAttribute('aria-invalid', String(Boolean(parameter) && el.dataset.param === parameter));
  }
}

/** Plain-language notes on what a chart or number leaves out (censored cohorts, partial periods). */
export function dataNotes(notes, testid) {
  const list = (notes || []).filter(Boolean);
  if (!list.length) return h('div.data-notes', { hidden: true, dataset: testid ? { testid } : undefined });
  return h('ul.data-notes', { dataset: testid ? { testid } : undefined }, list.map((n) => h('li', n)));
}
