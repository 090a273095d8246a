// The event names of the event log, and a text field that completes them (Paths, Cohorts).
import * as api from './api.js';
import * as state from './state.js';
import { h } from './ui.js';

/** The event log's event names, the most used first (GET /api/v1/usage?view=features). */
export async function eventNames(signal) {
  const all = await api.get('usage', { dataset: state.dsParam('events'), view: 'features' }, { signal });
  return (all.features || []).map((f) => f.feature);
}

let listCount = 0;

/** A datalist of the event names with an id of its own on the page: [id, element]. */
export function eventNameList(names) {
  listCount += 1;
  const id = `event-names-${listCount}`;
  return [id, h('datalist', { id }, names.map((n) => h('option', { value: n })))];
}

/**
 * A text field completing the event names as one types; onChange(name) when a name of the list
 * (or '' when emptied) is entered. A name not in the list is marked invalid and not sent.
 */
export function eventInput({ names, value = '', placeholder = '', param, onChange, label }) {
  const [listId, datalist] = eventNameList(names);
  const input = h('input', {
    type: 'text', value, placeholder, list: listId, autocomplete: 'off', spellcheck: false,
    'aria-label': label, dataset: { param, filter: param }, style: { width: '190px' },
  });
  input.addEventListener('change', () => {
    const v = input.value.trim();
    const known = v === '' || names.includes(v);
    input.setAttribute('aria-invalid', String(!known));
    input.title = known ? '' : `No event is called “${v}”; pick one of the list`;
    if (known) onChange(v);
  });
  const wrap = h('span', input, datalist);
  wrap.input = input;
  return wrap;
}
