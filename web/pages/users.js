// Users: who is behind a segment, a persona or a cohort cell (GET /api/v1/users), a page at a
// time, with a CSV export of the whole list (/api/v1/users/export) and a link to each user's page.
// Every filter is in the URL: the charts of the other pages link here with theirs.
import * as api from '../lib/api.js';
import * as fmt from '../lib/format.js';
import * as state from '../lib/state.js';
import { h, clear, card, field, select, skeleton, table, showError, markInvalid, empty } from '../lib/ui.js';
import { filterBar } from '../lib/filters.js';
import { personaTiers, rfmSegments } from '../lib/meta.js';
import { noData, rangeOf, rangeFilter } from './common.js';

const PAGE_SIZE = 50;

/** The list's query: the URL's filters as the API's parameters. */
export function usersQuery(ctx, kind) {
  const p = ctx.params;
  const range = rangeOf(ctx);
  return {
    dataset: state.dsParam(kind),
    from: range.from,
    to: range.to,
    segment: p.get('segment') || '',
    persona: p.get('persona') || '',
    cohort: p.get('cohort') || '',
    age: p.get('age') || '',
    'cohort-period': p.get('cohort') && p.get('cohort-period') && p.get('cohort-period') !== 'month' ? p.get('cohort-period') : '',
    search: p.get('search') || '',
    feature: kind === 'usage' ? p.get('feature') || '' : '',
    country: kind === 'transactions' ? p.get('country') || '' : '',
  };
}

/** What the list holds, in words. */
function title(q, who) {
  const parts = [];
  if (q.segment) parts.push(`in the RFM segment ${q.segment}`);
  if (q.persona) parts.push(`of the persona ${q.persona}`);
  if (q.cohort) {
    const unit = q['cohort-period'] || 'month';
    parts.push(q.age !== '' ? `of the ${unit} cohort ${q.cohort} active ${q.age === '0' ? `in its first ${unit}` : `${q.age} ${unit}${q.age === '1' ? '' : 's'} later`}` : `of the ${unit} cohort ${q.cohort}`);
  }
  if (q.feature) parts.push(`who used ${q.feature}`);
  if (q.country) parts.push(`with orders from ${q.country}`);
  if (q.search) parts.push(`whose id contains “${q.search}”`);
  return `${who[0].toUpperCase()}${who.slice(1)} ${parts.join(', ') || '(all)'}`;
}

export async function render(ctx) {
  const kind = ctx.kind;
  if (!kind) return noData(ctx);
  const d = state.dataset(kind);
  const who = state.whoWord(kind);
  const q = usersQuery(ctx, kind);
  const page = Math.max(1, Number(ctx.params.get('page')) || 1);
  ctx.setSubtitle(`${state.KIND_LABEL[d.kind]} · ${d.source}`);

  const search = h('input', { type: 'search', value: q.search, placeholder: 'part of an id', dataset: { param: 'search' }, 'aria-label': `Find a ${state.whoWord(kind, false)}` });
  search.addEventListener('change', () => ctx.setParams({ search: search.value.trim(), page: null }));
  const segmentSelect = select([['', 'Any segment'], ...rfmSegments().map((s) => [s, s])], q.segment, (v) => ctx.setParams({ segment: v, page: null }), { dataset: { param: 'segment' } });
  // The dataset's persona model is the four tiers: their names come from the API's contract.
  const personaSelect = select([['', 'Any persona'], ...personaTiers(kind).map((p) => [p, p])], q.persona, (v) => ctx.setParams({ persona: v, page: null }), { dataset: { param: 'persona' } });
  const bar = filterBar(
    rangeFilter(ctx, d),
    field('Find', search),
    field('RFM segment', segmentSelect),
    field('Persona', personaSelect),
    q.cohort ? h('button.link', { type: 'button', onclick: () => ctx.setParams({ cohort: null, age: null, 'cohort-period': null, page: null }) }, `cohort ${q.cohort} ✕`) : null,
    q.feature ? h('button.link', { type: 'button', onclick: () => ctx.setParams({ feature: null, page: null }) }, `feature ${q.feature} ✕`) : null,
    q.country ? h('button.link', { type: 'button', onclick: () => ctx.setParams({ country: null, page: null }) }, `country ${q.country} ✕`) : null,
  );
  const errorEl = h('div');
  const listEl = h('div', skeleton(8));
  const countEl = h('span', { dataset: { testid: 'users-count' } });
  const exportLink = h('a.button', { href: api.url('users/export', q), download: `${kind}_users.csv`, dataset: { testid: 'users-export' } }, 'Export CSV');
  ctx.root.append(bar, errorEl, h('div', { style: { marginTop: '16px' } },
    card({ title: title(q, who), note: countEl, actions: exportLink, testid: 'users' }, listEl)));

  try {
    const r = await ctx.track(api.get('users', { ...q, page, 'page-size': PAGE_SIZE }, { signal: ctx.signal }));
    countEl.textContent = `${fmt.int(r.matched)} of ${fmt.int(r.total_users)} ${who}${r.window && !r.window.all_time ? `, ${fmt.windowText(r.window)}` : ''}; most valuable first. Personas are of all the data.`;
    if (!r.users.length) {
      clear(listEl, empty(`No ${who} here`, 'Widen the dates or clear a filter.'));
      return;
    }
    const money = kind === 'transactions';
    clear(listEl,
      table([
        { key: 'id', label: money ? 'Customer' : 'User', render: (u) => h('a', { href: ctx.link('user', { id: u.id }), dataset: { user: u.id } }, u.id) },
        { key: 'segment', label: 'Segment' },
        { key: 'persona', label: 'Persona' },
        { key: 'recency', label: 'Recency', num: true, format: (v) => (v === null || v === undefined ? fmt.DASH : `${fmt.int(v)} days`) },
        { key: 'frequency', label: money ? 'Orders' : 'Active days', num: true, format: fmt.int },
        { key: 'monetary', label: money ? 'Revenue' : 'Events', num: true, format: (v) => (money ? fmt.money(v, 2) : fmt.int(v)) },
        { key: 'first_day', label: 'First day', format: fmt.date },
        { key: 'last_day', label: 'Last day', format: fmt.date },
        { key: 'cohort', label: 'Cohort' },
      ], r.users, { testid: 'users' }),
      h('div.row.pager', { dataset: { testid: 'pager' } },
        h('button', { type: 'button', disabled: r.page <= 1, onclick: () => ctx.setParams({ page: r.page - 1 }), dataset: { testid: 'page-prev' } }, '← Previous'),
        h('span.muted', { dataset: { testid: 'page-info' } }, `Page ${fmt.int(r.page)} of ${fmt.int(r.pages)}`),
        h('button', { type: 'button', disabled: r.page >= r.pages, onclick: () => ctx.setParams({ page: r.page + 1 }), dataset: { testid: 'page-next' } }, 'Next →')));
  } catch (err) {
    if (api.isAbort(err)) return;
    markInvalid(bar, err.parameter);
    clear(listEl);
    showError(errorEl, err);
  }
}
