// A list of events picked from the data's event names: chips in order (removable, movable
// left), and a box that suggests the names as one types (a native datalist). A step may carry
// a property condition typed by hand: "sign_up[platform=ios]".
import { h, clear } from './ui.js';
import { eventNameList } from './events.js';

/**
 * names: the event names to suggest (most frequent first); value: the events chosen;
 * onChange(list) after each change; param: the API parameter the list is sent as (errors mark it).
 */
export function eventSteps({ names, value = [], onChange, param, placeholder = 'Add a step…', label, ordered = true }) {
  let chosen = [...value];
  const [listId, datalist] = eventNameList(names);
  const input = h('input', { type: 'text', list: listId, placeholder, autocomplete: 'off', 'aria-label': label || placeholder, dataset: { param, stepInput: param } });
  const chips = h('div.chips', { dataset: { steps: param } });
  const wrap = h('div.event-steps', chips, h('div.row', input, h('button', { type: 'button', dataset: { stepAdd: param }, onclick: () => add() }, 'Add')), datalist);

  const emit = () => { draw(); onChange([...chosen]); };
  const draw = () => clear(chips, chosen.length
    ? chosen.map((name, i) => h('span.chip', { dataset: { step: name, index: String(i + 1) } },
      ordered ? h('span.chip-n', `${i + 1}`) : null,
      h('span.chip-name', name),
      ordered && i > 0 ? h('button.link', { type: 'button', title: 'Move earlier', 'aria-label': `Move ${name} earlier`, onclick: () => { [chosen[i - 1], chosen[i]] = [chosen[i], chosen[i - 1]]; emit(); } }, '←') : null,
      h('button.link', { type: 'button', title: 'Remove', 'aria-label': `Remove ${name}`, dataset: { remove: String(i + 1) }, onclick: () => { chosen.splice(i, 1); emit(); } }, '×')))
    : h('span.muted.small', ordered ? 'No steps yet' : 'None'));

  const add = () => {
    const name = input.value.trim();
    if (!name) return;
    input.value = '';
    chosen.push(name);
    emit();
  };
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') { e.preventDefault(); add(); }
  });
  // Picking a suggestion with the mouse fills the box: add it at once.
  input.addEventListener('input', (e) => {
    if (e.inputType === 'insertReplacementText' || (e.inputType === undefined && names.includes(input.value.trim()))) add();
  });
  draw();
  wrap.set = (list) => { chosen = [...list]; draw(); };
  return wrap;
}
