// What pages show when the data they need is not loaded.
import * as state from '../lib/state.js';
import { h, empty } from '../lib/ui.js';
import * as view from '../lib/view.js';
import * as fmt from '../lib/format.js';
import { dateRange } from '../lib/filters.js';

export function noData(ctx) {
  if (ctx.status && ctx.status.busy) {
    // The server is still reading data (serve --demo, or an upload): wait for it, then draw.
    ctx.root.append(h('div.card', h('div.empty', h('div.row', { style: { justifyContent: 'center' } }, h('span.spinner'), h('span.empty-title', 'Loading data…')),
      h('div.empty-hint', 'The server is reading and cleaning the data; this page fills in as soon as it is ready.'))));
    ctx.track((async () => {
      while (!ctx.signal.aborted) {
        await new Promise((r) => setTimeout(r, 800));
        const s = await ctx.refreshStatus().catch(() => null);
        if (s && !s.busy) { if (!ctx.signal.aborted) ctx.rerender(); return; }
      }
    })());
    return;
  }
  ctx.root.append(h('div.card', empty(
    'No data loaded',
    'Upload a usage log or a transactions CSV on Home, or load the demo data; this page fills in as soon as the server has it.',
    h('a.button.primary', { href: '#/' }, 'Go to Home'))));
}

// What each kind of data is called and looks like, for the pages that need it.
const NEEDED = {
  usage: ['a usage log', 'a feature-usage log (user_id, signup_date, event_date, feature_name, events_count)'],
  events: ['an event log', 'an event log (one row per event: user_id, timestamp, event)'],
  transactions: ['transactions', 'a transactions file (Online Retail: InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice, CustomerID, Country)'],
};

/** The empty state of a page that needs one kind of data; true when that data is missing. */
export function needs(ctx, kind, why) {
  if (state.dataset(kind)) return false;
  const [name, what] = NEEDED[kind];
  // The data held instead (an event log is asked for by name: the usage data may be a usage log).
  const other = kind === 'usage' ? state.dataset('transactions') : state.dataset('usage') || state.dataset('transactions');
  ctx.root.append(h('div.card', { dataset: { testid: 'needs-data' } }, empty(
    `${why} needs ${name}`,
    `Upload ${what} on Home${other ? `; only ${state.KIND_LABEL[other.kind].toLowerCase()} data (${other.source}) is loaded now` : ''}.`,
    h('a.button.primary', { href: '#/' }, 'Upload on Home'),
    other ? h('a.button', { href: '#/overview' }, `Overview of the ${state.KIND_LABEL[other.kind].toLowerCase()}`) : null)));
  return true;
}

/** The shared date range of the view (URL from / to), '' for an open end. */
export function rangeOf(ctx) {
  return { from: view.day(ctx.params, 'from'), to: view.day(ctx.params, 'to') };
}

/** The date range filter every page shows: it reads and writes the URL's from / to. */
export function rangeFilter(ctx, d, label = 'Dates') {
  const r = rangeOf(ctx);
  return dateRange({ from: r.from, to: r.to, min: d.first_day, max: d.last_day, label, onChange: (x) => ctx.setParams(x) });
}

/** "1 Oct 2025 – 31 Dec 2025" of the range asked, or "all dates". */
export function rangeText(ctx, d) {
  const r = rangeOf(ctx);
  if (!r.from && !r.to) return `all dates (${fmt.dateRange(d.first_day, d.last_day)})`;
  return fmt.dateRange(r.from || d.first_day, r.to || d.last_day);
}
