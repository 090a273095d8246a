// The column-mapping form of an upload whose header is not a known schema: a preview of the
// first rows, the kind of data, and a role per column; "Load" sends the file again with the
// columns named per role (`user-col=...`).
import { h, clear, field, select } from '../lib/ui.js';

export const ROLES = {
  usage: [
    ['user', 'User'], ['time', 'Event date'], ['item', 'Feature'], ['count', 'Events count'], ['signup', 'Signup date'],
  ],
  transactions: [
    ['user', 'Customer'], ['time', 'Invoice date'], ['price', 'Unit price'], ['count', 'Quantity'], ['order', 'Invoice'],
    ['item', 'Item code'], ['description', 'Description'], ['country', 'Country'], ['amount', 'Line amount'],
  ],
};

// Name fragments that suggest a role, tried in order.
const HINTS = [
  ['signup', /sign.?up|regist|join|created/i],
  ['user', /user|customer|member|client|account|visitor|buyer|person|^id$/i],
  ['order', /invoice|order|receipt|basket|transaction/i],
  ['time', /date|time|day|when|timestamp/i],
  ['price', /price|cost|rate/i],
  ['amount', /amount|total|revenue|value|sales/i],
  ['count', /count|qty|quantity|events|times|clicks|number|units/i],
  ['description', /desc|name|title|product/i],
  ['country', /country|region|market|nation/i],
  ['item', /feature|item|sku|stock|code|action|event|page|screen/i],
];

/** The role each column most likely plays for `kind` (each role at most once). */
export function guessRoles(columns, kind) {
  const allowed = new Set(ROLES[kind].map(([r]) => r));
  const used = new Set();
  return columns.map((c) => {
    for (const [role, re] of HINTS) {
      if (!allowed.has(role) || used.has(role) || !re.test(c)) continue;
      used.add(role);
      return role;
    }
    return '';
  });
}

/**
 * The form; onSubmit({kind, mapping: {role: column}}) loads the file again. `info` is the
 * upload's error body: {error, columns, preview, roles}.
 */
export function mappingForm({ fileName, info, kind: initialKind, onSubmit, onCancel }) {
  const columns = info.columns || [];
  let kind = initialKind === 'transactions' ? 'transactions' : 'usage';
  const required = (k) => ((info.roles && info.roles[k] && info.roles[k].required) || []);
  const roleSelects = [];
  const problems = h('div.small', { dataset: { testid: 'mapping-problems' }, role: 'status' });
  const submit = h('button.primary', { type: 'submit', dataset: { testid: 'mapping-submit' } }, 'Load with these columns');
  const head = h('tr');
  const selectsRow = h('tr.mapping-roles');

  const check = () => {
    const chosen = roleSelects.map((s) => s.value).filter(Boolean);
    const dup = chosen.filter((r, i) => chosen.indexOf(r) !== i);
    const missing = required(kind).filter((r) => !chosen.includes(r));
    const label = (r) => (ROLES[kind].find(([x]) => x === r) || [r, r])[1];
    const text = [
      missing.length ? `Still needed: ${missing.map(label).join(', ')}.` : '',
      dup.length ? `${[...new Set(dup)].map(label).join(', ')} is given to two columns.` : '',
    ].filter(Boolean).join(' ');
    problems.textContent = text;
    submit.disabled = Boolean(text);
  };

  const drawSelects = () => {
    clear(selectsRow);
    roleSelects.length = 0;
    const guess = guessRoles(columns, kind);
    columns.forEach((c, i) => {
      const s = select([['', 'Not used'], ...ROLES[kind]], guess[i], check, { dataset: { column: c }, 'aria-label': `Role of the column ${c}` });
      roleSelects.push(s);
      selectsRow.append(h('td', s));
    });
    check();
  };

  for (const c of columns) head.append(h('th', c));
  const kindSelect = select([['usage', 'Usage log: who used which feature when'], ['transactions', 'Transactions: orders with prices']], kind, (v) => { kind = v; drawSelects(); }, { dataset: { param: 'kind' } });
  drawSelects();

  const rows = (info.preview || []).map((r) => h('tr', columns.map((_, i) => h('td', r[i] ?? ''))));
  const form = h('form.mapping', {
    dataset: { testid: 'column-mapping' },
    onsubmit: (e) => {
      e.preventDefault();
      const mapping = {};
      roleSelects.forEach((s, i) => { if (s.value) mapping[s.value] = columns[i]; });
      onSubmit({ kind, mapping });
    },
  },
  h('div', h('strong', `Which column is what in ${fileName}?`),
    h('div.small.muted', 'The columns were not recognised. Pick the kind of data and what each column holds; the first rows are shown below.')),
  h('div.row', { style: { marginTop: '10px' } }, field('Kind of data', kindSelect)),
  h('div.table-wrap', { style: { marginTop: '10px' } }, h('table.data.mapping-table', h('thead', head, selectsRow), h('tbody', rows))),
  h('div.row', { style: { marginTop: '10px' } }, submit, h('button', { type: 'button', onclick: onCancel }, 'Cancel'), problems));
  return form;
}

