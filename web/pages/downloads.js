// Downloads: the processed tables (CSV), the segmentation model (JSON) and the standalone HTML
// report (/api/v1/downloads).
import * as api from '../lib/api.js';
import * as fmt from '../lib/format.js';
import * as state from '../lib/state.js';
import { h, card, empty, table, badge, showError, skeleton } from '../lib/ui.js';
import { noData } from './common.js';

const TYPE = {
  csv: ['CSV', 'info'],
  json: ['JSON', 'warn'],
  html: ['HTML', 'good'],
};

function typeOf(f) {
  const ct = String(f.content_type || f.type || '');
  if (ct.includes('html') || /\.html?$/.test(f.name)) return 'html';
  if (ct.includes('json') || /\.json$/.test(f.name)) return 'json';
  return 'csv';
}

// What each table of `growthlens analyze` / `segment` holds, by the end of its name.
const DESCRIPTIONS = [
  ['_analysis.json', 'every analysis in one JSON report, with the cleaning report and timings'],
  ['_model.json', 'the segmentation model (versioned JSON), to assign new users to the same personas'],
  ['_user_personas.csv', 'each user with recency, frequency, monetary and persona'],
  ['_users.csv', 'RFM per user: recency, frequency, monetary, 1-5 scores, segment'],
  ['_segments.csv', 'the eleven RFM segments: users, mean R/F/M, share of value'],
  ['_rfm_grid.csv', 'users per (R, F, M) score cell'],
  ['_personas.csv', 'personas with their numbers, description and action'],
  ['_k_sweep.csv', 'inertia, silhouette, Davies-Bouldin, Calinski-Harabasz per k'],
  ['_cohort_retention.csv', 'share of each cohort active per period; cohorts that started before the data and partial periods are flagged and left out of the average'],
  ['_cohort_counts.csv', 'active users per cohort and period'],
  ['_cohort_revenue.csv', 'revenue per cohort and period'],
  ['_lifecycle.csv', 'new, returning, resurrecting, dormant per month, quick ratio'],
  ['_stickiness.csv', 'user-weeks by active days in the week'],
  ['_insights.csv', 'the findings in words with their numbers'],
  ['_features.csv', 'events, share, users and adoption per feature'],
  ['_feature_series.csv', 'events and users per day and feature'],
  ['_feature_correlation.csv', 'correlation of per-user event totals between features'],
  ['_revenue_monthly.csv', 'revenue, orders, customers, AOV, new and returning revenue per month; partial months flagged'],
  ['_countries.csv', 'revenue, orders and customers per country'],
  ['_non_products.csv', 'postage, fees and adjustments: in revenue, not products'],
  ['_products.csv', 'revenue per product with the cumulative share (Pareto), postage and fees left out'],
  ['_seasonality.csv', 'revenue and orders by month of year, weekday and hour'],
  ['_cleaning_report.json', 'what cleaning dropped, per rule, with example lines'],
];

function describe(name) {
  const hit = DESCRIPTIONS.find(([end]) => name.endsWith(end));
  return hit ? hit[1] : '';
}

export async function render(ctx) {
  if (!state.hasData()) return noData(ctx);
  ctx.setSubtitle('Every processed table, the segmentation model and a report to share');
  const listEl = h('div', skeleton(6));
  const reportEl = h('div');
  ctx.root.append(reportEl, h('div', { style: { marginTop: '16px' } }, card({ title: 'Files', note: 'CSV cells that a spreadsheet would run as formulas are quoted.' }, listEl)));
  try {
    const r = await ctx.track(api.get('downloads', null, { signal: ctx.signal, fresh: true }));
    const files = Array.isArray(r) ? r : r.files || r.downloads || [];
    const report = files.find((f) => typeOf(f) === 'html');
    reportEl.append(card({ title: 'Standalone report', testid: 'report' },
      h('div.row', { style: { justifyContent: 'space-between' } },
        h('div.muted', { style: { maxWidth: '720px' } },
          'One HTML file with every chart and number of the analysis (KPIs, insights, features, cohorts, RFM segments, personas, revenue) and Plotly inside: it opens offline, in any browser, for anyone.'),
        h('div.row',
          h('a.button', { href: api.downloadUrl(report ? report.name : 'report.html'), target: '_blank', rel: 'noopener', dataset: { testid: 'report-open' } }, 'Open report'),
          h('a.button.primary', { href: api.downloadUrl(report ? report.name : 'report.html'), download: 'growthlens_report.html', dataset: { testid: 'report-link' } }, 'Download report.html')))));
    if (!files.length) {
      listEl.replaceChildren(empty('Nothing to download yet', 'The files appear once the analyses have run on the loaded data.'));
      return;
    }
    const rows = files.filter((f) => typeOf(f) !== 'html').map((f) => ({ ...f, type: typeOf(f), what: describe(f.name) }));
    const groups = ['usage', 'transactions'].map((kind) => rows.filter((f) => (f.dataset || f.kind) === kind)).filter((g) => g.length);
    const other = rows.filter((f) => !['usage', 'transactions'].includes(f.dataset || f.kind));
    if (other.length) groups.push(other);
    const order = (f) => [f.type === 'json' ? 0 : 1, f.name];
    listEl.replaceChildren(h('div.grid.cols-2', { dataset: { table: 'downloads' } }, groups.map((g) => {
      const kind = g[0].dataset || g[0].kind;
      g.sort((a, b) => (order(a)[0] - order(b)[0]) || a.name.localeCompare(b.name));
      return h('div', { dataset: { group: kind || 'other' } },
        h('h3', { style: { marginBottom: '6px' } }, state.KIND_LABEL[kind] || 'Other files'),
        table([
          { key: 'name', label: 'File', render: (f) => h('div', h('a', { href: api.downloadUrl(f.name), download: f.name, dataset: { download: f.name } }, f.name), f.what ? h('div.small.muted', f.what) : null) },
          { key: 'type', label: 'Type', render: (f) => badge(...TYPE[f.type]) },
          { key: 'bytes', label: 'Size', num: true, format: (v, f) => fmt.bytes(v ?? f.size) },
        ], g));
    })));
  } catch (err) {
    showError(listEl, err);
  }
}
