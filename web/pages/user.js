// One user (or customer): their RFM scores and segment, persona, cohort and day-by-day timeline
// (GET /api/v1/users?id=...), their churn risk and its main reasons (GET /api/v1/predictions),
// and a box to look another one up.
import * as api from '../lib/api.js';
import * as fmt from '../lib/format.js';
import * as state from '../lib/state.js';
import { h, clear, card, chartCard, field, kpi, skeleton, table, showError, badge } from '../lib/ui.js';
import { plot, withChart } from '../lib/charts.js';
import { filterBar } from '../lib/filters.js';
import { palette } from '../lib/palette.js';
import { noData, rangeOf, rangeFilter } from './common.js';

/** The user's churn risk, band and main reasons (GET /api/v1/predictions?view=users&user=…). */
async function churnRisk(kind, id, signal) {
  const r = await api.get('predictions', { dataset: state.dsParam(kind), view: 'users', user: id }, { signal });
  if (!r.available) return [h('div.small.muted', r.unavailable)];
  if (!r.users.length) return [h('div.small.muted', 'Churn risk: not scored, as there is no recent activity to go on.')];
  const u = r.users[0];
  const tone = { high: 'bad', medium: 'warn', low: 'good' }[u.risk_band] || '';
  const reasons = [u.driver_1, u.driver_2, u.driver_3].filter(Boolean);
  return [
    h('div', h('strong', 'Churn risk: '), `${fmt.pct(u.churn_probability, 0)} `, badge(u.risk_band, tone)),
    reasons.length ? h('div.small', `What raises the risk most: ${reasons.join('; ')}.`) : null,
    u.clv !== undefined && u.clv !== null ? h('div.small', `Predicted value ${fmt.money(u.clv)}, of which ${fmt.money(u.value_at_risk)} at risk.`) : null,
  ];
}

export async function render(ctx) {
  const kind = ctx.kind;
  if (!kind) return noData(ctx);
  const d = state.dataset(kind);
  const id = ctx.params.get('id') || '';
  const one = state.whoWord(kind, false);
  const money = kind === 'transactions';
  const range = rangeOf(ctx);
  ctx.setSubtitle(`${state.KIND_LABEL[d.kind]} · ${d.source}`);

  const lookup = h('input', { type: 'search', value: id, placeholder: `${one} id`, dataset: { param: 'id' }, 'aria-label': `${one[0].toUpperCase()}${one.slice(1)} id` });
  const form = h('form.row', { onsubmit: (e) => { e.preventDefault(); ctx.setParams({ id: lookup.value.trim() }); } },
    field(`Look up a ${one}`, lookup), h('button.primary', { type: 'submit', style: { alignSelf: 'flex-end' } }, 'Show'));
  const errorEl = h('div');
  const body = h('div', { dataset: { testid: 'user-page' } });
  ctx.root.append(filterBar(form, rangeFilter(ctx, d)), errorEl, body);
  if (!id) {
    body.append(h('div.card', { style: { marginTop: '16px' } }, h('div.empty', h('div.empty-title', `Which ${one}?`),
      h('div.empty-hint', `Type an id above, or open a list of ${state.whoWord(kind)} from a segment, persona or cohort cell.`),
      h('a.button', { href: ctx.link('users') }, `All ${state.whoWord(kind)}`))));
    return;
  }
  body.append(skeleton(6));
  try {
    const u = await ctx.track(api.get('users', { dataset: state.dsParam(kind), id, from: range.from, to: range.to }, { signal: ctx.signal }));
    document.title = `${u.id} · GrowthLens`;
    const rfm = u.rfm || {};
    const persona = u.persona || null;
    const days = u.timeline || [];
    const total = days.reduce((a, x) => a + (money ? x.revenue : x.events), 0);
    const churnEl = h('div', { dataset: { testid: 'churn-risk', state: 'loading' }, style: { marginTop: '12px' } }, h('span.small.muted', 'Churn risk: working it out…'));
    ctx.track(churnRisk(kind, id, ctx.signal).then((x) => { clear(churnEl, ...x); churnEl.dataset.state = 'ready'; })
      .catch((err) => { if (!api.isAbort(err)) { clear(churnEl, h('span.small.muted', 'Churn risk: could not be worked out.')); churnEl.dataset.state = 'ready'; } }));
    const timeline = chartCard({ title: `Activity of ${u.id}`, note: `${fmt.plural(days.length, 'active day')}${u.window && !u.window.all_time ? `, ${fmt.windowText(u.window)}` : ''}`, chartId: 'user-timeline', size: 'short' });
    clear(body,
      h('div.kpis', { style: { marginTop: '16px' }, dataset: { testid: 'user-kpis' } },
        kpi('Segment', rfm.segment || fmt.DASH, rfm.r ? `R ${rfm.r} · F ${rfm.f} · M ${rfm.m}` : null, { accent: true, testid: 'segment', words: true }),
        kpi('Persona', persona ? persona.name : fmt.DASH, 'of all the data', { testid: 'persona', words: true }),
        kpi('Recency', rfm.recency !== undefined ? `${fmt.int(rfm.recency)} days` : fmt.DASH, rfm.reference_day ? `to ${fmt.date(rfm.reference_day)}` : null, { testid: 'recency' }),
        kpi(money ? 'Orders' : 'Active days', fmt.int(rfm.frequency), null, { testid: 'frequency' }),
        kpi(money ? 'Revenue' : 'Events', money ? fmt.money(total, 2) : fmt.int(total), money ? 'in the dates shown' : null, { testid: 'monetary' }),
        kpi('Cohort', u.cohort || fmt.DASH, u.signup ? `signed up ${fmt.date(u.signup)}` : `first active ${fmt.date(u.first_day)}`, { testid: 'cohort' })),
      h('div', { style: { marginTop: '16px' } }, timeline.card),
      h('div.grid.cols-2', { style: { marginTop: '16px' } },
        card({ title: 'Persona', note: 'The dataset\'s persona model (the four tiers)' },
          persona ? h('div', h('div', badge(persona.name, 'info')), h('p', persona.description), h('p', h('strong', 'What to do: '), persona.action)) : h('div.muted', 'Not in the persona model.'),
          churnEl),
        card({ title: 'Days', note: 'Latest first' }, h('div.scroll-box',
          table(money
            ? [
              { key: 'day', label: 'Day', format: fmt.date },
              { key: 'invoices', label: 'Invoices', format: (v) => (v || []).join(', ') },
              { key: 'units', label: 'Units', num: true, format: fmt.int },
              { key: 'revenue', label: 'Revenue', num: true, format: (v) => fmt.money(v, 2) },
            ]
            : [
              { key: 'day', label: 'Day', format: fmt.date },
              { key: 'features', label: 'Features', format: (v) => (v || []).join(', ') },
              { key: 'events', label: 'Events', num: true, format: fmt.int },
            ], [...days].reverse(), { maxRows: 365, testid: 'user-days' })))));
    const p = palette();
    ctx.track(withChart(timeline.chart, async () => days, async (rows) => {
      await plot(timeline.chart, [{
        type: 'bar', x: rows.map((x) => x.day), y: rows.map((x) => (money ? x.revenue : x.events)),
        marker: { color: p.series[0] },
        customdata: rows.map((x) => (money ? (x.invoices || []).join(', ') : (x.features || []).join(', '))),
        hovertemplate: money ? `%{x|%-d %b %Y}<br>${fmt.currencyHover()}<br>%{customdata}<extra></extra>` : '%{x|%-d %b %Y}<br>%{y:,} events<br>%{customdata}<extra></extra>',
      }], { xaxis: { type: 'date' }, yaxis: { title: { text: money ? 'revenue' : 'events' }, tickformat: '~s', tickprefix: money ? fmt.currencySymbol() : '', rangemode: 'tozero' }, showlegend: false, bargap: 0.2 });
    }).catch(() => {}));
  } catch (err) {
    if (api.isAbort(err)) return;
    clear(body);
    showError(errorEl, err, { title: `No ${one} “${id}” to show` });
  }
}
