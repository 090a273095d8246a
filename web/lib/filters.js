// Filter widgets: date range, multi-select with "only", and the filter bar.
import { h, field } from './ui.js';

/**
 * Two date inputs; onChange({from, to}) with '' for an open end. min/max bound the pickers.
 * The inputs carry data-param="from" / "to" so API errors can point at them.
 */
export function dateRange({ from = '', to = '', min, max, onChange, label = 'Dates' }) {
  // The inputs show the data's bounds when the range is open; a bound equal to the data's is sent as open.
  const a = h('input', { type: 'date', value: from || min || '', min, max, dataset: { param: 'from', filter: 'from' }, 'aria-label': 'From' });
  const b = h('input', { type: 'date', value: to || max || '', min, max, dataset: { param: 'to', filter: 'to' }, 'aria-label': 'To' });
  const emit = () => onChange({
    from: a.value && a.value !== min ? a.value : '',
    to: b.value && b.value !== max ? b.value : '',
  });
  a.addEventListener('change', emit);
  b.addEventListener('change', emit);
  const reset = h('button.link', {
    type: 'button',
    title: 'All dates',
    onclick: () => { a.value = min || ''; b.value = max || ''; emit(); },
  }, 'all');
  const el = field(label, h('div.range', a, h('span', '→'), b, reset));
  el.set = (f, t) => { a.value = f || min || ''; b.value = t || max || ''; };
  return el;
}

/**
 * A drop-down of checkboxes. `selected` null means all. onChange(list or null for all) when the
 * panel closes with another choice than it opened with ("only" chooses and closes at once), so
 * that a page redrawing on each change does not close the panel under the pointer.
 */
export function multiSelect({ label, options, selected = null, onChange, noun = 'items', name, colors, signal }) {
  let chosen = new Set(selected || options);
  const button = h('button', { type: 'button', 'aria-haspopup': 'true', 'aria-expanded': 'false', dataset: { param: name || '' } });
  const panel = h('div.panel', { hidden: true, role: 'group', 'aria-label': label });
  const boxes = new Map();

  const summary = () => {
    if (chosen.size === options.length) return `All ${noun} (${options.length})`;
    if (chosen.size === 0) return `No ${noun}`;
    if (chosen.size <= 2) return [...chosen].join(', ');
    return `${chosen.size} of ${options.length} ${noun}`;
  };
  let committed = [...chosen].sort().join('\u0000');
  const emit = () => { button.textContent = summary(); };
  const commit = () => {
    const key = [...chosen].sort().join('\u0000');
    if (key === committed) return;
    committed = key;
    onChange(chosen.size === options.length ? null : [...chosen]);
  };
  const sync = () => { for (const [opt, box] of boxes) box.checked = chosen.has(opt); };

  panel.append(h('div.tools',
    h('button.link', { type: 'button', onclick: () => { chosen = new Set(options); sync(); emit(); } }, 'All'),
    h('button.link', { type: 'button', onclick: () => { chosen = new Set(); sync(); emit(); } }, 'None')));
  options.forEach((opt, i) => {
    const box = h('input', { type: 'checkbox', checked: chosen.has(opt), value: opt, dataset: { option: opt } });
    box.addEventListener('change', () => {
      if (box.checked) chosen.add(opt); else chosen.delete(opt);
      emit();
    });
    boxes.set(opt, box);
    panel.append(h('div.row',
      h('label', box, colors ? h('span.swatch', { style: { background: colors(opt, i) } }) : null, opt),
      h('button.link.only', {
        type: 'button',
        dataset: { only: opt },
        onclick: () => { chosen = new Set([opt]); sync(); emit(); close(); },
      }, 'only')));
  });

  const wrap = h('div.multiselect', { dataset: { filter: name || '' } }, button, panel);
  const close = () => {
    if (panel.hidden) return;
    panel.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    commit();
  };
  button.addEventListener('click', () => {
    if (!panel.hidden) { close(); return; }
    panel.hidden = false;
    button.setAttribute('aria-expanded', 'true');
  });
  const outside = (e) => { if (!wrap.contains(e.target)) close(); };
  document.addEventListener('click', outside, signal ? { signal } : undefined);
  wrap.addEventListener('keydown', (e) => { if (e.key === 'Escape') { close(); button.focus(); } });
  button.textContent = summary();
  const el = field(label, wrap);
  el.set = (list) => { chosen = new Set(list || options); sync(); button.textContent = summary(); };
  return el;
}

export function filterBar(...fields) {
  return h('div.filters', { role: 'search' }, fields);
}
